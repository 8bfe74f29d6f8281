"""Which widget answers a field: the factory over the field classes (the base class
lives in answer_field.py, the kinds in choice_fields.py and text_fields.py).

The choice widgets (radio buttons, a select, a selection list, a switch) are
imported when a question first needs one: a questionnaire of text answers, as
gather is, shows its first question without them."""

from __future__ import annotations

from hitl import Rules
from tui.app.widgets.answer_field import AnswerField
from tui.app.widgets.text_fields import DateField, ListField, LongTextField, NumberField, TextField


def field_class(rules: Rules) -> type[AnswerField]:
    """The widget class for an answer field, by its kind."""
    kind = rules.kind
    if kind == "long_text":
        return LongTextField
    if kind == "choice" and rules.choices:
        from tui.app.widgets.choice_fields import ChoiceField

        return ChoiceField
    if kind == "multi_choice" and rules.choices:
        from tui.app.widgets.choice_fields import MultiChoiceField

        return MultiChoiceField
    if kind in ("integer", "number"):
        return NumberField
    if kind == "yes_no":
        from tui.app.widgets.choice_fields import YesNoField

        return YesNoField
    if kind == "date":
        return DateField
    if kind == "list" or kind == "multi_choice":
        return ListField
    return TextField
