"""EditEventScreen: change a checkpoint's output event, then go on from there on a
new branch.

A modal over the history or review screen. The form is built from the event's
model (:class:`~tui.app.widgets.answer_form.AnswerForm`); the engine checks the edit
in ``run_from`` and, when it refuses, its ``pydantic.ValidationError`` is shown
beside the fields and nothing is stored. Saved with nothing changed, it closes
and says so, storing nothing (the question screen's back-and-change moves on in
the same run alike; history's ``b`` branches unchanged). On success the modal is
dismissed with the new run's :class:`~hitl.RunInfo`; the screen below decides
where to go.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, cast

from pydantic import ValidationError
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from hitl import COMPLETED, FAILED, Event, InputRequiredEvent, RunInfo
from tui.app.host import Host
from tui.app.screens.base import HitlScreen
from tui.app.text import plain
from tui.app.widgets.answer_form import AnswerForm
from tui.app.widgets.footer import Footer
from tui.sessions.branching import branch, changes_anything

BRANCH_NOTE = "Saving branches from here; the run you came from is kept."
NOTHING_CHANGED_NOTE = "Saved as it was, so no branch was made."


# ModalScreen first: its CSS (the screen below shows through) must come before Screen's
class EditEventScreen(ModalScreen[RunInfo | None], HitlScreen[RunInfo | None]):
    """Edit ``event`` (the output of checkpoint ``checkpoint_id``) and branch with it,
    on run ``on`` (the one the screen below shows: see ``branching.branch``)."""

    CSS_PATH = "edit_event.tcss"
    PROBLEM_TITLE = "Could not branch"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Branch", id="edit.save", key_display="enter",
                tooltip="Branch with these values: Enter in the last field, or ctrl+s"),
        Binding("escape", "cancel", "Cancel", id="edit.cancel"),
    ]

    class Branched(Message):
        def __init__(self, run: RunInfo) -> None:
            super().__init__()
            self.run = run

    class Rejected(Message):
        """The engine refused the edit; nothing was stored."""

        def __init__(self, error: ValidationError) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self, ckptr: Any, checkpoint_id: str, event: Event, *, title: str,
        on: str | None = None, note: str = BRANCH_NOTE,
    ) -> None:
        super().__init__()
        self.ckptr = ckptr
        self.checkpoint_id = checkpoint_id
        self.on = on
        self.event = event
        self.title_text = title
        self.note = note
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-dialog"):
            yield Static(plain(self.title_text, "bold"), id="edit-title")
            with VerticalScroll(id="edit-body"):
                if isinstance(self.event, InputRequiredEvent):
                    yield Static(plain(self.event.message), id="edit-prompt")
                yield AnswerForm(self.event, id="edit-form")
            yield Static(plain(self.note), id="edit-note")
            with Horizontal(id="edit-actions"):
                yield Button("Branch from here", id="edit-save", variant="primary", compact=True)
                yield Button("Cancel", id="edit-cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AnswerForm).focus_first()

    @property
    def form(self) -> AnswerForm:
        return self.query_one(AnswerForm)

    # -- actions ----------------------------------------------------------------

    def action_save(self) -> None:
        if not self.busy:
            self.form.submit()

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)

    @on(Button.Pressed, "#edit-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#edit-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def on_answer_form_submitted(self, message: AnswerForm.Submitted) -> None:
        message.stop()
        if self.busy:
            return
        message.form.clear_errors()
        values = message.values
        if not changes_anything(self.event, values):
            self.notify(NOTHING_CHANGED_NOTE, title="Nothing changed", markup=False)
            self.dismiss(None)
            return
        ckptr, checkpoint_id, on = self.ckptr, self.checkpoint_id, self.on
        self._work(lambda: self.Branched(branch(ckptr, checkpoint_id, values, on=on)))

    # -- the worker -------------------------------------------------------------

    def _work(self, job: Callable[[], Message]) -> None:
        self.busy = True
        self.query_one("#edit-save", Button).disabled = True
        self.work(job)

    def failed(self, exc: Exception) -> Message:
        if isinstance(exc, ValidationError):
            return self.Rejected(exc)
        return super().failed(exc)

    def _idle(self) -> None:
        self.busy = False
        self.query_one("#edit-save", Button).disabled = False

    def on_edit_event_screen_branched(self, message: Branched) -> None:
        self.busy = False
        self.dismiss(message.run)

    def on_edit_event_screen_rejected(self, message: Rejected) -> None:
        self._idle()
        self.form.show_errors(message.error)

    def on_hitl_screen_problem(self, message: HitlScreen.Problem) -> None:
        self._idle()  # then HitlScreen's own handler shows it


def go_to_run(app: App[Any], run: RunInfo) -> None:
    """Open a run where a person carries on with it: its pending question, or its
    review when it has completed. A run that failed is shown in the history."""
    hitl = cast(Host, app)
    if run.status == COMPLETED:
        hitl.open_review(run.run_id)
    elif run.status == FAILED:
        app.notify(
            f"The new run {run.run_id} failed in a step: {run.error or 'no reason recorded'}",
            title="Branch failed", severity="error", markup=False, timeout=8,
        )
        hitl.open_history(run.run_id)
    else:  # waiting; or interrupted, which the question screen resumes
        hitl.open_question(run.run_id, run.flow)
