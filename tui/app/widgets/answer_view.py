"""An answered question as the review and history screens show it: each answer
field's value as a person reads it ("yes", a list as bullets, "(no answer)"),
under its label when the question has several. Rich ``Text``: never markup.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text

from hitl import InputRequiredEvent
from tui.app.widgets.answer_field import field_title


def value_text(value: Any) -> Text:
    """An answer's value as a person reads it (never markup)."""
    if value is None or value == "" or value == [] or (isinstance(value, str)
                                                        and not value.strip()):
        return Text("(no answer)", style="dim italic")
    if isinstance(value, bool):
        return Text("yes" if value else "no")
    if isinstance(value, (list, tuple, set, frozenset)):
        return Text("\n".join(f"• {item}" for item in value))
    if isinstance(value, dt.date):
        return Text(value.isoformat())
    return Text(str(value))


def answer_text(event: InputRequiredEvent) -> Text:
    """The answer fields of ``event``: the value alone for one field, else label: value."""
    rules = type(event).answer_rules
    if len(rules) == 1:
        name = next(iter(rules))
        return value_text(getattr(event, name))
    text = Text()
    for i, (name, rule) in enumerate(rules.items()):
        if i:
            text.append("\n")
        text.append(f"{field_title(name, rule)}: ", style="bold")
        text.append_text(value_text(getattr(event, name)))
    return text
