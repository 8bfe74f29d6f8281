"""tui/sessions/export.py: a run's answers, through its branches, and its result, as
Markdown and JSON. Fixed clock and ids, so the documents are checked exactly."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import UTC, datetime

import pytest

from flows.gather import GatherFlow
from flows.questionnaire import questionnaire_from_text
from hitl import MemoryStore, WorkflowCheckpointer
from tui.sessions.export import escape, export_data, export_markdown, lineage_answers

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> None:
    """Markdown shows local times: pin the zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


class Clock:
    """The time the test says: a minute passes before each answer."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


CLOCKS: dict[int, Clock] = {}


def checkpointer(workflow, author: str | None = None) -> WorkflowCheckpointer:
    ids = itertools.count(1)
    clock = Clock()
    ckptr = WorkflowCheckpointer(
        workflow=workflow, store=MemoryStore(), clock=clock, new_id=lambda: f"id-{next(ids):03d}",
        author=author,
    )
    CLOCKS[id(ckptr)] = clock
    return ckptr


def run_to_end(ckptr: WorkflowCheckpointer, answers: list[dict]) -> str:
    handler = ckptr.run()
    asyncio.run(_wait(handler))
    for answer in answers:
        CLOCKS[id(ckptr)].now += 60
        asyncio.run(_wait(ckptr.answer(handler.run_id, **answer)))
    return handler.run_id


async def _wait(handler):
    return await handler


AUTHOR = "author"
WHO = "Ann [b]O'Neil[/b]"

GATHER = [
    {"objective": "Ship v2"},
    {"resources": "Two people\nand a laptop"},
    {"approach": "# Small steps\n\n1. measure\n* then *cut*"},
    {"notes": ""},
]


def test_export_data_of_a_completed_run() -> None:
    ckptr = checkpointer(GatherFlow(), WHO)
    run_id = run_to_end(ckptr, GATHER)
    assert export_data(ckptr, run_id) == {
        "flow": "gather",
        "title": "Gather a plan",
        "run_id": run_id,
        "session": run_id,
        "status": "completed",
        "started_at": "2024-05-01T12:00:00+00:00",
        "updated_at": "2024-05-01T12:04:00+00:00",
        "answers": [
            {"id": "objective", "question": "What is your main objective?", "value": "Ship v2",
             AUTHOR: WHO, "answered_at": "2024-05-01T12:01:00+00:00"},
            {"id": "resources", "question": "What resources do you have available?",
             "value": "Two people\nand a laptop",
             AUTHOR: WHO, "answered_at": "2024-05-01T12:02:00+00:00"},
            {"id": "approach", "question": "What approach will you take?",
             "value": "# Small steps\n\n1. measure\n* then *cut*",
             AUTHOR: WHO, "answered_at": "2024-05-01T12:03:00+00:00"},
            {"id": "notes", "question": "Any additional notes?", "value": "",
             AUTHOR: WHO, "answered_at": "2024-05-01T12:04:00+00:00"},
        ],
        "result": {
            "objective": "Ship v2", "resources": "Two people\nand a laptop",
            "approach": "# Small steps\n\n1. measure\n* then *cut*", "notes": "",
        },
    }


def test_export_markdown_of_a_completed_run() -> None:
    ckptr = checkpointer(GatherFlow(), WHO)
    run_id = run_to_end(ckptr, GATHER)
    # The result only repeats the answers, so it is not shown twice.
    assert export_markdown(ckptr, run_id) == f"""\
# Gather a plan

- Status: completed
- Started: 2024-05-01 12:00 +0000
- Last change: 2024-05-01 12:04 +0000
- Run: {run_id}

## What is your main objective?

*Ann \\[b\\]O'Neil\\[/b\\], 2024-05-01 12:01 +0000*

Ship v2

## What resources do you have available?

*Ann \\[b\\]O'Neil\\[/b\\], 2024-05-01 12:02 +0000*

Two people\\
and a laptop

## What approach will you take?

*Ann \\[b\\]O'Neil\\[/b\\], 2024-05-01 12:03 +0000*

\\# Small steps

1\\. measure\\
\\* then \\*cut\\*

## Any additional notes?

*Ann \\[b\\]O'Neil\\[/b\\], 2024-05-01 12:04 +0000*

*(no answer)*
"""


def test_a_waiting_run_exports_its_answers_so_far_and_no_result() -> None:
    ckptr = checkpointer(GatherFlow())
    run_id = run_to_end(ckptr, GATHER[:1])
    data = export_data(ckptr, run_id)
    assert data["status"] == "waiting"
    assert data["result"] is None
    assert [a["id"] for a in data["answers"]] == ["objective"]
    markdown = export_markdown(ckptr, run_id)
    assert "- Status: waiting" in markdown
    assert "## Result" not in markdown
    assert markdown.endswith("## What is your main objective?\n\nShip v2\n")


def test_a_changed_answer_on_a_branch_takes_the_place_of_the_old_one() -> None:
    ckptr = checkpointer(GatherFlow())
    first = run_to_end(ckptr, GATHER[:3])
    # Go back to the first answer and change it: a new run, branched from there.
    answer = ckptr.filter_checkpoints(run_id=first, last_completed_step="human")[0]
    answer.output_event = answer.output_event.model_copy(update={"objective": "Ship v3"})
    branch = ckptr.run_from(answer)
    asyncio.run(_wait(branch))
    asyncio.run(_wait(ckptr.answer(branch.run_id, resources="One person")))

    values = [(a.id, a.value) for a in lineage_answers(ckptr, branch.run_id)]
    assert values == [("objective", "Ship v3"), ("resources", "One person")]
    # The old run keeps its own answers.
    assert [a.value for a in lineage_answers(ckptr, first)] == [
        "Ship v2", "Two people\nand a laptop", "# Small steps\n\n1. measure\n* then *cut*",
    ]
    data = export_data(ckptr, branch.run_id)
    assert data["session"] == first
    assert data["started_at"] == "2024-05-01T12:00:00+00:00"  # the session's start


def test_a_branch_from_an_unanswered_question_counts_its_answer_once() -> None:
    ckptr = checkpointer(GatherFlow())
    first = run_to_end(ckptr, GATHER[:1])
    question = ckptr.filter_checkpoints(run_id=first, output_event_type="ResourcesEvent")[0]
    question.output_event = question.output_event.model_copy(update={"resources": "Money"})
    branch = ckptr.run_from(question)
    asyncio.run(_wait(branch))
    values = [(a.id, a.value) for a in lineage_answers(ckptr, branch.run_id)]
    assert values == [("objective", "Ship v2"), ("resources", "Money")]


KINDS = '''
id = "kinds"
title = "Every kind"

[[questions]]
id = "areas"
prompt = "Which areas?"
type = "multi_choice"
choices = ["api", "ui", "db"]

[[questions]]
id = "ok"
prompt = "All good?"
type = "yes_no"

[[questions]]
id = "due"
prompt = "Due when?"
type = "date"
'''


def test_lists_yes_no_and_dates_in_markdown_and_json() -> None:
    ckptr = checkpointer(questionnaire_from_text(KINDS)())
    run_id = run_to_end(ckptr, [{"areas": ["api", "db"]}, {"ok": True}, {"due": "2024-06-30"}])
    data = export_data(ckptr, run_id)
    assert [a["value"] for a in data["answers"]] == [["api", "db"], True, "2024-06-30"]
    assert data["result"] == {"areas": ["api", "db"], "ok": True, "due": "2024-06-30"}
    markdown = export_markdown(ckptr, run_id)
    assert (
        "## Which areas?\n\n- api\n- db\n\n"
        "## All good?\n\nyes\n\n"
        "## Due when?\n\n2024-06-30\n"
    ) in markdown


def test_a_result_that_is_not_the_answers_is_shown_as_json() -> None:
    from flows.joke import JokeFlow

    ckptr = checkpointer(JokeFlow())
    run_id = run_to_end(ckptr, [{"topic": "chemistry"}])
    data = export_data(ckptr, run_id)
    markdown = export_markdown(ckptr, run_id)
    assert isinstance(data["result"], str)
    assert markdown.endswith("## Result\n\n" + escape(data["result"]) + "\n")


@pytest.mark.parametrize(("text", "escaped"), [
    ("plain words, kept.", "plain words, kept."),
    ("# not a heading", "\\# not a heading"),
    ("- not a list", "\\- not a list"),
    ("12. not a list", "12\\. not a list"),
    ("a *b* _c_ `d` [e](f) <g>", "a \\*b\\* \\_c\\_ \\`d\\` \\[e\\](f) \\<g\\>"),
    ("&amp; & co", "\\&amp; & co"),
    ("back\\slash", "back\\\\slash"),
])
def test_escape_keeps_text_as_text(text: str, escaped: str) -> None:
    assert escape(text) == escaped


def test_an_export_name_is_short_and_never_taken_twice(tmp_path) -> None:
    from tui.sessions.export import export_name, write_new

    run_id = "0193ab12-7c4d-7000-8000-00000000a1b2"
    assert export_name("Bug report", run_id, "md") == "bug-report-0193ab12.md"
    named = export_name("Café: plan [v2] / équipe", run_id, "json")
    assert named == "cafe-plan-v2-equipe-0193ab12.json"
    long = export_name("A title that goes on and on about everything the flow asks",
                       run_id, "md")
    assert long == "a-title-that-goes-on-and-on-about-0193ab12.md"
    assert export_name("???", run_id, "md") == "hitl-0193ab12.md"
    paths = [write_new(tmp_path, "plan-0193ab12.md", f"take {n}") for n in (1, 2, 3)]
    assert [p.name for p in paths] == ["plan-0193ab12.md", "plan-0193ab12-2.md",
                                       "plan-0193ab12-3.md"]
    assert [p.read_text(encoding="utf-8") for p in paths] == ["take 1", "take 2", "take 3"]


def test_an_export_is_named_after_the_sessions_title_else_its_flows() -> None:
    from tui.sessions.export import export_name, export_title

    ckptr = checkpointer(GatherFlow())
    run_id = run_to_end(ckptr, GATHER[:2])
    assert export_title(ckptr, run_id) == "Ship v2"  # as hitl list shows the session
    assert export_name(export_title(ckptr, run_id), run_id, "md") == f"ship-v2-{run_id[:8]}.md"
    # A branch that changes the first answer is titled by the change.
    answer = ckptr.filter_checkpoints(run_id=run_id, last_completed_step="human")[0]
    answer.output_event = answer.output_event.model_copy(update={"objective": "Ship v3 — soon"})
    branch = ckptr.run_from(answer)
    asyncio.run(_wait(branch))
    assert export_title(ckptr, branch.run_id) == "Ship v3 — soon"
    assert export_name("Ship v3 — soon", branch.run_id, "md").startswith("ship-v3-soon-")
    # No title yet, or one that makes no file-name word: the flow's title.
    untitled = run_to_end(ckptr, [])
    assert export_title(ckptr, untitled) == "Gather a plan"
    wordless = run_to_end(ckptr, [{"objective": "???"}])
    assert export_title(ckptr, wordless) == "Gather a plan"
