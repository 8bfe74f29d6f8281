"""What a person typed into a question that someone else answered first: kept,
said on the question screen (who answered, what, when) and offered: use it
for the question now on screen, branch with it (their answer stays in its
run), or discard it. A part of ``QuestionScreen``, kept apart for its size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from hitl import InputRequiredEvent
from hitl.lineage import answer_text
from tui.app.text import plain
from tui.app.widgets.typed_offer import TypedOffer
from tui.sessions import run_view
from tui.sessions.branching import question_key
from tui.sessions.text import one_line

if TYPE_CHECKING:
    from tui.sessions.run_view import RunView


@dataclass(frozen=True, slots=True)
class Typed:
    """What was typed into question ``number`` (``event``) before someone else
    answered it."""

    event: InputRequiredEvent
    number: int
    values: dict[str, Any]


class OffersTyped:
    """The question screen's handling of ``Typed`` text (a mixin of it: it uses
    the screen's view, forms and workers)."""

    view: RunView | None
    offer: tuple[Typed, run_view.AnsweredElsewhere] | None
    _typed: dict[tuple[str, str], dict[str, Any]]
    _viewing: int | None
    busy: bool

    def _show_offer(self) -> None:
        offer, view = self.query_one(TypedOffer), self.view
        if self.offer is None or view is None:
            offer.hide()
            return
        typed, elsewhere = self.offer
        who = elsewhere.author or "Someone"
        theirs = one_line(elsewhere.text, 60) or "(no answer)"
        mine = one_line(answer_text(typed.event.model_copy(update=typed.values)), 60)
        offer.show(plain(
            f"{who} answered question {typed.number} at {elsewhere.at.astimezone():%H:%M}: "
            f"“{theirs}”. Yours was not sent: “{mine}”. Use it for this question, "
            "branch with it (theirs is kept), or discard it."
        ), can_use=bool(view.question and run_view.carry_to(typed.values, view.question)))

    def _drop_offer(self) -> Typed | None:
        if self.offer is None:
            return None
        typed = self.offer[0]
        self.offer = None
        self._show_offer()
        return typed

    async def on_typed_offer_chosen(self, message: TypedOffer.Chosen) -> None:
        if message.choice == "use":
            await self.action_use_typed()
        elif message.choice == "branch":
            await self.action_branch_typed()
        elif self._drop_offer() is not None:
            self._typed.clear()
            self.notify("What you typed was discarded.", markup=False)

    async def action_use_typed(self) -> None:
        view = self.view
        if self.busy or self.offer is None or view is None or view.question is None:
            return
        typed = self.offer[0]
        values = run_view.carry_to(typed.values, view.question)
        if not values:
            return
        self._drop_offer()
        self._typed.pop(question_key(typed.event), None)
        if self._viewing is not None:
            await self.go_to(None)
        form = await self._form_for(view.question, values)
        form.focus_first()

    async def action_branch_typed(self) -> None:
        view = self.view
        if self.busy or self.offer is None or view is None:
            return
        typed = self.offer[0]
        index = typed.number - 1
        standing = view.answers[index] if index < len(view.answers) else None
        if standing is None or question_key(standing.event) != question_key(typed.event):
            self.notify("Their answer is no longer in this run: nothing to branch from.",
                        severity="warning", markup=False)
            return
        answer = view.answers[index]
        try:
            answered = answer.event.answered(typed.values)
        except ValidationError as exc:  # shown where it can be fixed: that answer, with the text
            await self.go_to(index)
            form = self._form()
            if form is not None:
                form.show_errors(exc)
            return
        self._drop_offer()
        self._typed.pop(question_key(typed.event), None)
        self._work(lambda: self.Loaded(
            run_view.change_answer(self._ckptr(), answer.checkpoint_id, answered,
                                   on=view.run_id),
            branched=True,
        ))
