"""Stored and typed text, shown as text: never read as markup.

Everything a person typed or the store holds goes through :func:`plain` before a
widget shows it, so an answer ``[red]x[/red]`` shows those characters.
"""

from __future__ import annotations

from textual.content import Content


def plain(value: object, style: str = "") -> Content:
    """``value`` as literal content (no markup), optionally styled."""
    content = Content(str(value))
    return content.stylize(style) if style else content
