"""Answer fields picked rather than typed.

ChoiceField (one of a few: radio buttons; one of many: a drop-down),
MultiChoiceField (any of several: a selection list) and YesNoField (a switch).
Choices are shown as text and read back as the flow's own values.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import RadioButton, RadioSet, Select, SelectionList, Static, Switch

from hitl import Rules
from tui.app.text import plain
from tui.app.typed_ahead import ready_for_keys
from tui.app.widgets.answer_field import AnswerField, FieldDone


class ChoiceRadios(RadioSet):
    """Radio buttons where Enter picks the highlighted choice and moves on (space
    only picks it), as Enter does in a one-line text field.

    Nothing is highlighted until the person moves (↑↓) or a choice is made, so
    Enter on a question nobody answered picks nothing: it moves on, and the
    field asks to choose if a choice is required.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Choose", show=False),
    ]

    def on_mount(self) -> None:
        # Later than RadioSet's own handler, which highlights the first choice.
        self.call_later(self.unhighlight)

    def unhighlight(self) -> None:
        """Highlight the choice made, or none."""
        index = self.pressed_index
        self._selected = index if index >= 0 else None

    def action_choose(self) -> None:
        if self._selected is not None:
            self.action_toggle_button()
        self.post_message(FieldDone(self))


class ChoiceSelect(Select[int]):
    """A drop-down where Enter opens the list while nothing is picked, and moves
    on once something is (the other keys still open it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "enter", "Choose", show=False),
    ]

    def action_enter(self) -> None:
        if self.value is Select.NULL:
            self.action_show_overlay()
        else:
            self.post_message(FieldDone(self))


class ChoiceList(SelectionList[int]):
    """A selection list where Space ticks and Enter moves on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "done", "Done", show=False),
    ]

    def action_done(self) -> None:
        self.post_message(FieldDone(self))


class YesNoSwitch(Switch):
    """A switch where Space switches and Enter moves on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_switch", "Switch", show=False),
        Binding("enter", "done", "Done", show=False),
    ]

    def action_done(self) -> None:
        self.post_message(FieldDone(self))


RADIO_LIMIT = 7
"""Up to this many choices show as radio buttons; more as a drop-down."""


def _choices(field: AnswerField) -> tuple[Any, ...]:
    return tuple(field.rules.choices or ()) if field.rules is not None else ()


def _radio(choices: tuple[Any, ...]) -> bool:
    return len(choices) <= RADIO_LIMIT


def _required(field: AnswerField) -> bool:
    return field.rules is not None and field.rules.required


class ChoiceField(AnswerField):
    """Exactly one of the question's choices."""

    reusable = True

    def fits(self, rules: Rules | None) -> bool:
        """Another question's choices fit: a drop-down takes any; radio buttons
        take as many choices as there are buttons."""
        new = tuple(rules.choices or ()) if rules is not None else ()
        old = _choices(self)
        if _radio(new) != _radio(old):
            return False
        return not _radio(new) or len(new) == len(old)

    def set_value(self, value: Any) -> None:
        choices = _choices(self)
        widget = self.input
        if isinstance(widget, RadioSet):
            for button, choice in zip(widget.query(RadioButton), choices, strict=True):
                button.label = plain(choice)
                button.value = choice == value
            assert isinstance(widget, ChoiceRadios)
            widget.unhighlight()
        else:
            assert isinstance(widget, Select)
            widget.set_options([(plain(choice), i) for i, choice in enumerate(choices)])
            widget.value = choices.index(value) if value in choices else Select.NULL

    def input_hint(self) -> str:
        if _radio(_choices(self)):
            return "↑↓ move · Enter picks and goes on · Space picks"
        return "Enter opens the list · ↑↓ move · Enter picks · Enter again goes on"

    def on_field_done(self, event: FieldDone) -> None:
        """Enter with nothing chosen: a required choice asks for one, here."""
        if _required(self) and self.value() not in _choices(self):
            event.stop()
            if _radio(_choices(self)):
                self.show_error("choose one first: ↑↓ to move, then Enter")
            else:
                self.show_error("choose one first: Enter opens the list")
            ready_for_keys(self)

    def compose_input(self) -> ComposeResult:
        choices = _choices(self)
        if _radio(choices):
            with ChoiceRadios(classes="field-input"):
                for choice in choices:
                    yield RadioButton(plain(choice), value=choice == self.initial)
        else:
            index = choices.index(self.initial) if self.initial in choices else None
            yield ChoiceSelect(
                [(plain(choice), i) for i, choice in enumerate(choices)],
                value=Select.NULL if index is None else index,
                prompt="Pick one",
                classes="field-input",
            )

    def value(self) -> Any:
        """The choice picked; with none picked, the empty slot the step left (so the
        engine's rules, not a type error, say an answer is required)."""
        choices = _choices(self)
        widget = self.input
        if isinstance(widget, RadioSet):
            index = widget.pressed_index
            return choices[index] if index >= 0 else self.initial
        assert isinstance(widget, Select)
        selected = widget.value
        return self.initial if selected is Select.NULL else choices[selected]  # type: ignore[index]


class MultiChoiceField(AnswerField):
    """Any number of the question's choices (space toggles one)."""

    hint = "↑↓ move · Space ticks or unticks · Enter when done"

    reusable = True

    def set_value(self, value: Any) -> None:
        chosen = value if isinstance(value, (list, tuple, set)) else ()
        widget = self.query_one(SelectionList)
        widget.clear_options()
        widget.add_options(
            [(plain(choice), i, choice in chosen) for i, choice in enumerate(_choices(self))]
        )

    def compose_input(self) -> ComposeResult:
        chosen = self.initial if isinstance(self.initial, (list, tuple, set)) else ()
        yield ChoiceList(
            *[(plain(choice), i, choice in chosen) for i, choice in enumerate(_choices(self))],
            classes="field-input",
        )

    def value(self) -> list[Any]:
        selected = set(self.query_one(SelectionList).selected)
        return [choice for i, choice in enumerate(_choices(self)) if i in selected]

    def on_field_done(self, event: FieldDone) -> None:
        """Enter with nothing ticked: a required choice asks for one, here."""
        if _required(self) and not self.value():
            event.stop()
            self.show_error("tick at least one first: ↑↓ to move, Space ticks")
            ready_for_keys(self)


class YesNoField(AnswerField):
    """Yes or no: a switch, with its state spelled out beside it."""

    hint = "Space switches · Enter goes on"

    reusable = True

    def compose_input(self) -> ComposeResult:
        with Horizontal(classes="yes-no"):
            yield YesNoSwitch(bool(self.initial), classes="field-input")
            yield Static(self._word(bool(self.initial)), classes="yes-no-word")

    @staticmethod
    def _word(on: bool) -> str:
        return "Yes" if on else "No"

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self.query_one(".yes-no-word", Static).update(self._word(event.value))
        self._edited()

    def set_value(self, value: Any) -> None:
        self.query_one(Switch).value = bool(value)
        self.query_one(".yes-no-word", Static).update(self._word(bool(value)))

    def value(self) -> bool:
        return self.query_one(Switch).value
