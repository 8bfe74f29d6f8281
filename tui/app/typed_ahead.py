"""Keys typed ahead of the screen go to the field they were typed for.

Textual hands each key, as the app reads it, to the widget focused at that
moment, and the widget handles it later, from a queue of its own. So keys read
together with an Enter that moves on ("Ship v2", Enter, "Two devs", Enter: typed
fast, sent by tmux in one write, or batched by a browser's connection) were all
handed to the first field before it handled its Enter, and the first answer was
stored as "Ship v2Two devs". A terminal's line discipline gives each line to the
next read; so does this.

When an Enter goes to a field of a form (a widget with ``HOLDS_KEYS_AFTER_ENTER``
among its ancestors), or a key the screen submits with (its ``SUBMIT_KEYS``), the
keys and pastes read after it are held, in order, until the form or its screen is
ready for them (:func:`ready_for_keys`): the next field focused, the next question
on screen, the answer refused (the field stays), or another screen come up. They are
then handled as if just read, by whatever has the focus. Should nothing say so, they
go on after ``HOLD_AT_MOST`` seconds: late, never lost.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.timer import Timer
from textual.widget import Widget

HOLD_AT_MOST = 1.0
"""Seconds keys are held at most, should no form or screen say it is ready."""


class HoldsTypedAhead(App[None]):
    """An app that holds the keys read after a form's Enter until the form is ready."""

    _held: list[events.Event] | None = None
    _hold_timer: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            await super().on_event(event)
            return
        if self._held is not None:
            self._held.append(event)
            return
        moves_on = (
            isinstance(event, events.Key)
            and (event.key == "enter" or event.key in getattr(self.screen, "SUBMIT_KEYS", ()))
            and _in_form(self.focused)
        )
        await super().on_event(event)
        if moves_on:
            self._held = []
            self._hold_timer = self.set_timer(HOLD_AT_MOST, self.release_keys)

    @property
    def keys_held(self) -> int:
        """How many keys and pastes are held now."""
        return len(self._held or ())

    def release_keys(self) -> None:
        """The keys held go on once what is queued now is done (a focus moving)."""
        if self._held is not None:
            self.call_later(self._let_go, self._held)

    async def _let_go(self, held: list[events.Event]) -> None:
        if self._held is not held:  # let go already, or held anew since
            return
        self._held = None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        for i, event in enumerate(held):
            if self._held is not None:  # an Enter among them: the rest wait again
                self._held.extend(held[i:])
                return
            await self.on_event(event)


def _in_form(widget: DOMNode | None) -> bool:
    node = widget
    while node is not None:
        if getattr(node, "HOLDS_KEYS_AFTER_ENTER", False):
            return True
        node = node.parent
    return False


def ready_for_keys(widget: Widget) -> None:
    """Say that ``widget``'s form or screen is ready for the keys typed ahead."""
    app = widget.app
    if isinstance(app, HoldsTypedAhead):
        app.release_keys()
