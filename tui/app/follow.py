"""Following the store: what other processes and people write shows on screen.

A thread worker asks the store for its change token a few times a second
(SQLite: ``PRAGMA data_version``, no query when nothing was written;
PostgreSQL: one small read) and, when it moved, which sessions changed. The app
hands a ``StoreChanged`` to the screen on top; each screen reloads what it
shows if one of its sessions is among them (or, when the store could not list
them all, in any case).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.message import Message

from hitl import HitlError
from hitl.store.base import Changes, CheckpointStore

POLL_SECONDS = 0.3
"""How often the store is asked: what another process writes shows within a second."""


class StoreChanged(Message, bubble=False):
    """Sessions changed in the store since the last one (by anyone, this app too).
    The app hands it to the screen on top; it goes no further."""

    def __init__(self, changes: Changes) -> None:
        super().__init__()
        self.changes = changes

    def touches(self, *sessions: str | None) -> bool:
        """Whether any of ``sessions`` changed or went (always, when the store
        could not tell everything that changed)."""
        if not self.changes.complete:
            return True
        told = {*self.changes.changed, *self.changes.deleted}
        return any(s in told for s in sessions if s is not None)


def follow(
    store: CheckpointStore, post: Callable[[Message], object], stop: threading.Event
) -> None:
    """Post a ``StoreChanged`` for every change of ``store`` until ``stop`` is set.
    Blocking: run it in a thread worker. A store that fails for a while (a
    server restarting) is asked again at the next tick."""
    token: int | None = None
    while not stop.wait(POLL_SECONDS):
        try:
            now = store.change_token()
            if token is None:
                token = now
                continue
            if now == token:
                continue
            changes = store.changes(token)
        except HitlError:
            continue
        token = changes.token
        post(StoreChanged(changes))
