"""Answer fields typed as text: one line (Input) or many (TextArea).

TextField (text), LongTextField (long text, wraps), NumberField (integer,
number), DateField (YYYY-MM-DD), ListField (one item a line) and JsonField
(any other value of an event being edited, as JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.strip import Strip
from textual.validation import Failure, ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, TextArea

from tui.app.paste import clean_paste
from tui.app.widgets.answer_field import AnswerField, FieldDone, PasteCleaned, UnreadableInput

NEW_LINE_KEYS = "ctrl+j or alt+enter"
"""The keys that start a new line in a long answer (Enter submits, as in any field)."""


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Do what ``widget`` binds ``event``'s key to now, in order with the characters
    typed around it (True: done, and the key goes no further).

    Textual types a character in as the widget reads it, but runs a widget's
    binding (backspace, ←, ctrl+u, ctrl+j...) only once the key has bubbled up to
    the app: after the characters read with it, so "Ship v3", backspace, "2" in one
    read (typed fast, over a slow link, sent by tmux) gave "Ship v2" with the 2
    deleted (Textualize/textual#6605). Bindings with priority, and those of the
    screen and app, are left as they are.
    """
    if event.is_printable:
        return False
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


class AnswerTextArea(TextArea):
    """A TextArea where Enter is done with the field, as in every field, and
    ctrl+j or alt+enter starts a new line. Pasted text is cleaned (``clean_paste``).

    It also survives being painted while its component styles are missing:
    Textual 8.2 may ask a TextArea to render just before its component styles are
    resolved, or just after it was removed (a form replaced by the next
    question's), and its theme then raises ``KeyError: 'text-area--gutter'``
    (Textualize/textual#6528). That frame is painted blank and redone.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # ctrl+j is what every terminal sends for it (a line feed); alt+enter
        # where the terminal tells it from Enter. Named here for the palette and
        # help; run in order with typed keys by _on_key (run_own_binding).
        Binding("ctrl+j,alt+enter", "new_line", "New line", show=False),
    ]

    async def _on_key(self, event: events.Key) -> None:
        # Runs before TextArea's own handler, which would insert a new line.
        if self.read_only:
            return
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(FieldDone(self))
        else:
            await run_own_binding(self, event)  # ctrl+j, backspace, ctrl+u... in order

    def action_new_line(self) -> None:
        if not self.read_only:
            self.replace("\n", *self.selection, maintain_selection_offset=False)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of TextArea's: the text cleaned first
        event.stop()
        if self.read_only:
            return
        text, cleaned = clean_paste(event.text)
        if text:
            self.replace(text, *self.selection, maintain_selection_offset=False)
        if cleaned:
            self.post_message(PasteCleaned(self))

    def render_lines(self, crop: Region) -> list[Strip]:
        try:
            return super().render_lines(crop)
        except KeyError:
            if self.is_attached:
                self.refresh()
            return [Strip.blank(crop.width)] * crop.height


class AnswerInput(Input):
    """An Input whose pasted text is cleaned (``clean_paste``); its first line is
    kept, as Input keeps it. Its editing keys act in order (``run_own_binding``)."""

    async def _on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # instead of Input's: the text cleaned first
        event.stop()
        text, cleaned = clean_paste(event.text)
        line = text.split("\n", 1)[0]
        if line:
            self.replace(line, *self.selection)
        if cleaned:
            self.post_message(PasteCleaned(self))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class TextField(AnswerField):
    """One line of text. Enter moves on (or submits, on the form's last field)."""

    reusable = True

    def compose_input(self) -> ComposeResult:
        yield AnswerInput(
            _text(self.initial), classes="field-input", placeholder="Type your answer"
        )

    def set_value(self, value: Any) -> None:
        self.query_one(Input).value = _text(value)

    def value(self) -> str:
        return self.query_one(Input).value


class LongTextField(AnswerField):
    """Several lines of text that wrap. Enter submits, as in every field;
    ctrl+j or alt+enter starts a new line."""

    placeholder = "Type your answer — Enter submits"
    hint = f"Enter submits · {NEW_LINE_KEYS}: new line"
    reusable = True

    def compose_input(self) -> ComposeResult:
        yield AnswerTextArea(
            self.text_of(self.initial), soft_wrap=True, tab_behavior="focus",
            classes="field-input", placeholder=self.placeholder,
        )

    def text_of(self, value: Any) -> str:
        return _text(value)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.move_cursor(area.document.end)  # typing goes on from what is there

    def set_value(self, value: Any) -> None:
        area = self.query_one(TextArea)
        area.load_text(self.text_of(value))
        area.move_cursor(area.document.end)

    def value(self) -> Any:
        return self.query_one(TextArea).text


class ListField(LongTextField):
    """A list, one item a line; blank lines are left out."""

    placeholder = "One item a line — Enter submits"
    hint = f"Enter submits · {NEW_LINE_KEYS}: next item"

    def text_of(self, value: Any) -> str:
        if isinstance(value, (list, tuple, set)):
            return "\n".join(str(item) for item in value)
        return _text(value)

    def value(self) -> list[str]:
        return [line.strip() for line in self.query_one(TextArea).text.splitlines() if line.strip()]


class JsonField(LongTextField):
    """Any other value of an event under edit, as JSON text."""

    placeholder = "JSON"
    hint = f"Enter goes on · {NEW_LINE_KEYS}: new line"

    def text_of(self, value: Any) -> str:
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)

    def value(self) -> Any:
        text = self.query_one(TextArea).text
        try:
            return json.loads(text)
        except ValueError as exc:
            raise UnreadableInput(f"not valid JSON ({exc})") from None


_WHOLE = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE_CHARACTERS = frozenset("0123456789+-")
_NUMBER_CHARACTERS = frozenset("0123456789+-.eE")


def _wrong_character(text: str, whole: bool) -> str | None:
    allowed = _WHOLE_CHARACTERS if whole else _NUMBER_CHARACTERS
    return next((c for c in text if c not in allowed and not c.isspace()), None)


def read_number(text: str, whole: bool) -> int | float | None:
    """The number ``text`` spells (None when empty), read as typed: nothing is
    dropped. ``UnreadableInput`` says what is wrong with it."""
    text = text.strip()
    if not text:
        return None
    what = "a whole number, like 5" if whole else "a number, like 3.5"
    wrong = _wrong_character(text, whole)
    if wrong == "," and not whole and _NUMBER.fullmatch(text.replace(",", ".")):
        raise UnreadableInput("write the decimals after a point, like 3.5")
    if wrong == "." and whole and _NUMBER.fullmatch(text):
        raise UnreadableInput(f"must be {what}; {text} is not")
    if wrong is not None:
        raise UnreadableInput(f"must be {what}; {wrong!r} is not part of one")
    if not (_WHOLE if whole else _NUMBER).fullmatch(text):
        raise UnreadableInput(f"must be {what}")
    try:
        return int(text) if whole else float(text)
    except ValueError:  # more digits than Python reads as a number
        raise UnreadableInput(f"must be {what}; this one has too many digits") from None


class NumberField(AnswerField):
    """A whole number (integer) or a number; empty is no answer.

    What is typed stays as typed (Textual's number inputs drop a character they
    refuse, so 3.5 became 35): a character that cannot be part of the number is
    named beside the field as it is typed, and the whole is checked on submit.
    """

    reusable = True

    def _whole(self) -> bool:
        return self.rules is not None and self.rules.kind == "integer"

    def _placeholder(self) -> str:
        return "A whole number, like 5" if self._whole() else "A number, like 3.5"

    def compose_input(self) -> ComposeResult:
        yield AnswerInput(
            _text(self.initial), classes="field-input", placeholder=self._placeholder()
        )

    def set_value(self, value: Any) -> None:
        field = self.query_one(Input)
        field.placeholder = self._placeholder()
        field.value = _text(value)

    def value(self) -> int | float | None:
        return read_number(self.query_one(Input).value, self._whole())

    def on_input_changed(self, event: Input.Changed) -> None:
        event.prevent_default()  # this check instead of the base's clearing of the error
        if _wrong_character(event.value, self._whole()) is None:
            self.show_error(None)
            return
        try:
            read_number(event.value, self._whole())
        except UnreadableInput as exc:
            self.show_error(str(exc))


class IsoDate(Validator):
    """A date written YYYY-MM-DD (empty passes: whether one is needed is a rule)."""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            return ValidationResult([Failure(self, value, "a date is written YYYY-MM-DD")])
        return self.success()


def _date_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else _text(value)


class DateField(AnswerField):
    """A date, YYYY-MM-DD; checked as it is typed."""

    reusable = True

    def compose_input(self) -> ComposeResult:
        yield AnswerInput(
            _date_text(self.initial), validators=[IsoDate()], classes="field-input",
            placeholder="YYYY-MM-DD", max_length=10,
        )

    def set_value(self, value: Any) -> None:
        self.query_one(Input).value = _date_text(value)

    def value(self) -> str | None:
        text = self.query_one(Input).value.strip()
        if not text:
            return None
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise UnreadableInput("a date is written YYYY-MM-DD, e.g. 2025-03-31") from None
        return text
