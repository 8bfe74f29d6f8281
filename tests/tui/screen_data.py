"""Sessions of the gather flow built through the engine's API, on a SqliteStore,
with a fixed clock and counted ids shared with the app: what the history and
review screens' tests look at. Also waits on the app that are conditions, not sleeps."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from flows.gather import GatherFlow
from hitl import HUMAN, Checkpoint, SqliteStore, WorkflowCheckpointer
from tui.app import HitlApp, make_app

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp()
NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
WAIT_SECONDS = 10.0
"""How long ``until`` waits for what a person would see before the test fails."""

ANSWERS = {
    "objective": "Ship v2 [red]x[/red]",
    "resources": (
        "Two engineers and a designer for a quarter, a small budget for cloud machines, "
        "and the old test rig in the basement, which still works if nobody touches it."
    ),
    "approach": "Small steps, each one shipped",
    "notes": "",
}


class Clock:
    """Thirty seconds pass each time it is read."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        self.now += 30
        return self.now


@dataclass
class Session:
    """A store, the gather flow's checkpointer on it, and the clock and ids the app shares."""

    store: SqliteStore
    ckptr: WorkflowCheckpointer
    clock: Clock
    new_id: Callable[[], str]

    def app(self) -> HitlApp:
        return make_app(self.store, clock=self.clock, new_id=self.new_id, now=lambda: NOW)

    async def complete(self, **changes: str) -> str:
        """A run answered to the end; its run id."""
        handler = self.ckptr.run()
        await handler
        for field, value in {**ANSWERS, **changes}.items():
            await self.ckptr.answer(handler.run_id, **{field: value})
        return handler.run_id

    def answer_checkpoint(self, run_id: str, field: str) -> Checkpoint:
        """The ``human`` checkpoint of ``run_id`` that answered ``field``."""
        for checkpoint in self.ckptr.checkpoints[run_id]:
            if checkpoint.last_completed_step == HUMAN \
                    and field in type(checkpoint.output_event).answer_rules:  # type: ignore[attr-defined]
                return checkpoint
        raise AssertionError(f"no answer to {field} in run {run_id}")

    async def rewind(self, run_id: str, field: str, value: str) -> str:
        """Branch from the answer to ``field`` with ``value`` (as a person's edit); the new run."""
        checkpoint = self.answer_checkpoint(run_id, field)
        checkpoint.output_event = checkpoint.output_event.model_copy(update={field: value})
        handler = self.ckptr.run_from(checkpoint)
        await handler
        return handler.run_id

    def counts(self) -> list[tuple[str, int]]:
        """Every run and how many checkpoints it has: to see that nothing was stored."""
        return [(r.run_id, len(self.ckptr.checkpoints[r.run_id])) for r in self.ckptr.runs()]


def utc_zone() -> Iterator[None]:
    """The screens show local times: pin the zone, and put it back after (a fixture's body)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()


def gather_session(tmp_path: Path) -> Iterator[Session]:
    """A fresh store and the gather flow on it (a fixture's body)."""
    store = SqliteStore(tmp_path / "store.db")
    counter = itertools.count(1)
    clock = Clock()

    def new_id() -> str:
        return f"id-{next(counter):04d}"

    ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store, clock=clock, new_id=new_id)
    yield Session(store, ckptr, clock, new_id)
    store.close()


async def until(
    pilot: Pilot[Any], condition: Callable[[], object], what: str = "the screen to change"
) -> None:
    """Let the app work (workers are threads, messages, refreshes) until ``condition``
    holds; give up after ``WAIT_SECONDS``, saying ``what`` was awaited and on which screen.
    Polls rather than waiting for every worker: a screen may keep one running."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}; the screen is {pilot.app.screen!r}")
        await pilot.pause(0.01)
    await pilot.pause()


def rendered(widget: Widget) -> str:
    """The text a widget shows now, line by line (its whole height)."""
    width, height = widget.outer_size  # padding and border included, as drawn
    lines = widget.render_lines(Region(0, 0, width, height))
    return "\n".join(line.text.rstrip() for line in lines)


def toasts(app: App[None], severity: str | None = None) -> list[str]:
    """The notifications on screen as a person reads them (title, then message, on
    one line), of one ``severity`` if given. Pilot shows none unless the test runs
    the app with ``run_test(notifications=True)``."""
    shown = app.screen.query("Toast")
    return [" ".join(str(t.render()).split()) for t in shown
            if severity is None or t.has_class(f"-{severity}")]


def notifications(app: App[None]) -> list[str]:
    """What the notifications on screen say, one string each (title and message)."""
    return toasts(app)


def said(app: App[None], text: str) -> bool:
    """Whether a notification on screen says ``text``."""
    return any(text in toast for toast in toasts(app))


def tree_shown(screen: object) -> bool:
    """Whether a history screen shows its session's tree."""
    from tui.app.screens.history import HistoryScreen
    from tui.app.widgets.run_tree import RunTree

    if not isinstance(screen, HistoryScreen):
        return False
    trees = screen.query(RunTree)  # none before the screen is composed
    return bool(trees) and bool(trees.first().root.children)


def question_shown(screen: object) -> bool:
    """Whether a question screen shows a question (or an answer) with its panel."""
    from tui.app.screens.question import QuestionScreen

    return (isinstance(screen, QuestionScreen) and screen.shown is not None
            and not screen.busy and not screen.panel_pending)


def plain_text(renderable: object, width: int = 200) -> str:
    console = Console(width=width, no_color=True, color_system=None)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()
