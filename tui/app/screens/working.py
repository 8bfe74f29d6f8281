"""Saying what runs while the question screen is busy: past a moment, Continue
says "Working…" and the note beside it what the flow's step is doing, in the
answerer's words (``@step(doing=...)``, or the next question's label). A part
of ``QuestionScreen`` (a mixin of it: it uses the screen's busy state and
workers), kept apart for its size."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Static

from hitl import watch_steps
from hitl.workflow import StepSpec
from tui.app.text import plain
from tui.app.typed_ahead import ready_for_keys
from tui.sessions.steps import NEXT_QUESTION, doing

WORKING_AFTER = 0.4
"""Seconds a worker may hold the screen before Continue says it is working, and
beside it what runs (a step asking a language model; a store far away): quicker
ones show nothing."""
CONTINUE, WORKING = "Continue ›", "Working…"


class StepRunning(Message):
    """A worker's run is at a step: what it does, in the answerer's words."""

    def __init__(self, doing: str) -> None:
        super().__init__()
        self.doing = doing


class ShowsWorking:
    """The question screen's "Working…" and what runs, while it is busy."""

    busy: bool
    _working: Timer | None = None
    _doing: str = NEXT_QUESTION
    """What the note beside Continue says while the screen is busy: the step running."""

    if TYPE_CHECKING:  # the screen's own, used here
        def query_one(self, *args: Any) -> Any: ...
        def set_timer(self, *args: Any) -> Timer: ...
        def post_message(self, message: Message) -> bool: ...
        def work(self, job: Callable[[], Message], group: str = ...) -> None: ...

    def watch_busy(self, busy: bool) -> None:
        if self._working is not None:
            self._working.stop()
            self._working = None
        if busy:
            self._doing = NEXT_QUESTION
            # A timer's tick is a message: one queued before busy ended must not
            # say working after it, so it looks at busy when it comes.
            self._working = self.set_timer(WORKING_AFTER, lambda: self._say_working(self.busy))
        else:
            self._say_working(False)
            ready_for_keys(self)  # the next question is on screen (or the answer refused)

    def _say_working(self, working: bool) -> None:
        button = self.query_one("#continue-button", Button)
        label = WORKING if working else CONTINUE
        if str(button.label) != label:
            button.label = label
            button.disabled = working
        note = self.query_one("#working-note", Static)
        if working:
            note.update(plain(self._doing))
        if note.display != working:
            note.display = working

    def _work(self, job: Callable[[], Message]) -> None:
        self.busy = True
        self.work(lambda: self._watched(job))

    def _watched(self, job: Callable[[], Message]) -> Message:
        """``job``, posting each step of the flow it runs (``StepRunning``)."""
        with watch_steps(self._step_running):
            return job()

    def _step_running(self, spec: StepSpec) -> None:  # in the worker's thread
        self.post_message(StepRunning(doing(spec)))

    def on_step_running(self, message: StepRunning) -> None:
        if not self.busy:
            return  # its job is done: nothing is running
        self._doing = message.doing
        if self.query_one("#continue-button", Button).disabled:  # saying it already
            self._say_working(True)
