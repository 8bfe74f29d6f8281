"""A file that is not a valid questionnaire: one clear line with file, line and id."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from flows.questionnaire import (
    QuestionnaireError,
    load_questionnaire,
    parse_questionnaire,
    read_questionnaire,
)
from flows.registry import SHIPPED_DIR

HEAD = 'id = "broken"\ntitle = "Broken"\n\n[[questions]]\nid = "first"\nprompt = "First?"\n\n'
# HEAD is 7 lines; the second question's table starts on line 8.


def second(body: str) -> str:
    return HEAD + '[[questions]]\nid = "second"\nprompt = "Second?"\n' + body + "\n"


# (file text, line, question id or None, words the reason must hold)
CASES: dict[str, tuple[str, int | None, str | None, str]] = {
    "unknown type": (second('type = "colour"'), 11, "second", "unknown type 'colour'"),
    "duplicate id": (
        HEAD + '[[questions]]\nid = "first"\nprompt = "Again?"\n', 9, "first",
        "duplicate id (first at line 5)",
    ),
    "condition on an unknown question": (
        second('when = { question = "nope", equals = "x" }'), 11, "second",
        "unknown question 'nope'",
    ),
    "condition on a later question": (
        second('when = { question = "third", equals = "x" }')
        + '[[questions]]\nid = "third"\nprompt = "Third?"\n',
        11, "second", "'third', which comes later",
    ),
    "condition on itself": (
        second('when = { question = "second", answered = true }'), 11, "second", "itself",
    ),
    "condition in a sub-table": (
        second('[questions.when]\nquestion = "first"\nmatches = "x"'), 11, "second",
        "unknown key 'matches'",
    ),
    "condition value not a choice": (
        HEAD.replace('prompt = "First?"', 'prompt = "First?"\ntype = "choice"\nchoices = ["a"]')
        + '[[questions]]\nid = "second"\nprompt = "S?"\n'
        + 'when = { question = "first", equals = "b" }\n',
        13, "second", "'b' is not one of its choices (a)",
    ),
    "operator not for the type": (
        second('when = { question = "first", gt = 3 }'), 11, "second", "'gt' does not apply",
    ),
    "two operators": (
        second('when = { question = "first", equals = "a", one_of = ["b"] }'), 11, "second",
        "exactly one operator",
    ),
    "condition on the first question": (
        'id = "x"\n[[questions]]\nid = "only"\nprompt = "P"\n'
        'when = { question = "a", equals = 1 }\n',
        5, "only", "the first question cannot have a condition",
    ),
    "constraint on the wrong type": (
        second('type = "integer"\nmin_length = 3'), 12, "second",
        "'min_length' does not apply to an integer question",
    ),
    "range upside down": (
        second('type = "number"\nmin = 5\nmax = 1'), 13, "second", "max 1 is below min 5",
    ),
    "length upside down": (
        second("min_length = 5\nmax_length = 1"), 12, "second",
        "max_length 1 is below min_length 5",
    ),
    "negative length": (second("max_length = -1"), 11, "second", "0 or more"),
    "bad pattern": (second('pattern = "[a-"'), 11, "second", "not a valid regular expression"),
    "choices missing": (second('type = "choice"'), 11, "second", "needs choices"),
    "choices empty": (second('type = "choice"\nchoices = []'), 12, "second", "non-empty list"),
    "choice listed twice": (
        second('type = "multi_choice"\nchoices = ["a", "a"]'), 12, "second", "listed twice",
    ),
    "date bound not a date": (
        second('type = "date"\nmin = "2024-01-01"'), 12, "second", "a TOML date",
    ),
    "integer bound not whole": (second('type = "integer"\nmax = 2.5'), 12, "second", "whole"),
    "default of the wrong type": (
        second('type = "integer"\ndefault = "5"'), 12, "second",
        "default '5' is not a whole number",
    ),
    "default not a choice": (
        second('type = "choice"\nchoices = ["a"]\ndefault = "b"'), 13, "second",
        "is not among the choices",
    ),
    "default breaks a constraint": (
        second('type = "integer"\nmax = 3\ndefault = 9'), 13, "second", "is above max 3",
    ),
    "misspelt key": (second('chioces = ["a"]'), 11, "second", "did you mean 'choices'?"),
    "required not a boolean": (second('required = "yes"'), 11, "second", "true or false"),
    "no prompt": (HEAD + '[[questions]]\nid = "second"\n', 9, "second", "needs a prompt"),
    "no id": (HEAD + '[[questions]]\nprompt = "Who?"\n', 8, None, "question 2: has no id"),
    "id not an identifier": (
        HEAD + '[[questions]]\nid = "my-answer"\nprompt = "P"\n', 9, "my-answer",
        "Python identifier",
    ),
    "id a keyword": (
        HEAD + '[[questions]]\nid = "class"\nprompt = "P"\n', 9, "class", "identifier",
    ),
    "id reserved by the engine": (
        HEAD + '[[questions]]\nid = "at"\nprompt = "P"\n', 9, "at", "reserved",
    ),
    "id the prompt's name": (
        HEAD + '[[questions]]\nid = "message"\nprompt = "P"\n', 9, "message", "reserved",
    ),
    "id a pydantic attribute": (
        HEAD + '[[questions]]\nid = "json"\nprompt = "P"\n', 9, "json", "reserved",
    ),
    "ids that give one event name": (
        HEAD + '[[questions]]\nid = "First"\nprompt = "P"\n', 9, "First",
        "event name BrokenFirstQuestion is the same as that of question 'first'",
    ),
    "unknown top-level key": ('id = "x"\ntitel = "X"\n', 2, None, "did you mean 'title'?"),
    "no questions": ('id = "x"\ntitle = "X"\n', None, None, "at least one [[questions]]"),
    "bad flow id": ('id = "two words"\n[[questions]]\nid = "a"\nprompt = "P"\n', 1, None,
                    "must start with a letter"),
    "bad version": ('version = 0\n[[questions]]\nid = "a"\nprompt = "P"\n', 1, None, "version"),
    "not TOML": (HEAD + 'prompt = "unterminated\n', 8, None, "not valid TOML"),
    "key given twice": (HEAD + 'prompt = "again"\n', 8, None, "not valid TOML"),
    "questions not tables": (
        'id = "x"\nquestions = [1, 2]\n', 2, None, "question 1: must be a table",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_clear_line(write_toml: Callable[..., Path], case: str) -> None:
    text, line, qid, reason = CASES[case]
    path = write_toml(text)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    error = caught.value
    message = str(error)
    assert "\n" not in message
    assert "Traceback" not in message
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    assert message.startswith(where), message
    if qid is not None:
        assert message.startswith(f"{where}question {qid!r}: "), message
    assert reason in message, message
    assert (error.path, error.line, error.question) == (str(path), line, qid)
    assert isinstance(error, ValueError)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError, match=r"nope\.toml: cannot read the file"):
        read_questionnaire(tmp_path / "nope.toml")


def test_a_file_that_is_not_text(tmp_path: Path) -> None:
    path = tmp_path / "binary.toml"
    path.write_bytes(b"id = \"x\"\n\xff\xfe\n")
    with pytest.raises(QuestionnaireError, match="not UTF-8 text"):
        read_questionnaire(path)


def test_a_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * (1 << 20) + "\n")
    with pytest.raises(QuestionnaireError, match="over the limit"):
        read_questionnaire(path)


def test_the_flow_id_defaults_to_the_file_stem(write_toml: Callable[..., Path]) -> None:
    path = write_toml('[[questions]]\nid = "a"\nprompt = "P"\n', name="my-survey.toml")
    workflow = load_questionnaire(path)()
    assert workflow.flow_name == "my-survey"
    assert type(workflow).title == "My survey"
    assert type(workflow).__name__ == "MySurveyQuestionnaire"


def test_a_file_name_that_cannot_be_a_flow_id(write_toml: Callable[..., Path]) -> None:
    path = write_toml('[[questions]]\nid = "a"\nprompt = "P"\n', name="2024 review.toml")
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire(path)
    assert str(caught.value) == (
        f"{path}: the questionnaire's id '2024 review' (taken from the file name; "
        'set id = "...") must start with a letter and hold only letters, digits, \'-\' and \'_\''
    )


def test_questions_written_as_an_inline_array_find_their_line() -> None:
    text = (
        'id = "x"\nquestions = [\n  { id = "a", prompt = "P" },\n'
        '  { id = "b", prompt = "Q", type = "blob" },\n]\n'
    )
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, "inline.toml")
    assert str(caught.value).startswith("inline.toml:4: question 'b': unknown type 'blob'")


def test_broken_variants_of_a_shipped_file_never_escape_as_another_error() -> None:
    """Delete, or double, each line of a real questionnaire: every result is either a
    questionnaire or a QuestionnaireError, never a traceback of another kind."""
    lines = (SHIPPED_DIR / "kickoff.toml").read_text().splitlines()
    errors = 0
    for index in range(len(lines)):
        for variant in (lines[:index] + lines[index + 1:], lines[:index + 1] + lines[index:]):
            try:
                parse_questionnaire("\n".join(variant), "variant.toml")
            except QuestionnaireError as exc:
                assert str(exc).startswith("variant.toml")
                errors += 1
    assert errors > 20
