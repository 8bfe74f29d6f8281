"""Small flows and helpers shared by the engine's tests.

The flows are defined at module level so that the subprocess tests can import
them too (``from tests.hitl.helpers import SurveyFlow``).
"""

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from hitl import (
    Context,
    Event,
    InputRequiredEvent,
    StartEvent,
    StopEvent,
    Workflow,
    WorkflowCheckpointer,
    answer_field,
    step,
)

Action = Callable[[str, Event], Awaitable[None]]


class Hooks:
    """What a test wants to happen when a step starts: record, block, or fail."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.actions: dict[str, Action] = {}

    async def __call__(self, name: str, ev: Event) -> None:
        self.calls.append(name)
        action = self.actions.get(name)
        if action is not None:
            await action(name, ev)


class Gate:
    """Holds a step until the test opens it; ``entered`` tells the test it got there."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, name: str, ev: Event) -> None:
        self.entered.set()
        await self.release.wait()


class FailTimes:
    """Raises ``RuntimeError("boom in <step>")`` the first ``times`` calls."""

    def __init__(self, times: int = 1) -> None:
        self.left = times

    async def __call__(self, name: str, ev: Event) -> None:
        if self.left > 0:
            self.left -= 1
            raise RuntimeError(f"boom in {name}")


# -- the survey: two questions, typed state -------------------------------------------


class NameQuestion(InputRequiredEvent):
    name: str = answer_field(max_length=20)
    nickname: str = answer_field("", required=False)


class AgeQuestion(InputRequiredEvent):
    age: int | None = answer_field(None, ge=0, le=150)


class SurveyState(BaseModel):
    name: str = ""
    nickname: str = ""


class SurveyFlow(Workflow):
    """start -> NameQuestion -> take_name -> AgeQuestion -> take_age -> StopEvent."""

    name = "survey"
    state_type = SurveyState

    def __init__(self, hooks: Hooks | None = None) -> None:
        super().__init__()
        self.hooks = hooks if hooks is not None else Hooks()

    @step
    async def begin(self, ev: StartEvent) -> NameQuestion:
        await self.hooks("begin", ev)
        return NameQuestion(
            message="What is your name?", name="", nickname=getattr(ev, "nickname", "")
        )

    @step
    async def take_name(self, ctx: Context, ev: NameQuestion) -> AgeQuestion:
        await self.hooks("take_name", ev)
        ctx.state.name = ev.name
        ctx.state.nickname = ev.nickname
        return AgeQuestion(message=f"How old are you, {ev.name}?")

    @step
    async def take_age(self, ctx: Context, ev: AgeQuestion) -> StopEvent:
        await self.hooks("take_age", ev)
        return StopEvent(
            result={"name": ctx.state.name, "nickname": ctx.state.nickname, "age": ev.age}
        )


# -- a flow with no question: two steps, like the seed's joke flow --------------------


class NoteEvent(Event):
    text: str


class EchoFlow(Workflow):
    """start -> write (NoteEvent) -> finish (StopEvent with the note's text)."""

    name = "echo"

    def __init__(self, hooks: Hooks | None = None) -> None:
        super().__init__()
        self.hooks = hooks if hooks is not None else Hooks()

    @step
    async def write(self, ev: StartEvent) -> NoteEvent:
        await self.hooks("write", ev)
        return NoteEvent(text=f"note about {ev.topic}")

    @step
    async def finish(self, ev: NoteEvent) -> StopEvent:
        await self.hooks("finish", ev)
        return StopEvent(result=ev.text.upper())


# -- helpers ----------------------------------------------------------------------------


async def finish_survey(ckptr: WorkflowCheckpointer, **start: Any) -> str:
    """Run the survey to completion; its run_id."""
    handler = ckptr.run(**start)
    await handler
    await ckptr.answer(handler.run_id, name="Ann")
    await ckptr.answer(handler.run_id, age=30)
    return handler.run_id


def count_checkpoints(ckptr: WorkflowCheckpointer) -> int:
    return sum(len(c) for c in ckptr.checkpoints.values())


def sql(path: Path, statement: str, params: tuple = ()) -> list[tuple]:
    """Run one statement on a store file with a plain sqlite3 connection (to tamper)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        return db.execute(statement, params).fetchall()
    finally:
        db.close()


async def branch_on_migrated_v3(store: Any, runs_made: list[str]) -> str:
    """The schema-3 store of tests/data (three gather runs: A, its branch B, C) as
    migrated: its runs as they were made, none recorded as made from a run; a branch
    made now from B records B. The new branch's run id."""
    from flows.gather import GatherFlow

    a, b, _c = runs_made
    ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store)
    runs = {r.run_id: r for r in ckptr.runs()}
    assert list(runs) == runs_made  # the order created, kept
    assert [r.status for r in runs.values()] == ["waiting", "completed", "waiting"]
    assert [r.made_from for r in runs.values()] == [None] * 3
    assert [len(ckptr.checkpoints[r]) for r in runs] == [7, 4, 2]
    assert store.get_session(a).branches == 3
    first = ckptr.lineage(b)[1]  # answer 1, from before B's fork
    first.output_event = first.output_event.model_copy(update={"objective": "D1"})
    d = ckptr.run_from(first, made_from=b)
    assert (await d).message == "What resources do you have available?"
    assert ckptr.get_run(d.run_id).made_from == b
    return d.run_id


def check_reopened_v3(store: Any, runs_made: list[str], branch: str) -> None:
    """The migrated schema-3 store opened again: the branch made on it kept its run."""
    assert store.get_run(branch).made_from == runs_made[1]
    assert store.get_run(runs_made[2]).made_from is None
    assert [r.run_id for r in store.list_runs()] == [*runs_made, branch]
