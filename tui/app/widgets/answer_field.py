"""AnswerField: one slot of a form — its label, help, input and error line.

The kinds of input live in ``text_fields.py`` (typed into an Input or a
TextArea) and ``choice_fields.py`` (picked: radio buttons, a selection list, a
switch); ``fields.py`` picks the widget for a field's rules.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from hitl import Rules
from tui.app.paste import LEFT_OUT
from tui.app.text import plain


class UnreadableInput(ValueError):
    """What was typed cannot be read as the field's kind (a malformed date, number, JSON).

    The form turns it into a ``pydantic.ValidationError`` naming the field, like
    the engine's own rule errors, so one path shows both.
    """


class FieldDone(Message):
    """Enter in an input that holds one value: the person is done with the field
    (the form moves to the next one, or submits after the last)."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    @property
    def control(self) -> Widget:
        return self.widget


class PasteCleaned(Message):
    """Text pasted into ``widget`` held terminal codes, which were left out."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    @property
    def control(self) -> Widget:
        return self.widget


def field_title(name: str, rules: Rules | None) -> str:
    if rules is not None and rules.label:
        return rules.label
    return name.replace("_", " ").strip().capitalize() or name


class AnswerField(Vertical):
    """Base of the answer slots. A subclass composes its input (class ``field-input``)
    and reads it back in :meth:`value`. Enter in any input is done with the
    field: the form moves to the next one, or submits on the last."""

    hint = ""
    """A dim line under the input saying which keys work it (empty: none)."""

    reusable = False
    """True when :meth:`reset` can show another field of the same class in place
    (cheaper than mounting a new widget for the next question)."""

    def __init__(self, name: str, rules: Rules | None, value: Any) -> None:
        super().__init__(classes="answer-field")
        self.field_name = name
        self.rules = rules
        self.initial = value

    def compose(self) -> ComposeResult:
        yield Static(self._title(), classes="field-label")
        help_text = self._help()
        yield Static(plain(help_text), classes="field-help").set_styles(
            "display: block;" if help_text else "display: none;"
        )
        yield from self.compose_input()
        hint = self.input_hint()
        if hint:
            yield Static(plain(hint), classes="field-hint")
        yield Static("", classes="field-error")
        yield Static("", classes="field-note")

    def _title(self) -> Any:
        title = plain(field_title(self.field_name, self.rules), "bold")
        if self.rules is not None and not self.rules.required:
            title = title + plain("  optional", "dim italic")
        return title

    def _help(self) -> str:
        return (self.rules.help if self.rules is not None else None) or ""

    def compose_input(self) -> ComposeResult:
        raise NotImplementedError

    def input_hint(self) -> str:
        return self.hint

    def fits(self, rules: Rules | None) -> bool:
        """Whether :meth:`reset` can show a field with ``rules`` here."""
        return self.reusable

    def reset(self, name: str, rules: Rules | None, value: Any) -> None:
        """Become the field ``name`` with ``rules``, showing ``value`` (see ``reusable``)."""
        self.field_name, self.rules, self.initial = name, rules, value
        self.query_one(".field-label", Static).update(self._title())
        help_static = self.query_one(".field-help", Static)
        help_text = self._help()
        help_static.update(plain(help_text))
        help_static.display = bool(help_text)
        self.set_value(value)
        self.show_error(None)
        self.show_note(None)

    def set_value(self, value: Any) -> None:
        """Put ``value`` in the input (the fields that are ``reusable``)."""
        raise NotImplementedError

    def value(self) -> Any:
        """The field's value as the engine takes it; ``UnreadableInput`` if it cannot be read."""
        raise NotImplementedError

    @property
    def input(self) -> Widget:
        return self.query_one(".field-input")

    def focus_input(self) -> None:
        self.input.focus()

    @property
    def error(self) -> str:
        """The error shown beside the field ('' when none)."""
        return self._error

    _error = ""

    def show_error(self, message: str | None) -> None:
        if (message or "") == self._error:
            return  # unchanged: no repaint
        self._error = message or ""
        self.set_class(bool(message), "-invalid")
        self.query_one(".field-error", Static).update(plain(f"✗ {message}" if message else ""))

    _note = ""

    @property
    def note(self) -> str:
        """A word about the input that is not an error ('' when none)."""
        return self._note

    def show_note(self, message: str | None) -> None:
        if (message or "") == self._note:
            return
        self._note = message or ""
        self.set_class(bool(message), "-noted")
        self.query_one(".field-note", Static).update(plain(message or ""))

    def on_paste_cleaned(self, event: PasteCleaned) -> None:
        event.stop()
        self.show_note(LEFT_OUT)

    def on_input_changed(self) -> None:
        self._edited()

    def on_text_area_changed(self) -> None:
        self._edited()

    def on_radio_set_changed(self) -> None:
        self._edited()

    def on_selection_list_selected_changed(self) -> None:
        self._edited()

    def on_switch_changed(self) -> None:
        self._edited()

    def on_select_changed(self) -> None:
        self._edited()

    def _edited(self) -> None:
        if self._error:
            self.show_error(None)
