"""AnswerForm: a form built from an event's fields.

For a question (an ``InputRequiredEvent``) the form holds its answer fields,
each shown by its rules' kind; for any other event (edited from the history)
its fields, by annotation. The form never decides what is valid: the screen
runs the engine's own check (``question.answered(values)``) and hands any
``pydantic.ValidationError`` to :meth:`AnswerForm.show_errors`, which puts each
message beside its field.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, Literal

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from hitl import Event, InputRequiredEvent, Rules
from tui.app.text import plain
from tui.app.typed_ahead import ready_for_keys
from tui.app.widgets.answer_field import AnswerField, FieldDone, UnreadableInput
from tui.app.widgets.fields import field_class
from tui.app.widgets.text_fields import JsonField
from tui.sessions.answering import refusal


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _rules_by_annotation(annotation: Any, value: Any) -> Rules | None:
    """Rules for a plain event field, from its type (None: edit it as JSON)."""
    ann = _strip_optional(annotation)
    if typing.get_origin(ann) is Literal:
        return Rules(kind="choice", choices=typing.get_args(ann))
    if ann is bool:
        return Rules(kind="yes_no")
    if ann is int:
        return Rules(kind="integer")
    if ann is float:
        return Rules(kind="number")
    if ann is dt.date:
        return Rules(kind="date")
    if ann is str:
        long = isinstance(value, str) and ("\n" in value or len(value) > 60)
        return Rules(kind="long_text" if long else "text")
    return None


def event_fields(event: Event) -> list[tuple[str, Rules | None]]:
    """The fields a form shows for ``event``, with their rules (None: JSON)."""
    if isinstance(event, InputRequiredEvent):
        return list(type(event).answer_rules.items())
    fields: list[tuple[str, Rules | None]] = [
        (name, _rules_by_annotation(info.annotation, getattr(event, name, None)))
        for name, info in type(event).model_fields.items()
    ]
    for name, value in (event.model_extra or {}).items():
        kind = "long_text" if isinstance(value, str) and "\n" in value else "text"
        fields.append((name, Rules(kind=kind) if isinstance(value, str) else None))
    return fields


def _class_for(rules: Rules | None) -> type[AnswerField]:
    return JsonField if rules is None else field_class(rules)


class AnswerForm(Vertical):
    """The fields of ``event``, prefilled with its values (or ``values`` given).

    ``values()`` reads them back; ``show_errors`` puts a ValidationError's messages
    beside their fields; ``submit()`` posts :class:`AnswerForm.Submitted`. Enter in a
    field moves to the next and submits on the last, in every kind of field; the
    screen binds ctrl+s to ``submit()`` as well, from anywhere, under its own name
    ("Continue", "Branch"), so the form binds none.

    Keys typed after an Enter in a field wait until the form or its screen is
    ready for them (:mod:`tui.app.typed_ahead`): the next field focused, the
    answer refused, or the next question shown.
    """

    HOLDS_KEYS_AFTER_ENTER = True

    class Submitted(Message):
        """The person is done with the form; ``values`` are what it holds."""

        def __init__(self, form: AnswerForm, values: dict[str, Any]) -> None:
            super().__init__()
            self.form = form
            self.values = values

        @property
        def control(self) -> AnswerForm:
            return self.form

    def __init__(
        self,
        event: Event,
        *,
        values: dict[str, Any] | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.add_class("answer-form")
        self.event = event
        self._fields = event_fields(event)
        self._prefill = dict(values or {})

    def compose(self) -> ComposeResult:
        for name, rules in self._fields:
            yield _class_for(rules)(name, rules, self._value(name))
        yield Static("", classes="form-error")

    def _value(self, name: str) -> Any:
        if name in self._prefill:
            return self._prefill[name]
        if name in type(self.event).model_fields:
            return getattr(self.event, name, None)
        return (self.event.model_extra or {}).get(name)

    def load(self, event: Event, *, values: dict[str, Any] | None = None) -> bool:
        """Show ``event`` in the fields already mounted, if they fit its fields.

        Returns False (and changes nothing) when they do not: mount a new form.
        Reusing the widgets makes the next question appear without a remount.
        """
        specs = event_fields(event)
        fields = self.fields
        if len(specs) != len(fields):
            return False
        for field, (_name, rules) in zip(fields, specs, strict=True):
            if type(field) is not _class_for(rules) or not field.fits(rules):
                return False
        self.event = event
        self._fields = specs
        self._prefill = dict(values or {})
        for field, (name, rules) in zip(fields, specs, strict=True):
            field.reset(name, rules, self._value(name))
        self.clear_errors()
        return True

    @staticmethod
    def shape(event: Event) -> tuple[str, ...]:
        """What the form of ``event`` is made of: forms of one shape can
        :meth:`load` each other's events (most of the time; see ``fits``)."""
        return tuple(_class_for(rules).__name__ for _name, rules in event_fields(event))

    # -- reading ----------------------------------------------------------------

    @property
    def fields(self) -> list[AnswerField]:
        return list(self.query(AnswerField))

    def field(self, name: str) -> AnswerField:
        for field in self.fields:
            if field.field_name == name:
                return field
        raise KeyError(f"no field {name!r} in this form")

    def values(self) -> dict[str, Any]:
        """Every field's value, as the engine takes them.

        Raises ``pydantic.ValidationError`` naming each field whose text cannot be
        read as its kind (a malformed date, number or JSON).
        """
        values: dict[str, Any] = {}
        errors: list[InitErrorDetails] = []
        for field in self.fields:
            try:
                values[field.field_name] = field.value()
            except UnreadableInput as exc:
                errors.append(InitErrorDetails(
                    type=PydanticCustomError("unreadable", str(exc)),
                    loc=(field.field_name,),
                    input=None,
                ))
        if errors:
            raise ValidationError.from_exception_data(type(self.event).__name__, errors)
        return values

    # -- errors -----------------------------------------------------------------

    def show_errors(self, error: ValidationError) -> list[str]:
        """Put each of ``error``'s messages beside its field; the fields named.

        Messages for no field of this form go on the form's own error line.
        The first field named gets the focus.
        """
        self.clear_errors()
        by_field: dict[str, str] = {}
        general: list[str] = []
        names = {field.field_name: field for field in self.fields}
        for item in error.errors():
            loc = item.get("loc") or ()
            name = str(loc[0]) if loc else ""
            message = self._message(item)
            if name in names:
                by_field.setdefault(name, message)
            else:
                general.append(f"{name}: {message}" if name else message)
        for name, message in by_field.items():
            names[name].show_error(message)
        form_error = self.query_one(".form-error", Static)
        form_error.update(plain("\n".join(general)))
        self.set_class(bool(general), "-invalid")
        if by_field:
            names[next(iter(by_field))].focus_input()
        ready_for_keys(self)  # what was typed ahead goes to the field that stays
        return list(by_field)

    @staticmethod
    def _message(item: Any) -> str:
        return refusal(item)  # the words the plain mode says too

    def clear_errors(self) -> None:
        for field in self.fields:
            field.show_error(None)
        if self.has_class("-invalid"):
            self.query_one(".form-error", Static).update("")
            self.remove_class("-invalid")

    @property
    def errors(self) -> dict[str, str]:
        """The messages shown now, by field."""
        return {f.field_name: f.error for f in self.fields if f.error}

    # -- focus and submit -------------------------------------------------------

    def focus_first(self) -> None:
        fields = self.fields
        if fields:
            fields[0].focus_input()

    def submit(self) -> None:
        """Post :class:`Submitted` with the values, or show why they cannot be read."""
        try:
            values = self.values()
        except ValidationError as exc:
            self.show_errors(exc)
            return
        self.post_message(self.Submitted(self, values))

    def on_descendant_focus(self) -> None:
        """A field (or a drop-down's list) took the focus: keys typed ahead go to it."""
        ready_for_keys(self)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a one-line field: the next field, or submit on the last."""
        event.stop()
        self._done_with(event.input)

    def on_field_done(self, event: FieldDone) -> None:
        """Enter in a long text, a choice or a yes/no: the same."""
        event.stop()
        self._done_with(event.widget)

    def _done_with(self, widget: Widget) -> None:
        fields = self.fields
        for i, field in enumerate(fields):
            if field in widget.ancestors_with_self:
                if i + 1 < len(fields):
                    fields[i + 1].focus_input()
                    ready_for_keys(self)
                else:
                    self.submit()
                return
