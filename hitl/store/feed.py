"""Waiting for the change feed by polling: what ``wait_for_change`` does on a
store that cannot be woken (SQLite, whose other writers are other processes;
PostgreSQL when LISTEN cannot be had)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

POLL_SECONDS = 0.2
"""How often a polling wait asks the store: a change shows well within a second."""


def poll_for_change(
    read: Callable[[], int],
    token: int,
    timeout: float,
    *,
    closed: threading.Event,
    every: float = POLL_SECONDS,
) -> int:
    """``read()`` (the store's change token) every ``every`` seconds until it
    differs from ``token``, ``timeout`` has passed or ``closed`` is set; the
    last token read (``token`` once closed)."""
    deadline = time.monotonic() + max(timeout, 0.0)
    while not closed.is_set():
        now = read()
        left = deadline - time.monotonic()
        if now != token or left <= 0:
            return now
        closed.wait(min(every, left))
    return token
