"""Following the store on the question screen: when another person or process
answers the question on screen, the screen moves on with the run, says who
answered what and when, and keeps what was typed here (``OffersTyped`` offers
it). A part of ``QuestionScreen`` (a mixin of it: it uses the screen's view,
forms and workers), kept apart for its size."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from textual.message import Message

from tui.app.follow import StoreChanged
from tui.app.screens.typed import Typed
from tui.sessions import run_view
from tui.sessions.text import one_line

if TYPE_CHECKING:
    from tui.app.widgets.answer_form import AnswerForm
    from tui.sessions.run_view import RunView


class FollowsStore:
    """The question screen's following of changes another process stored."""

    view: RunView | None
    run_id: str
    busy: bool
    offer: tuple[Typed, run_view.AnsweredElsewhere] | None
    _viewing: int | None

    if TYPE_CHECKING:  # the screen's own, used here
        Loaded: Any

        def _form(self) -> AnswerForm | None: ...
        def _read(self) -> RunView: ...
        def _ckptr(self) -> Any: ...
        def _guarded(self, job: Any) -> Message: ...
        def run_worker(self, *args: Any, **kwargs: Any) -> Any: ...
        def post_message(self, message: Message) -> bool: ...
        def notify(self, *args: Any, **kwargs: Any) -> None: ...

    def on_store_changed(self, message: StoreChanged) -> None:
        """Someone may have answered the question on screen: if so, move on with
        the run, keeping what was typed here. Read in a worker of its own, which
        never holds the screen busy: the person can go on typing and submitting,
        and a submit of theirs that comes first wins over what it found."""
        view = self.view
        if self.busy or view is None or not message.touches(view.session, self.run_id):
            return
        self.run_worker(partial(self._follow, view), group="question-follow", exclusive=True,
                        exit_on_error=False)  # made when it starts, as HitlScreen.work's

    async def _follow(self, before: RunView) -> None:
        found = await asyncio.to_thread(self._guarded, lambda: self._follow_job(before))
        if not isinstance(found, self.Loaded) or self.busy or self.view is not before:
            return  # nothing moved, or the person moved first
        if self._viewing is None and found.elsewhere is not None:
            found.typed = self._typed_into(before)
        self.busy = True
        self.post_message(found)

    def _typed_into(self, view: RunView) -> Typed | None:
        """What was typed into the pending question (None: nothing)."""
        form = self._form()
        if form is None or view.question is None:
            return None
        try:
            values = form.values()
        except ValidationError:
            return None
        if values == view.question.answers():
            return None
        return Typed(view.question, view.position, values)

    def _follow_job(self, before: RunView) -> Message | None:
        now = self._read()
        if now.question_checkpoint == before.question_checkpoint and now.status == before.status:
            return None
        elsewhere = None
        if before.question_checkpoint is not None:
            elsewhere = run_view.answered_elsewhere(
                self._ckptr(), self.run_id, before.question_checkpoint
            )
        return self.Loaded(now, moved=elsewhere is None, elsewhere=elsewhere)

    def _say_answered_elsewhere(self, elsewhere: run_view.AnsweredElsewhere) -> None:
        who = elsewhere.author or "Someone"
        answer = one_line(elsewhere.text, 60) or "(no answer)"
        kept = ""
        if self.offer is not None:
            kept = " What you typed is kept: see above the question."
        self.notify(
            f"{who} answered this question at {elsewhere.at.astimezone():%H:%M}: “{answer}”."
            f"{kept}",
            title="Answered elsewhere", severity="warning", markup=False, timeout=10,
        )
