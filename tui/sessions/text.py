"""Text for any face: stored values on one line, times as a person reads them, JSON.

Headless (no textual): the CLI prints these, the app wraps them in
``tui.app.text.plain`` so that stored text is never read as markup.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any


def one_line(value: object, width: int | None = None) -> str:
    """``value`` on one line (whitespace collapsed), cut to ``width`` with an ellipsis."""
    text = " ".join(str(value).split())
    if width is not None and len(text) > width:
        return text[: max(width - 1, 0)] + "…"
    return text


def when(value: datetime) -> str:
    """A time in the reader's time zone, to the second."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def dumps(data: Any) -> str:
    """JSON as the faces print it: indented, unicode kept, times as text."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


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
