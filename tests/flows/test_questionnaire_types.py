"""Every question type and constraint: what a person may answer, and what is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from flows.questionnaire import QuestionnaireFlow, load_questionnaire, questionnaire_from_text
from hitl import InputRequiredEvent, Rules, WorkflowCheckpointer

# (question table body, valid answers -> result value, invalid answers)
CASES: dict[str, tuple[str, list[tuple[Any, Any]], list[Any]]] = {
    "text": (
        'type = "text"\nmin_length = 2\nmax_length = 5\npattern = "[a-z]+"',
        [("abc", "abc"), ("ab", "ab"), ("abcde", "abcde")],
        ["a", "abcdef", "ab1", "", "   ", 12, "a\x00b", None],
    ),
    "optional_text": (
        'type = "text"\nrequired = false\nmin_length = 3',
        [("", ""), ("abc", "abc")],
        ["ab"],
    ),
    "long_text": (
        'type = "long_text"\nmax_length = 20',
        [("line one\nline two", "line one\nline two"), ("tab\there", "tab\there")],
        ["x" * 21, "", "bell\x07"],
    ),
    "choice": (
        'type = "choice"\nchoices = ["red", "green"]',
        [("green", "green"), ("red", "red")],
        ["blue", "", "Red", ["red"]],
    ),
    "optional_choice": (
        'type = "single choice"\nchoices = ["red", "green"]\nrequired = false',
        [("", ""), ("red", "red")],
        ["blue"],
    ),
    "multi_choice": (
        'type = "multi_choice"\nchoices = ["x", "y", "z"]\nmin_length = 1\nmax_length = 2',
        [(["x", "z"], ["x", "z"]), (["y"], ["y"])],
        [["w"], ["x", "y", "z"], [], "x", None],
    ),
    "list": (
        'type = "list"\nmin_length = 1\nmax_length = 2',
        [(["one"], ["one"]), (["a", "b"], ["a", "b"])],
        [[], ["a", "b", "c"], "a", [1], None],
    ),
    "integer": (
        'type = "integer"\nmin = 1\nmax = 10',
        [(3, 3), ("7", 7), (10, 10), (1, 1)],
        [0, 11, 2.5, "x", True, None, ""],
    ),
    "number": (
        'type = "number"\nmin = 0\nmax = 1.5',
        [(0.5, 0.5), (1, 1.0), ("1.25", 1.25), (0, 0.0)],
        [-0.1, 2, "abc", False, None],
    ),
    "yes_no": (
        'type = "yes/no"',
        [(False, False), (True, True), ("yes", True), ("no", False)],
        [None, "maybe"],
    ),
    "date": (
        'type = "date"\nmin = 2024-01-01\nmax = 2024-12-31',
        [("2024-06-01", "2024-06-01"), (dt.date(2024, 1, 1), "2024-01-01")],
        ["2023-12-31", "2025-01-01", "not a date", None, ""],
    ),
    "optional_integer": (
        'type = "integer"\nrequired = false\nmin = 5',
        [(None, None), (5, 5)],
        [4],
    ),
}


def one_question(write_toml: Callable[..., Path], qid: str, body: str) -> Path:
    return write_toml(f'id = "t"\n[[questions]]\nid = "{qid}"\nprompt = "Q?"\n{body}\n')


async def pending(ckptr: WorkflowCheckpointer) -> tuple[str, InputRequiredEvent]:
    handler = ckptr.run()
    question = await handler
    assert isinstance(question, InputRequiredEvent)
    return handler.run_id, question


@pytest.mark.parametrize("qid", sorted(CASES))
async def test_valid_answers_are_kept(write_toml: Callable[..., Path], qid: str) -> None:
    body, valid, _ = CASES[qid]
    ckptr = WorkflowCheckpointer(workflow=load_questionnaire(one_question(write_toml, qid, body))())
    for given, kept in valid:
        run_id, _ = await pending(ckptr)
        result = await ckptr.answer(run_id, **{qid: given})
        assert result == {qid: kept}, given


@pytest.mark.parametrize("qid", sorted(CASES))
async def test_invalid_answers_name_the_field_and_store_nothing(
    write_toml: Callable[..., Path], qid: str
) -> None:
    body, _, invalid = CASES[qid]
    ckptr = WorkflowCheckpointer(workflow=load_questionnaire(one_question(write_toml, qid, body))())
    run_id, _ = await pending(ckptr)
    for given in invalid:
        with pytest.raises(ValidationError) as caught:
            ckptr.answer(run_id, **{qid: given})
        assert {e["loc"][0] for e in caught.value.errors()} == {qid}, given
        assert len(ckptr.checkpoints[run_id]) == 1  # the question only
        assert ckptr.get_run(run_id).status == "waiting"


async def test_every_kind_maps_to_the_engines_rules(write_toml: Callable[..., Path]) -> None:
    text = "".join(
        f'[[questions]]\nid = "{qid}"\nprompt = "Q?"\n{body}\n\n'
        for qid, (body, _, _) in CASES.items()
    )
    workflow = questionnaire_from_text('id = "all_kinds"\n' + text)()
    assert isinstance(workflow, QuestionnaireFlow)
    rules = {qid: cls.answer_rules[qid] for qid, cls in workflow.question_events.items()}
    assert rules["text"] == Rules(
        kind="text", required=True, min_length=2, max_length=5, pattern="[a-z]+", label="Text"
    )
    assert rules["optional_choice"].kind == "choice"
    assert rules["optional_choice"].required is False
    assert rules["choice"].choices == ("red", "green")
    assert rules["multi_choice"].kind == "multi_choice"
    assert rules["long_text"].kind == "long_text"
    assert rules["list"].kind == "list"
    assert (rules["integer"].kind, rules["integer"].ge, rules["integer"].le) == ("integer", 1, 10)
    assert (rules["number"].kind, rules["number"].le) == ("number", 1.5)
    assert rules["yes_no"].kind == "yes_no"
    assert (rules["date"].kind, rules["date"].ge) == ("date", dt.date(2024, 1, 1))


async def test_prompt_help_and_label_reach_the_question(write_toml: Callable[..., Path]) -> None:
    path = write_toml(
        """
        id = "t"
        [[questions]]
        id = "root_cause"
        prompt = "  What was the root cause?  "
        help = "Ask why five times."
        type = "long text"
        """
    )
    workflow = load_questionnaire(path)()
    _, question = await pending(WorkflowCheckpointer(workflow=workflow))
    assert type(question).__name__ == "TRootCauseQuestion"
    assert question.message == "What was the root cause?"
    rules = type(question).answer_rules["root_cause"]
    assert rules.label == "Root cause"
    assert (rules.help, rules.kind) == ("Ask why five times.", "long_text")


@pytest.mark.parametrize(
    ("body", "slot", "result"),
    [
        ('type = "integer"\ndefault = 5', 5, 5),
        ('type = "text"\ndefault = "n/a"', "n/a", "n/a"),
        ('type = "multi_choice"\nchoices = ["a", "b"]\ndefault = ["b"]', ["b"], ["b"]),
        ('type = "yes_no"\ndefault = false', False, False),
        ('type = "date"\ndefault = 2024-02-29', dt.date(2024, 2, 29), "2024-02-29"),
        ('type = "number"\ndefault = 2', 2.0, 2.0),
    ],
)
async def test_a_default_prefills_the_answer_and_may_be_kept_or_changed(
    write_toml: Callable[..., Path], body: str, slot: Any, result: Any
) -> None:
    ckptr = WorkflowCheckpointer(workflow=load_questionnaire(one_question(write_toml, "q", body))())
    run_id, question = await pending(ckptr)
    assert question.q == slot
    assert await ckptr.answer(run_id) == {"q": result}  # kept as it was
    run_id, question = await pending(ckptr)
    assert question.q == slot  # a fresh copy each time, not a shared list


async def test_an_empty_required_slot_must_be_filled(write_toml: Callable[..., Path]) -> None:
    ckptr = WorkflowCheckpointer(
        workflow=load_questionnaire(one_question(write_toml, "q", 'type = "integer"'))()
    )
    run_id, question = await pending(ckptr)
    assert question.q is None
    with pytest.raises(ValidationError) as caught:
        ckptr.answer(run_id)
    assert caught.value.errors()[0]["loc"] == ("q",)
    assert caught.value.errors()[0]["type"] == "required"


async def test_the_prompt_is_not_an_answer(write_toml: Callable[..., Path]) -> None:
    ckptr = WorkflowCheckpointer(
        workflow=load_questionnaire(one_question(write_toml, "q", 'type = "text"'))()
    )
    run_id, _ = await pending(ckptr)
    with pytest.raises(ValidationError) as caught:
        ckptr.answer(run_id, message="hijacked", q="fine")
    assert caught.value.errors()[0]["loc"] == ("message",)
    with pytest.raises(ValidationError):
        ckptr.answer(run_id, other="x")
