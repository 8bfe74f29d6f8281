"""The app served to a browser (``hitl serve``): where it differs from a terminal."""

from __future__ import annotations

from textual import events
from textual.app import App


def start_with_the_keys(app: App[object]) -> None:
    """Served, the app has the keys from the start, as in a terminal.

    Textual's web driver starts an app without them, until its page says it has
    them; hitl's page gives them at load (``tui/serve/static/hitl.js``) and at
    times says so before the driver's "without" is read, which then wins: the
    footer stays as first drawn and the header dim until a key is pressed. Posted
    after the driver's, so read after it; the page's blur and focus count from
    then on. Call it when the app mounts."""
    if app.is_web:
        app.call_later(app.post_message, events.AppFocus())
