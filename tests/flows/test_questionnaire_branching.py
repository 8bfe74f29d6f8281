"""Conditions: questions asked or skipped, progress counts, and rewinds that flip them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flows.conditions import AllOf, AnyOf, Check, Not, evaluate
from flows.questionnaire import QuestionnaireFlow, load_questionnaire
from hitl import InputRequiredEvent, MemoryStore, SqliteStore, WorkflowCheckpointer
from tests.flows.helpers import answer_all

TRIAGE = """
id = "triage"
title = "Triage"

[[questions]]
id = "severity"
prompt = "How bad?"
type = "choice"
choices = ["low", "high", "critical"]

[[questions]]
id = "users"
prompt = "How many users?"
type = "integer"
min = 0
when = { question = "severity", one_of = ["high", "critical"] }

[[questions]]
id = "page"
prompt = "Page the on-call?"
type = "yes_no"
when = { all = [ { question = "severity", not_equals = "low" }, { question = "users", gt = 100 } ] }

[[questions]]
id = "areas"
prompt = "Which areas?"
type = "multi_choice"
choices = ["web", "api", "billing"]
required = false

[[questions]]
id = "billing_owner"
prompt = "Who owns the billing follow-up?"
when = { any = [
    { question = "areas", contains = "billing" },
    { question = "page", equals = true },
] }

[[questions]]
id = "since"
prompt = "Since when?"
type = "date"
required = false
when = { not = { question = "severity", equals = "low" } }

[[questions]]
id = "old_news"
prompt = "Why report it this late?"
when = { question = "since", lt = 2024-01-01 }

[[questions]]
id = "notes"
prompt = "Notes?"
type = "long_text"
required = false
when = { question = "since", answered = false }
"""

ANSWERS: dict[str, Any] = {
    "severity": "high", "users": 500, "page": True, "areas": ["web"], "billing_owner": "Ana",
    "since": "2023-06-01", "old_news": "Found in an audit", "notes": "",
}


@pytest.fixture
def triage(write_toml: Callable[..., Path]) -> QuestionnaireFlow:
    workflow = load_questionnaire(write_toml(TRIAGE))()
    assert isinstance(workflow, QuestionnaireFlow)
    return workflow


async def test_conditions_true_ask_the_questions(triage: QuestionnaireFlow) -> None:
    result, asked, _ = await answer_all(WorkflowCheckpointer(workflow=triage), ANSWERS)
    assert asked == ["severity", "users", "page", "areas", "billing_owner", "since", "old_news"]
    assert result == {
        "severity": "high", "users": 500, "page": True, "areas": ["web"], "billing_owner": "Ana",
        "since": "2023-06-01", "old_news": "Found in an audit",
    }


async def test_conditions_false_skip_the_questions(triage: QuestionnaireFlow) -> None:
    answers = {**ANSWERS, "severity": "low", "areas": []}
    result, asked, _ = await answer_all(WorkflowCheckpointer(workflow=triage), answers)
    assert asked == ["severity", "areas", "notes"]
    assert result == {"severity": "low", "areas": [], "notes": ""}


async def test_a_middle_path(triage: QuestionnaireFlow) -> None:
    answers = {**ANSWERS, "users": 20, "areas": ["billing", "api"], "since": "2024-05-05"}
    result, asked, _ = await answer_all(WorkflowCheckpointer(workflow=triage), answers)
    # page skipped (20 users): billing_owner asked through `areas`; no old_news, no notes
    assert asked == ["severity", "users", "areas", "billing_owner", "since"]
    assert "page" not in result


async def test_an_empty_optional_answer_fails_its_tests(triage: QuestionnaireFlow) -> None:
    answers = {**ANSWERS, "since": None, "areas": []}
    _, asked, _ = await answer_all(WorkflowCheckpointer(workflow=triage), answers)
    assert asked[-3:] == ["billing_owner", "since", "notes"]  # lt on no date is false


async def test_rewinding_to_an_earlier_answer_flips_later_questions(
    triage: QuestionnaireFlow, store: MemoryStore | SqliteStore
) -> None:
    ckptr = WorkflowCheckpointer(workflow=triage, store=store)
    result, asked, run_id = await answer_all(ckptr, ANSWERS)
    assert "users" in asked

    # back to the answer of the first question, changed to "low"
    events = triage.question_events
    (answered,) = ckptr.filter_checkpoints(
        run_id=run_id, last_completed_step="human", output_event_type=events["severity"]
    )
    answered.output_event = answered.output_event.model_copy(update={"severity": "low"})
    handler = ckptr.run_from(checkpoint=answered)
    question = await handler
    assert isinstance(question, events["areas"])  # users, page skipped now
    assert ckptr.get_run(handler.run_id).session == run_id
    (first,) = ckptr.checkpoints[handler.run_id][:1]
    assert first.last_completed_step == "human"
    assert first.input_event.severity == "high"
    assert first.output_event.severity == "low"
    await ckptr.answer(handler.run_id, areas=[])
    result = await ckptr.answer(handler.run_id, notes="calm")
    assert result == {"severity": "low", "areas": [], "notes": "calm"}

    # and back again from the new branch's question: "critical" asks users once more
    (question_ckpt,) = ckptr.filter_checkpoints(
        last_completed_step="start", run_id=run_id
    )
    handler = ckptr.run_from(checkpoint=question_ckpt)
    assert isinstance(await handler, events["severity"])
    assert handler.status == "waiting"
    out = await ckptr.answer(handler.run_id, severity="critical")
    assert isinstance(out, events["users"])


async def test_rewinding_a_later_answer_reevaluates_what_follows(triage: QuestionnaireFlow) -> None:
    ckptr = WorkflowCheckpointer(workflow=triage)
    _, asked, run_id = await answer_all(ckptr, ANSWERS)
    assert "page" in asked
    (users,) = ckptr.filter_checkpoints(
        run_id=run_id, last_completed_step="human",
        output_event_type=triage.question_events["users"],
    )
    users.output_event = users.output_event.model_copy(update={"users": 3})
    handler = ckptr.run_from(checkpoint=users)
    assert isinstance(await handler, triage.question_events["areas"])  # page skipped


def state_at(ckptr: WorkflowCheckpointer, run_id: str) -> dict[str, Any]:
    pending = ckptr.pending_question(run_id)
    assert pending is not None
    return pending[0].ctx_state


async def test_progress_counts_only_questions_that_can_still_be_asked(
    triage: QuestionnaireFlow,
) -> None:
    ckptr = WorkflowCheckpointer(workflow=triage)
    assert triage.question_total(triage.new_state()) == 8
    handler = ckptr.run()
    await handler
    run_id = handler.run_id
    progress = [(triage.question_number(state_at(ckptr, run_id)),
                 triage.question_total(state_at(ckptr, run_id)))]
    for field, value in [("severity", "low"), ("areas", ["billing"])]:
        await ckptr.answer(run_id, **{field: value})
        progress.append((triage.question_number(state_at(ckptr, run_id)),
                         triage.question_total(state_at(ckptr, run_id))))
    # all 8 may be asked; after "low": users, page, since, old_news are out (notes
    # depends on since, skipped: asked); billing_owner is certain after areas
    assert progress == [(1, 8), (2, 4), (3, 4)]
    result = await ckptr.answer(run_id, billing_owner="Bo")
    assert isinstance(result, InputRequiredEvent)
    result = await ckptr.answer(run_id, notes="")
    done = ckptr.checkpoints[run_id][-1].ctx_state
    assert triage.question_total(done) == 4
    assert triage.question_number(done) == 4
    assert triage.answered_questions(done) == ["severity", "areas", "billing_owner", "notes"]
    assert triage.answers_of(done) == result


def test_three_valued_evaluation() -> None:
    high = Check("severity", "equals", "high")
    many = Check("users", "gt", 100)
    answers = {"severity": "high", "users": None}

    def known(qid: str) -> bool:
        return qid == "severity"

    assert evaluate(high, answers, known) is True
    assert evaluate(many, answers, known) is None
    assert evaluate(AllOf((high, many)), answers, known) is None
    assert evaluate(AllOf((Not(high), many)), answers, known) is False
    assert evaluate(AnyOf((high, many)), answers, known) is True
    assert evaluate(AnyOf((Not(high), many)), answers, known) is None
    assert evaluate(Not(many), answers, known) is None
    assert evaluate(many, answers) is False  # known: no answer fails the test
    assert evaluate(Not(many), answers) is True
    assert evaluate(Check("users", "answered", False), answers) is True
    assert evaluate(Check("d", "ge", dt.date(2024, 1, 1)), {"d": dt.date(2024, 1, 1)}) is True
    assert evaluate(Check("d", "ge", dt.date(2024, 1, 1)), {"d": "2024-01-01"}) is False
    assert evaluate(Check("t", "equals", "x"), {"t": "   "}) is False
