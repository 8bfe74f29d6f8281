"""Following the store: what other processes and people write shows on screen.

A thread waits on the store's change feed (``wait_for_change``: PostgreSQL
wakes it with LISTEN/NOTIFY, SQLite polls ``PRAGMA data_version``, no query
when nothing was written) and, when the change token moved, asks which
sessions changed. The app hands a ``StoreChanged`` to the screen on top; each
screen reloads what it shows if one of its sessions is among them (or, when
the store could not list them all, in any case).

It is a thread of the app's own, not a Textual worker: it lives as long as the
app, and a worker would hold one of the event loop's few executor threads for
that long (and be waited for at exit).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.message import Message

from hitl import HitlError
from hitl.store.base import Changes, CheckpointStore

WAIT_SECONDS = 0.5
"""How long one wait on the store lasts: the thread sees that the app stopped this often."""
RETRY_SECONDS = 0.5
"""How long the thread waits after the store failed (a server restarting) before it asks again."""


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
    Blocking: run it in a thread. A store that fails for a while (a server
    restarting) is asked again until it answers; nothing written meanwhile is
    missed, since changes are asked for since the last token seen."""
    token: int | None = None
    while not stop.is_set():
        try:
            if token is None:
                token = store.change_token()
                continue
            now = store.wait_for_change(token, WAIT_SECONDS)
            if now == token or stop.is_set():
                continue
            changes = store.changes(token)
        except HitlError:
            stop.wait(RETRY_SECONDS)
            continue
        token = changes.token
        post(StoreChanged(changes))
