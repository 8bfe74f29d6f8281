"""Stored and typed text, shown as text: never read as markup.

Everything a person typed or the store holds goes through :func:`plain` before a
widget shows it, so an answer ``[red]x[/red]`` shows those characters, and a
bidirectional override (U+202E) shows as ``\\u202e`` instead of reversing the line.
"""

from __future__ import annotations

from textual.content import Content

from tui.sessions.text import visible


def plain(value: object, style: str = "") -> Content:
    """``value`` as literal content (no markup), optionally styled."""
    content = Content(visible(str(value)))
    return content.stylize(style) if style else content
