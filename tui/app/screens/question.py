"""QuestionScreen: one run's pending question, its answers so far, and back.

The screen shows either the pending question or, after "back" or a pick in the
side panel, an earlier answer with its question. Submitting an earlier answer
unchanged moves forward in the same run; submitting it changed starts a new
branch from that answer (``run_from``), and the old run is kept.

Every store read and write, and the flow's steps, run in a thread worker that
posts :class:`QuestionScreen.Loaded` or a ``Problem`` back (``HitlScreen.work``).
Answers are checked by the engine's own rules (``question.answered``) before
they are sent, and the messages shown beside their fields.

The parts that stand alone are apart, each a mixin of the screen or a widget:
following the store, an answer given elsewhere, in ``FollowsStore``
(following.py); "Working…" and the step that runs in ``ShowsWorking``
(working.py); the offer of typed text in ``OffersTyped`` (typed.py); the forms
in ``FormSlot`` (widgets/form_slot.py). What is left here is showing, moving and
answering, which share the screen's view and workers.

Past 400 lines on purpose: showing a question, moving back and forth and
answering read and write one view of the run (``self.view``) in one worker
pattern; split further, each part would reach into the others' state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.widgets import Button, Header, ProgressBar, Static

from hitl import (
    COMPLETED,
    FAILED,
    RUNNING,
    CheckpointLoadError,
    ConflictError,
    InputRequiredEvent,
    RunNotFound,
    RunNotWaiting,
    WorkflowCheckpointer,
)
from tui.app.screens.base import HitlScreen, describe
from tui.app.screens.following import FollowsStore
from tui.app.screens.typed import OffersTyped, Typed
from tui.app.screens.working import CONTINUE, ShowsWorking
from tui.app.text import plain
from tui.app.typed_ahead import ready_for_keys
from tui.app.widgets.answer_form import AnswerForm
from tui.app.widgets.answers_panel import AnswersPanel
from tui.app.widgets.footer import Footer
from tui.app.widgets.form_slot import FormSlot
from tui.app.widgets.typed_offer import TypedOffer
from tui.sessions import run_view
from tui.sessions.branching import question_key
from tui.sessions.run_view import RunView

MOVED_ON = "This session moved on elsewhere — reloaded. Nothing you saved is lost."


@dataclass(frozen=True, slots=True)
class Shown:
    """What the screen shows: a question (pending) or an earlier answer."""

    event: InputRequiredEvent
    number: int
    answer_index: int | None
    """Which of the run's answers is on screen; None for the pending question."""


class QuestionScreen(FollowsStore, ShowsWorking, OffersTyped, HitlScreen[None]):
    """Answer a run's questions one by one; go back and change any answer."""

    AUTO_FOCUS = ""  # the form focuses its first field
    NARROW_KEYS = ("question.submit", "question.back", "question.sessions")
    SUBMIT_KEYS = frozenset({"ctrl+s"})
    """Keys that submit from anywhere: those read after one wait for the next question
    (tui.app.typed_ahead), as after an Enter."""

    busy: var[bool] = var(False, init=False)
    """A worker reads or writes the run, or the flow's steps run: the screen takes
    no answer meanwhile, and past a moment Continue says so (``watch_busy``)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Enter submits in every field (the fields say so to the form); ctrl+s is
        # the same from anywhere on the screen.
        Binding("ctrl+s", "submit", "Continue", id="question.submit", key_display="enter",
                tooltip="Submit the answer: Enter in any field, or ctrl+s"),
        Binding("ctrl+b", "back", "Back", id="question.back"),
        Binding("escape", "sessions", "Sessions", id="question.sessions"),
        Binding("ctrl+t", "history", "History", id="question.history"),
        Binding("ctrl+r", "reload", "Reload", id="question.reload"),
        Binding("ctrl+o", "use_typed", "Use mine", id="question.use_typed", show=False,
                tooltip="Put what you typed, before someone else answered, in this question"),
        Binding("ctrl+g", "branch_typed", "Branch with mine", id="question.branch_typed",
                show=False, tooltip="A new branch with what you typed in place of their answer"),
    ]

    class Loaded(Message):
        """A worker read the run (after a load, an answer, a branch or a resume)."""

        def __init__(self, view: RunView, *, moved: bool = False, branched: bool = False,
                     elsewhere: run_view.AnsweredElsewhere | None = None,
                     typed: Typed | None = None):
            super().__init__()
            self.view = view
            self.moved = moved
            self.branched = branched
            self.elsewhere = elsewhere
            """Set when another person or process answered the question on screen."""
            self.typed = typed
            """What the person had typed into that question (kept and offered)."""

    class Rejected(Message):
        """The engine refused an answer (its rules); nothing was stored."""

        def __init__(self, error: ValidationError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, run_id: str, flow: str | None = None, *, view: RunView | None = None):
        super().__init__()
        self._first_view = view
        self.run_id = run_id
        self.flow = flow
        self.view: RunView | None = None
        self.shown: Shown | None = None
        self._viewing: int | None = None

        self._typed: dict[tuple[str, str], dict[str, Any]] = {}
        """What was typed here into a question someone else then answered: offered
        when that answer is shown (Back), never sent by itself."""
        self.offer: tuple[Typed, run_view.AnsweredElsewhere] | None = None
        """What was typed into a question answered elsewhere, offered until chosen."""
        self._bindings_state: tuple[bool, bool] | None = None
        self.panel_pending = False
        """True from a redraw until the side panel shows the same run."""

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="question-body"):
            with VerticalScroll(id="question-main"):
                with Horizontal(id="question-progress"):
                    yield Static("", id="progress-label")
                    yield Static("", id="branch-label")
                    yield ProgressBar(
                        total=1, show_eta=False, show_percentage=False, id="progress-bar"
                    )
                yield Static("", id="question-note")
                yield TypedOffer(id="typed-offer")
                yield Static(plain("Loading…"), id="question-prompt")
                yield FormSlot(id="form-slot")
                with Horizontal(id="question-actions"):
                    yield Button("‹ Back", id="back-button", compact=True)
                    yield Button(
                        CONTINUE, id="continue-button", variant="primary", compact=True
                    )
                    yield Static("", id="working-note")
            yield AnswersPanel(id="answers-panel")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.flow or ""
        # After each layout and paint of this screen (a call later, not during it).
        self.screen_layout_refresh_signal.subscribe(self, self._after_layout)
        if self._first_view is not None:  # read already (a new session)
            self.busy = True
            self.post_message(self.Loaded(self._first_view))
        else:
            self._work(self._load_job)

    # -- workers ----------------------------------------------------------------

    def failed(self, exc: Exception) -> Message:
        if isinstance(exc, ValidationError):
            return self.Rejected(exc)
        if isinstance(exc, ConflictError | RunNotWaiting):
            try:
                return self.Loaded(self._read(), moved=True)
            except Exception as exc:  # the reload itself failed: say so
                return self.Problem(describe(exc))
        if isinstance(exc, RunNotFound | CheckpointLoadError | KeyError):
            return self.Problem(describe(exc), leave=True)
        return super().failed(exc)

    def _ckptr(self) -> WorkflowCheckpointer:
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
        view = message.view
        if message.branched:
            self.notify(
                "Continuing on a new branch. The earlier answers are kept in the history.",
                title="Answer changed", markup=False,
            )
        if message.elsewhere is not None:
            if message.typed is not None:
                self._typed[question_key(message.typed.event)] = message.typed.values
                self.offer = (message.typed, message.elsewhere)
            self._say_answered_elsewhere(message.elsewhere)
        elif message.moved:
            self.notify(MOVED_ON, title="Reloaded", severity="warning", markup=False)
        self.run_id = view.run_id
        self.view = view
        self._viewing = None
        self.sub_title = self.hitl.flow_title(view.flow)
        if view.status == COMPLETED:
            self.busy = False
            self.hitl.session_completed(self, view.run_id)
            return
        try:
            await self._redraw()
            self._show_offer()
        finally:
            self.busy = False  # only now is the next question on screen, ready for input

    def on_question_screen_rejected(self, message: Rejected) -> None:
        self.busy = False
        form = self._form()
        if form is not None:
            form.show_errors(message.error)

    def on_hitl_screen_problem(self, message: HitlScreen.Problem) -> None:
        self.busy = False  # then HitlScreen's own handler shows it
        if message.leave and self.app.screen is self:
            self.dismiss()

    # -- showing ----------------------------------------------------------------

    @property
    def form(self) -> AnswerForm | None:
        """The form on screen (others of other shapes may be mounted, hidden)."""
        return self.query_one(FormSlot).form

    def _form(self) -> AnswerForm | None:
        return self.form

    async def _form_for(
        self, event: InputRequiredEvent, values: dict[str, Any] | None
    ) -> AnswerForm:
        return await self.query_one(FormSlot).form_for(event, values)

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
        number = shown.number if shown else len(view.answers)
        self.query_one("#progress-label", Static).update(
            plain(f"Question {number} of {view.total}")
        )
        label = view.fork.label if view.fork is not None else ""
        branch = self.query_one("#branch-label", Static)
        branch.update(plain(label))
        branch.display = bool(label)
        bar = self.query_one(ProgressBar)
        bar.update(total=view.total, progress=min(number - 1, view.total) if shown else view.total)
        if shown is None:
            await self.query_one(FormSlot).drop()
            self._show_stopped(view, prompt, note)
        else:
            prompt.update(plain(shown.event.message))
            values, why = self._prefill(shown)
            if why or note.display:
                note.update(plain(why))
            classes = {"-shown"} if why else set()
            if shown.answer_index is not None:
                classes.add("-revisit")
            if set(note.classes) != classes:  # restyling costs a pass: only on change
                note.set_classes(" ".join(sorted(classes)))
            form = await self._form_for(shown.event, values)
            form.focus_first()
            main = self.query_one("#question-main", VerticalScroll)
            if main.scroll_y:
                main.scroll_home(animate=False)
        actions = self.query_one("#question-actions")
        if actions.display != (shown is not None):
            actions.display = shown is not None
        back = self.query_one("#back-button", Button)
        if back.disabled != (not self._can_back()):
            back.disabled = not self._can_back()
        # The side panel follows once the question is painted (_after_layout): the
        # question is what a person waits for. (Progress above is a layout change.)
        self.panel_pending = True
        bindings = (self._can_back(), shown is not None)
        if bindings != self._bindings_state:  # the footer recomposes on a refresh: only on change
            self._bindings_state = bindings
            self.refresh_bindings()

    def _after_layout(self, _screen: object) -> None:
        if self.panel_pending:
            self._update_panel()

    def _update_panel(self) -> None:
        view = self.view
        if view is not None:
            self.query_one(AnswersPanel).show(
                view.answers, viewing=self._viewing, pending=view.question,
            )
        self.panel_pending = False

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
        note.set_classes("-shown -problem")

    def _prefill(self, shown: Shown) -> tuple[dict[str, Any] | None, str]:
        """Values to put in the form first, and a note saying where they came from."""
        if shown.answer_index is not None:
            typed = self._typed.get(question_key(shown.event))
            if typed is not None:
                return typed, (
                    f"What you typed for question {shown.number} before someone else answered "
                    "it. Continue to use it (a new branch; their answer is kept), or Back "
                    "and forward to leave it."
                )
            return None, (
                f"Your answer to question {shown.number}. Continue to keep it, or change it "
                "and continue: that starts a new branch and keeps this one."
            )
        view = self.view
        assert view is not None
        draft = self.hitl.drafts.get(view.question_checkpoint or "")
        if draft is not None:
            return draft, ""
        fork = view.fork
        if fork is None:
            return None, ""
        carried = fork.offered(shown.event)
        earlier = fork.earlier_question
        if earlier is not None and earlier[1] == question_key(shown.event):
            carried = self.hitl.drafts.get(earlier[0], carried)  # typed there, not sent
        if carried is not None:
            return carried, "Filled in from your answer on the earlier branch — check it."
        return None, ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self._can_back()
        if action == "submit":
            return self.shown is not None
        if action in ("use_typed", "branch_typed"):
            return self.offer is not None
        return True

    # -- moving -----------------------------------------------------------------

    def _can_back(self) -> bool:
        view = self.view
        if view is None or not view.answers:
            return False
        return self._viewing is None or self._viewing > 0

    def keep_draft(self, *, replace: bool = True) -> None:
        """Remember what was typed into the pending question before leaving it.

        ``replace=False``: only if no draft is kept for that question yet (a screen
        left from below, whose question another screen above showed too)."""
        view, form = self.view, self._form()
        if view is None or form is None or self._viewing is not None:
            return
        if self.busy:  # what the form holds is being sent (and saved): no draft
            return
        key = view.question_checkpoint or ""
        try:
            values = form.values()
        except ValidationError:
            return
        if view.question is not None and values != view.question.answers():
            if replace or key not in self.hitl.drafts:
                self.hitl.drafts[key] = values
        elif replace:
            self.hitl.drafts.pop(key, None)

    async def go_to(self, index: int | None) -> None:
        """Show answer ``index`` (0-based) or, for None, the pending question."""
        if self.view is None or index == self._viewing:
            return
        self.keep_draft()
        if index is not None and not 0 <= index < len(self.view.answers):
            return
        self._viewing = index
        self.busy = True
        try:
            await self._redraw()
        finally:
            self.busy = False

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
        elif not self.busy:
            ready_for_keys(self)  # nothing to submit: what was typed ahead goes on

    def action_sessions(self) -> None:
        self.hitl.go_to_sessions()

    def action_history(self) -> None:
        """The session's history; from a branch not stored yet, the history of the
        run it would branch from (the branch is in no history until answered)."""
        fork = self.view.fork if self.view is not None else None
        run_id = self.run_id
        if fork is not None and not fork.saved and fork.earlier is not None:
            run_id = fork.earlier
        self.hitl.open_history(run_id)

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
            if not self.busy:  # (busy: what was typed ahead goes on when it ends)
                ready_for_keys(self)
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
            self.hitl.drafts.pop(at, None)
            typed = Typed(shown.event, shown.number, values)
            keep = view.fork is not None and not view.fork.saved  # made at its first answer
            self._work(lambda: self._answer_job(ckptr_run, at, typed, keep=keep))
            return
        answer = view.answers[shown.answer_index]
        if answered.model_dump() == answer.event.model_dump():
            later = shown.answer_index + 1
            await self.go_to(later if later < len(view.answers) else None)
            ready_for_keys(self)
            return
        self._work(lambda: self.Loaded(
            run_view.change_answer(self._ckptr(), answer.checkpoint_id, answered,
                                   on=view.run_id),
            branched=True,
        ))

    def _answer_job(self, run_id: str, at: str, typed: Typed, *, keep: bool) -> Message:
        """Send the answer (``keep``: storing the branch first); if someone else
        answered first, nothing is stored and what was typed comes back to be offered."""
        try:
            return self.Loaded(
                run_view.answer(self._ckptr(), run_id, at, typed.values, keep=keep))
        except (ConflictError, RunNotWaiting):
            elsewhere = run_view.answered_elsewhere(self._ckptr(), run_id, at)
            if elsewhere is None:
                raise
            return self.Loaded(self._read(), elsewhere=elsewhere, typed=typed)
