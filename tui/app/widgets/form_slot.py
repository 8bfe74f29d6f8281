"""FormSlot: where the question screen's answer form goes. Forms are kept
(hidden) by question shape, so a questionnaire that mixes kinds mounts each kind
of form once; one of them is shown."""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical

from hitl import InputRequiredEvent
from tui.app.widgets.answer_form import AnswerForm


class FormSlot(Vertical):
    """Holds the forms, one shown (``form``); the screen asks it for a form
    showing a question (``form_for``) or to drop them all (``drop``)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._forms: dict[tuple[str, ...], AnswerForm] = {}
        self._shown_form: AnswerForm | None = None

    @property
    def form(self) -> AnswerForm | None:
        """The form on screen (others of other shapes may be mounted, hidden)."""
        return self._shown_form

    async def form_for(
        self, event: InputRequiredEvent, values: dict[str, Any] | None
    ) -> AnswerForm:
        """A form showing ``event``: one already mounted for a question of the same
        shape, loaded anew, else a new one."""
        shape = AnswerForm.shape(event)
        form = self._forms.get(shape)
        if form is None or not form.load(event, values=values):
            if form is not None:
                await form.remove()
            form = AnswerForm(event, values=values)
            self._forms[shape] = form
            await self.mount(form)
        for other in self._forms.values():
            if other.display != (other is form):
                other.display = other is form
        self._shown_form = form
        return form

    async def drop(self) -> None:
        """Remove every form (the run stopped: no question to show)."""
        await self.remove_children()
        self._forms.clear()
        self._shown_form = None
