"""Questionnaire files written to hurt: each fails alone, named, with its line.

A folder of flows holds files from other people. Whatever is wrong with one
(a pattern that backtracks for ever, nesting that exhausts the parser's stack,
a number too long to convert, a terminal escape in a prompt, a bound that is
not a number), the registry leaves that file out with its name, line and
reason, and every other flow, built-in ones included, loads as usual.

The registry is read in a subprocess with a deadline: a file that hangs the
reader fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flows.questionnaire_file import QuestionnaireError, parse_questionnaire
from flows.toml_guard import MAX_DEPTH

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
id = "good"

[[questions]]
id = "name"
prompt = "Your name?"
"""

_LIST = """
import json, sys
from flows.registry import available_flows
registry = available_flows(sys.argv[1])
print(json.dumps({"flows": list(registry),
                  "problems": [[str(p.path), p.message] for p in registry.problems]}))
"""


def registry_of(folder: Path, timeout: float = 20.0) -> tuple[list[str], dict[str, str]]:
    """The flow names and {file name: problem} that ``available_flows(folder)`` gives."""
    proc = subprocess.run(
        [sys.executable, "-c", _LIST, str(folder)], cwd=ROOT, capture_output=True, text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr == "", proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    return data["flows"], {Path(path).name: message for path, message in data["problems"]}


def one_bad_file(tmp_path: Path, text: str) -> tuple[Path, str]:
    """Write GOOD and ``text`` (bad.toml) to a folder: the bad file's problem, checked
    to be the only one, and every other flow there."""
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "good.toml").write_text(GOOD, encoding="utf-8")
    bad = folder / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    flows, problems = registry_of(folder)
    assert {"gather", "joke", "kickoff", "good"} <= set(flows)
    assert "bad" not in flows
    assert list(problems) == ["bad.toml"], problems
    message = problems["bad.toml"]
    assert "\n" not in message and message.startswith(f"{bad}:"), message
    return bad, message


def question(body: str, qid: str = "q") -> str:
    return f'id = "bad"\n\n[[questions]]\nid = "{qid}"\nprompt = "P?"\n{body}\n'


# -- patterns ------------------------------------------------------------------------


def test_a_default_that_would_backtrack_for_ever_leaves_its_file_out_at_once(tmp_path):
    text = question('pattern = "^(a+)+$"\ndefault = "' + "a" * 60 + 'b"')
    bad, message = one_bad_file(tmp_path, text)
    shown = repr("a" * 60 + "b")[:57] + "..."
    assert message == f"{bad}:7: question 'q': default {shown} does not match the pattern ^(a+)+$"


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?=x)x", "invalid perl operator: (?=; RE2 has no lookaround"),
        ("(a)\\\\1", "invalid escape sequence: \\1; RE2 has no backreferences"),
        ("a++", "bad repetition operator: ++; RE2 has no possessive repeats"),
    ],
)
def test_a_pattern_re2_cannot_run_is_refused_naming_the_question(tmp_path, pattern, reason):
    bad, message = one_bad_file(tmp_path, question(f'pattern = "{pattern}"', "code"))
    assert message.startswith(f"{bad}:6: question 'code': pattern "), message
    assert "is not a valid regular expression for RE2: " + reason in message


# -- depth -----------------------------------------------------------------------------


def test_a_when_nested_hundreds_deep_fails_alone_with_its_line(tmp_path):
    deep = "{ not = " * 400 + '{ question = "a", answered = true }' + " }" * 400
    text = (
        'id = "bad"\n\n[[questions]]\nid = "a"\nprompt = "A?"\n\n'
        f'[[questions]]\nid = "b"\nprompt = "B?"\nwhen = {deep}\n'
    )
    assert len(text) < 13_000
    bad, message = one_bad_file(tmp_path, text)
    assert message == f"{bad}:10: lists and tables nest more than {MAX_DEPTH} deep here"


def test_a_list_nested_deep_fails_alone(tmp_path):
    text = question("default = " + "[" * 5000 + "]" * 5000)
    bad, message = one_bad_file(tmp_path, text)
    assert message == f"{bad}:6: lists and tables nest more than {MAX_DEPTH} deep here"


def test_tables_nested_deep_by_dotted_keys_fail_alone(tmp_path):
    dotted = ".".join(f"k{i}" for i in range(MAX_DEPTH + 5))
    text = question(f"{dotted} = 1")
    bad, message = one_bad_file(tmp_path, text)
    assert message.startswith(f"{bad}:6: question 'q': k0.k1.k2"), message
    assert message.endswith(f": tables and lists nest more than {MAX_DEPTH} deep")


def test_a_when_nested_just_inside_the_cap_still_loads():
    deep = "{ not = " * (MAX_DEPTH - 4) + '{ question = "a", answered = true }' + " }" * (
        MAX_DEPTH - 4)
    text = (
        'id = "ok"\n[[questions]]\nid = "a"\nprompt = "A?"\n'
        f'[[questions]]\nid = "b"\nprompt = "B?"\nwhen = {deep}\n'
    )
    assert [q.id for q in parse_questionnaire(text).questions] == ["a", "b"]


# -- numbers ---------------------------------------------------------------------------


def test_an_integer_of_five_thousand_digits_fails_alone_with_its_line(tmp_path):
    text = question('type = "integer"\nmin = 0\nmax = ' + "9" * 5000)
    bad, message = one_bad_file(tmp_path, text)
    assert message.startswith(f"{bad}:8: not readable TOML: Exceeds the limit (4300 digits)")


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ('type = "number"\nmin = nan', 7, "min of a number question must be a finite number"),
        ('type = "number"\nmax = inf', 7, "max of a number question must be a finite number"),
        ('type = "number"\ndefault = -inf', 7, "default -inf is not a finite number"),
        ('type = "number"\nmin = 0\ndefault = nan', 8, "default nan is not a finite number"),
    ],
)
def test_a_bound_or_default_that_is_not_a_finite_number_is_refused(body, line, reason):
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(question(body), "nan.toml")
    assert str(caught.value) == f"nan.toml:{line}: question 'q': {reason}"


# -- text a terminal would obey ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "where"),
    [
        ('help = "Hi \\u001b[2J there"', 6, "help"),
        ('label = "\\u009b31m"', 6, "label"),
        ('type = "choice"\nchoices = ["ok", "\\u001b]0;pwned\\u0007"]', 7, "choices[1]"),
    ],
)
def test_a_control_character_in_a_file_is_refused_where_it_is(body, line, where):
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(question(body), "esc.toml")
    code = "U+009B" if "009b" in body else "U+001B"
    assert str(caught.value) == (
        f"esc.toml:{line}: question 'q': {where}: the text holds a control character "
        f"({code}); only tab and newline are allowed"
    )


def test_an_escape_in_a_prompt_leaves_the_file_out(tmp_path):
    text = 'id = "bad"\n\n[[questions]]\nid = "q"\nprompt = "Red \\u001b[31malert"\n'
    bad, message = one_bad_file(tmp_path, text)
    assert message == (
        f"{bad}:5: question 'q': prompt: the text holds a control character (U+001B); "
        "only tab and newline are allowed"
    )


def test_an_escape_in_the_title_is_refused_at_its_line():
    text = 'title = "\\u001b[31m"\n' + question("").split("\n", 1)[1]
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, "t.toml")
    assert str(caught.value).startswith("t.toml:1: title: the text holds a control character")


# -- size ------------------------------------------------------------------------------


def test_sixty_thousand_choices_are_checked_in_one_pass(tmp_path):
    choices = ", ".join(f'"c{i}"' for i in range(60_000))
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "many.toml").write_text(
        question(f'type = "choice"\nchoices = [{choices}]').replace('"bad"', '"many"'),
        encoding="utf-8",
    )
    flows, problems = registry_of(folder)  # was past 30 s: the deadline is 20
    assert "many" in flows and problems == {}
    doubled = question('type = "choice"\nchoices = ["a", "b", "a"]')
    with pytest.raises(QuestionnaireError, match=r":7: question 'q': choice 'a' is listed twice"):
        parse_questionnaire(doubled, "d.toml")
