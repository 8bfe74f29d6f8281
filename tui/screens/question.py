"""QuestionScreen: one run's pending question, its answers so far, and back.

The screen shows either the pending question or, after "back" or a pick in the
side panel, an earlier answer with its question. Submitting an earlier answer
unchanged moves forward in the same run; submitting it changed starts a new
branch from that answer (``run_from``), and the old run is kept.

Every store read and write, and the flow's steps, run in a thread worker that
posts :class:`QuestionScreen.Loaded` or :class:`QuestionScreen.Problem` back.
Answers are checked by the engine's own rules (``question.answered``) before
they are sent, and the messages shown beside their fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, ProgressBar, Static

from hitl import (
    COMPLETED,
    FAILED,
    RUNNING,
    CheckpointLoadError,
    ConflictError,
    HitlError,
    InputRequiredEvent,
    RunNotFound,
    RunNotWaiting,
)
from tui import run_view
from tui.run_view import RunView
from tui.text import plain
from tui.widgets.answer_form import AnswerForm
from tui.widgets.answers_panel import AnswersPanel

if TYPE_CHECKING:
    from tui.app import HitlApp

MOVED_ON = "This session moved on elsewhere — reloaded. Nothing you saved is lost."


@dataclass(frozen=True, slots=True)
class Shown:
    """What the screen shows: a question (pending) or an earlier answer."""

    event: InputRequiredEvent
    number: int
    answer_index: int | None
    """Which of the run's answers is on screen; None for the pending question."""


class QuestionScreen(Screen[None]):
    """Answer a run's questions one by one; go back and change any answer."""

    AUTO_FOCUS = ""  # the form focuses its first field

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Continue", id="question.submit"),
        Binding("ctrl+b", "back", "Back", id="question.back"),
        Binding("escape", "sessions", "Sessions", id="question.sessions"),
        Binding("ctrl+t", "history", "History", id="question.history"),
        Binding("ctrl+r", "reload", "Reload", id="question.reload"),
    ]

    class Loaded(Message):
        """A worker read the run (after a load, an answer, a branch or a resume)."""

        def __init__(self, view: RunView, *, moved: bool = False, branched: bool = False):
            super().__init__()
            self.view = view
            self.moved = moved
            self.branched = branched

    class Rejected(Message):
        """The engine refused an answer (its rules); nothing was stored."""

        def __init__(self, error: ValidationError) -> None:
            super().__init__()
            self.error = error

    class Problem(Message):
        """Something a person should know and can act on; ``leave``: the run cannot be shown."""

        def __init__(self, text: str, *, leave: bool = False) -> None:
            super().__init__()
            self.text = text
            self.leave = leave

    def __init__(self, run_id: str, flow: str | None = None, *, view: RunView | None = None):
        super().__init__()
        self._first_view = view
        self.run_id = run_id
        self.flow = flow
        self.view: RunView | None = None
        self.shown: Shown | None = None
        self.busy = False
        self._viewing: int | None = None
        self._drafts: dict[str, dict[str, Any]] = {}
        """What was typed into a pending question before going back, by its checkpoint."""
        self._carried: dict[tuple[str, str], dict[str, Any]] = {}
        """Answers from the branch left behind, offered again to the same questions."""
        self.rendered = 0
        """How many times a question has been put on screen (tests and the bench wait on it)."""

    @property
    def hitl(self) -> HitlApp:
        return self.app  # type: ignore[return-value]

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="question-body"):
            with VerticalScroll(id="question-main"):
                with Horizontal(id="question-progress"):
                    yield Static("", id="progress-label")
                    yield ProgressBar(
                        total=1, show_eta=False, show_percentage=False, id="progress-bar"
                    )
                yield Static("", id="question-note")
                yield Static(plain("Loading…"), id="question-prompt")
                yield Vertical(id="form-slot")
                with Horizontal(id="question-actions"):
                    yield Button("‹ Back", id="back-button", compact=True)
                    yield Button(
                        "Continue ›", id="continue-button", variant="primary", compact=True
                    )
            yield AnswersPanel(id="answers-panel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.flow or ""
        if self._first_view is not None:  # read already (a new session)
            self.busy = True
            self.post_message(self.Loaded(self._first_view))
        else:
            self._work(self._load_job)

    # -- workers ----------------------------------------------------------------

    def _work(self, job: Callable[[], Message]) -> None:
        self.busy = True
        self.run_worker(
            lambda: self.post_message(self._guarded(job)),
            thread=True, exclusive=True, group="question-io", exit_on_error=False,
        )

    def _guarded(self, job: Callable[[], Message]) -> Message:
        try:
            return job()
        except ValidationError as exc:
            return self.Rejected(exc)
        except (ConflictError, RunNotWaiting):
            try:
                return self.Loaded(self._read(), moved=True)
            except Exception as exc:  # the reload itself failed: say so
                return self.Problem(_describe(exc))
        except (RunNotFound, CheckpointLoadError, KeyError) as exc:
            return self.Problem(_describe(exc), leave=True)
        except Exception as exc:
            return self.Problem(_describe(exc))

    def _ckptr(self):
        if self.flow is None:
            self.flow = self.hitl.flow_of(self.run_id)
        return self.hitl.checkpointer(self.flow)

    def _read(self) -> RunView:
        return run_view.load_run(self._ckptr(), self.run_id)

    def _load_job(self) -> Message:
        view = self._read()
        if run_view.needs_resume(view):
            view = run_view.resume(self._ckptr(), self.run_id)
        return self.Loaded(view)

    # -- what the workers say ---------------------------------------------------

    async def on_question_screen_loaded(self, message: Loaded) -> None:
        self.busy = False
        view = message.view
        if message.branched:
            self.notify(
                "Continuing on a new branch. The earlier answers are kept in the history.",
                title="Answer changed", markup=False,
            )
        if message.moved:
            self.notify(MOVED_ON, title="Reloaded", severity="warning", markup=False)
        self.run_id = view.run_id
        self.view = view
        self._viewing = None
        self.sub_title = self.hitl.flow_title(view.flow)
        if view.status == COMPLETED:
            self.hitl.session_completed(self, view.run_id)
            return
        await self._redraw()

    def on_question_screen_rejected(self, message: Rejected) -> None:
        self.busy = False
        form = self._form()
        if form is not None:
            form.show_errors(message.error)

    def on_question_screen_problem(self, message: Problem) -> None:
        self.busy = False
        self.notify(message.text, title="Could not continue", severity="error", markup=False,
                    timeout=8)
        if message.leave:
            self.dismiss()

    # -- showing ----------------------------------------------------------------

    def _form(self) -> AnswerForm | None:
        forms = self.query(AnswerForm)
        return forms.first() if forms else None

    def _current(self) -> Shown | None:
        view = self.view
        if view is None:
            return None
        if self._viewing is not None:
            answer = view.answers[self._viewing]
            return Shown(answer.event, answer.number, self._viewing)
        if view.question is not None:
            return Shown(view.question, view.position, None)
        return None

    async def _redraw(self) -> None:
        view = self.view
        assert view is not None
        shown = self.shown = self._current()
        note = self.query_one("#question-note", Static)
        prompt = self.query_one("#question-prompt", Static)
        slot = self.query_one("#form-slot", Vertical)
        number = shown.number if shown else len(view.answers)
        self.query_one("#progress-label", Static).update(
            plain(f"Question {number} of {view.total}")
        )
        bar = self.query_one(ProgressBar)
        bar.update(total=view.total, progress=min(number - 1, view.total) if shown else view.total)
        note.set_classes("")
        if shown is None:
            await slot.remove_children()
            self._show_stopped(view, prompt, note)
        else:
            prompt.update(plain(shown.event.message))
            values, why = self._prefill(shown)
            note.update(plain(why))
            note.set_class(bool(why), "-shown")
            if shown.answer_index is not None:
                note.add_class("-revisit")
            form = self._form()
            if form is None or not form.load(shown.event, values=values):
                await slot.remove_children()
                form = AnswerForm(shown.event, values=values, id="answer-form")
                await slot.mount(form)
            form.focus_first()
            self.query_one("#question-main", VerticalScroll).scroll_home(animate=False)
        self.query_one("#question-actions").display = shown is not None
        self.query_one("#back-button", Button).disabled = not self._can_back()
        self.query_one(AnswersPanel).show(
            view.answers, viewing=self._viewing, pending=view.question,
        )
        self.refresh_bindings()
        self.rendered += 1

    def _show_stopped(self, view: RunView, prompt: Static, note: Static) -> None:
        if view.status == FAILED:
            prompt.update(plain("A step of this flow failed."))
            note.update(plain(
                f"{view.error or 'No reason was recorded.'}\n"
                "Press ctrl+r to run the step again; your answers are kept."
            ))
        elif view.status == RUNNING:
            prompt.update(plain("This session is running in another window."))
            note.update(plain("Press ctrl+r to reload when it has moved on."))
        else:
            prompt.update(plain(f"This session is {view.status}."))
            note.update(plain("Press esc to go back to your sessions."))
        note.add_class("-shown")
        note.add_class("-problem")

    def _prefill(self, shown: Shown) -> tuple[dict[str, Any] | None, str]:
        """Values to put in the form first, and a note saying where they came from."""
        if shown.answer_index is not None:
            return None, (
                f"Your answer to question {shown.number}. Continue to keep it, or change it "
                "and continue: that starts a new branch and keeps this one."
            )
        view = self.view
        assert view is not None
        draft = self._drafts.get(view.question_checkpoint or "")
        if draft is not None:
            return draft, ""
        carried = self._carried.get(_key(shown.event))
        if carried is not None:
            return carried, "Filled in from your answer on the earlier branch — check it."
        return None, ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self._can_back()
        if action == "submit":
            return self.shown is not None
        return True

    # -- moving -----------------------------------------------------------------

    def _can_back(self) -> bool:
        view = self.view
        if view is None or not view.answers:
            return False
        return self._viewing is None or self._viewing > 0

    def _keep_draft(self) -> None:
        """Remember what was typed into the pending question before leaving it."""
        view, form = self.view, self._form()
        if view is None or form is None or self._viewing is not None:
            return
        try:
            self._drafts[view.question_checkpoint or ""] = form.values()
        except ValidationError:
            pass

    async def go_to(self, index: int | None) -> None:
        """Show answer ``index`` (0-based) or, for None, the pending question."""
        if self.view is None or index == self._viewing:
            return
        self._keep_draft()
        if index is not None and not 0 <= index < len(self.view.answers):
            return
        self._viewing = index
        await self._redraw()

    async def action_back(self) -> None:
        if self.busy or not self._can_back():
            return
        assert self.view is not None
        await self.go_to(
            len(self.view.answers) - 1 if self._viewing is None else self._viewing - 1
        )

    def action_submit(self) -> None:
        form = self._form()
        if form is not None and not self.busy:
            form.submit()

    def action_sessions(self) -> None:
        self._keep_draft()
        self.dismiss()

    def action_history(self) -> None:
        self.hitl.open_history(self.run_id)

    def action_reload(self) -> None:
        if self.busy:
            return
        view = self.view
        if view is not None and view.status == FAILED:
            self._work(lambda: self.Loaded(run_view.resume(self._ckptr(), self.run_id)))
        else:
            self._work(self._load_job)

    @on(Button.Pressed, "#continue-button")
    def _continue_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#back-button")
    async def _back_pressed(self) -> None:
        await self.action_back()

    async def on_answers_panel_jump(self, message: AnswersPanel.Jump) -> None:
        if not self.busy:
            await self.go_to(message.index)

    async def on_answer_form_submitted(self, message: AnswerForm.Submitted) -> None:
        message.stop()
        shown, view = self.shown, self.view
        if self.busy or shown is None or view is None:
            return
        values = message.values
        try:
            answered = shown.event.answered(values)  # the engine's own check
        except ValidationError as exc:
            message.form.show_errors(exc)
            return
        message.form.clear_errors()
        ckptr_run = self.run_id
        if shown.answer_index is None:
            at = view.question_checkpoint or ""
            self._drafts.pop(at, None)
            self._carried.pop(_key(shown.event), None)
            self._work(lambda: self.Loaded(
                run_view.answer(self._ckptr(), ckptr_run, at, values)
            ))
            return
        answer = view.answers[shown.answer_index]
        if answered.model_dump() == answer.event.model_dump():
            later = shown.answer_index + 1
            await self.go_to(later if later < len(view.answers) else None)
            return
        for other in view.answers[shown.answer_index + 1:]:
            self._carried[_key(other.event)] = other.event.answers()
        draft = self._drafts.get(view.question_checkpoint or "")
        if view.question is not None and draft is not None:
            self._carried[_key(view.question)] = draft
        self._work(lambda: self.Loaded(
            run_view.change_answer(self._ckptr(), answer.checkpoint_id, answered),
            branched=True,
        ))


def _key(event: InputRequiredEvent) -> tuple[str, str]:
    return type(event).__name__, event.message


def _describe(exc: BaseException) -> str:
    if isinstance(exc, HitlError | KeyError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text or type(exc).__name__
