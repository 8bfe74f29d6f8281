"""AnswersPanel: the answers given so far in a run's lineage, each a jump back.

An OptionList underneath: updating it after every answer costs no widget
mounts, which keeps the next question quick to appear.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from hitl import InputRequiredEvent
from tui.app.text import plain
from tui.sessions.run_view import Answer
from tui.sessions.text import one_line

ANSWER_CHARS = 90
"""An answer is cut to this many characters in the panel (the form shows it whole)."""

PENDING = "pending"
"""The option id of the pending question."""


def question_label(event: InputRequiredEvent) -> str:
    """A question's short name: its only field's label, else its prompt."""
    rules = list(type(event).answer_rules.values())
    if len(rules) == 1 and rules[0].label:
        return rules[0].label
    return event.message


def answer_text(event: InputRequiredEvent) -> str:
    """An answer's values on one line."""
    parts = []
    for value in event.answers().values():
        if value is None or value == "" or value == []:
            continue
        if isinstance(value, bool):
            parts.append("yes" if value else "no")
        elif isinstance(value, (list, tuple, set)):
            parts.append(", ".join(map(str, value)))
        else:
            parts.append(str(value))
    return one_line(" · ".join(parts)) or "(no answer)"


class AnswersPanel(Vertical):
    """Lists the run's answers; picking one posts :class:`AnswersPanel.Jump`."""

    class Jump(Message):
        """Go to answer ``index`` (0-based), or to the pending question when None."""

        def __init__(self, index: int | None) -> None:
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._texts: list[str] = []
        self._shown: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Answers so far", classes="panel-title")
        yield OptionList(id="answers-list")
        yield Static(plain("No answers yet"), classes="panel-empty")

    def show(
        self,
        answers: tuple[Answer, ...],
        *,
        viewing: int | None,
        pending: InputRequiredEvent | None = None,
    ) -> None:
        """List ``answers``, then the ``pending`` question if the run waits on one;
        ``viewing`` is the answer on screen (None: the pending question)."""
        key = (answers, viewing, pending)
        if key == self._shown:
            return  # nothing changed: no re-render
        self._shown = key
        options: list[Option] = []
        texts: list[str] = []
        for i, answer in enumerate(answers):
            title = f"{answer.number}  {one_line(question_label(answer.event), 40)}"
            text = one_line(answer_text(answer.event), ANSWER_CHARS)
            options.append(self._option(str(i), title, text))
            texts.append(f"{title}\n{text}")
        if pending is not None and answers:
            title = f"{len(answers) + 1}  {one_line(question_label(pending), 40)}"
            options.append(self._option(PENDING, title, "to answer"))
            texts.append(f"{title}\nto answer")
        listing = self.query_one(OptionList)
        listing.clear_options()
        spaced: list[Option | None] = []
        for option in options:  # a separator between two answers
            spaced += [None, option] if spaced else [option]
        listing.add_options(spaced)
        self._texts = texts
        self.set_class(not answers, "-empty")
        listing.display = bool(answers)
        current = str(viewing) if viewing is not None else PENDING
        try:
            listing.highlighted = listing.get_option_index(current)
        except Exception:  # no such option (the run is not waiting): nothing to mark
            listing.highlighted = None

    @staticmethod
    def _option(option_id: str, title: str, text: str) -> Option:
        prompt = Content.assemble(plain(title, "bold"), "\n", plain(text, "dim"))
        return Option(prompt, id=option_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        self.post_message(self.Jump(None if option_id == PENDING else int(option_id or 0)))

    @property
    def texts(self) -> list[str]:
        """What the panel lists, as plain text: "n  Label" and the answer, a line each."""
        return list(self._texts)
