"""Text for any face: stored values on one line, times as a person reads them, JSON.

Headless (no textual): the CLI prints these, the app wraps them in
``tui.app.text.plain`` so that stored text is never read as markup.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

# What a terminal would obey rather than show: C0 and C1 controls other than tab
# and newline (refused at input, but a store can be edited behind our back), and
# Unicode's bidirectional controls (the embeddings, overrides and isolates
# U+202A-U+202E and U+2066-U+2069, and the marks U+061C, U+200E, U+200F) that make
# text display in an order other than stored.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _escaped(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"


def visible(text: str) -> str:
    """``text`` with what a terminal would obey written as ``\\u202e`` escapes."""
    return _HIDDEN.sub(_escaped, text)


def one_line(value: object, width: int | None = None) -> str:
    """``value`` on one line (whitespace collapsed, controls escaped), cut to ``width``
    with an ellipsis."""
    text = " ".join(visible(str(value)).split())
    if width is not None and len(text) > width:
        return text[: max(width - 1, 0)] + "…"
    return text


def when(value: datetime) -> str:
    """A time in the reader's time zone, to the second."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def dumps(data: Any, indent: int | None = 2) -> str:
    """JSON as the faces print it: indented, unicode kept (but for what a terminal would
    obey, written as JSON escapes: the same data), times as text."""
    return visible(json.dumps(data, indent=indent, ensure_ascii=False, default=str))


def ago(then: datetime, now: datetime) -> str:
    """When ``then`` was, as a person reads a list: "just now", "5 min ago", "3 h ago",
    "yesterday", "4 days ago", else the date."""
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = (now.date() - then.date()).days
    if days <= 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return then.strftime("%Y-%m-%d")
