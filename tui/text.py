"""Stored and typed text, shown as text: never read as markup.

Everything a person typed or the store holds goes through :func:`plain` before a
widget shows it, so an answer ``[red]x[/red]`` shows those characters.
"""

from __future__ import annotations

from datetime import datetime

from textual.content import Content


def plain(value: object, style: str = "") -> Content:
    """``value`` as literal content (no markup), optionally styled."""
    content = Content(str(value))
    return content.stylize(style) if style else content


def one_line(value: object, width: int | None = None) -> str:
    """``value`` on one line (whitespace collapsed), cut to ``width`` with an ellipsis."""
    text = " ".join(str(value).split())
    if width is not None and len(text) > width:
        return text[: max(width - 1, 0)] + "…"
    return text


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
