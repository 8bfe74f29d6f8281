"""PostgresStore's change feed: LISTEN on a connection of its own.

Each write of the store sends ``NOTIFY hitl, '<change number>'`` as it commits
(pg_schema.py). ``Listener.wait`` blocks on a direct connection (never one of
the pool: a pooled connection, or one through PgBouncer in transaction mode,
does not stay in one server session, and notifications go to the session that
listens) until a notification with a change number past the caller's token
comes in.

The connection is made on first use and proved: it listens on a channel of its
own too, a NOTIFY is sent on that channel through the pool, and only if it
comes back is the connection trusted. Through a pooler in transaction mode it
never does, so the store polls ``change_token`` instead (and tries again a few
minutes later). A connection that dies (the server restarted) is dropped; the
wait goes on by polling, and the next wait connects again. Nothing is missed
meanwhile: once listening, the listener reads the store's change number
before it waits. A quiet connection reads it again every ``CHECK_SECONDS``, so
a connection that died without a word is found, and a notification lost on
the way costs a delay, never a change.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg

from hitl.store.feed import poll_for_change

log = logging.getLogger("hitl.store")

CHANNEL = "hitl"
SLICE_SECONDS = 0.5  # a waiter looks at ``closed`` this often (no round trip)
CHECK_SECONDS = 10.0  # a quiet connection reads the change number this often
PROBE_SECONDS = 2.0  # how long the proving notification may take
RETRY_SECONDS = 2.0  # after a connection could not be made
UNPROVEN_RETRY_SECONDS = 300.0  # after a connection that was made but never heard
_TOKEN = "SELECT change FROM hitl_store"


class Listener:
    """LISTEN on channel ``hitl`` for a PostgresStore.

    ``connect()``: a new direct connection in autocommit mode; ``notify(channel)``:
    send a notification on ``channel`` through the store's pool; ``poll()``: the
    store's change token, read through the pool (errors as hitl errors).
    """

    def __init__(
        self,
        connect: Callable[[], psycopg.Connection],
        notify: Callable[[str], None],
        poll: Callable[[], int],
    ) -> None:
        self._connect = connect
        self._notify = notify
        self._poll = poll
        self._conn: psycopg.Connection | None = None
        self._lock = threading.Lock()  # one waiter listens; any other polls
        self._closed = threading.Event()
        self._retry_at = 0.0
        self._checked_at = 0.0
        self._fresh = False  # connected since the last wait: read the token first

    @property
    def listening(self) -> bool:
        """Whether a proven connection listens now (else waits poll)."""
        conn = self._conn
        return conn is not None and not conn.closed

    def wait(self, token: int, timeout: float) -> int:
        deadline = time.monotonic() + max(timeout, 0.0)
        if not self._lock.acquire(blocking=False):
            return poll_for_change(self._poll, token, timeout, closed=self._closed)
        try:
            while True:
                conn = self._connection()
                if conn is not None:
                    try:
                        return self._listen(conn, token, deadline)
                    except psycopg.Error:  # lost (a restart): connect again, at once
                        self._drop()  # unless it was lost as soon as it was made
                        self._retry_at = self._checked_at + RETRY_SECONDS
                        continue
                # not listening: poll until it is time to try again
                left = deadline - time.monotonic()
                until = min(left, max(self._retry_at - time.monotonic(), SLICE_SECONDS))
                found = poll_for_change(self._poll, token, until, closed=self._closed)
                if found != token or until >= left or self._closed.is_set():
                    return found
        finally:
            if self._closed.is_set():
                self._drop()
            self._lock.release()

    def close(self) -> None:
        """Stop: a waiter returns within ``SLICE_SECONDS`` and closes the connection
        itself (closing is never held up by it)."""
        self._closed.set()
        if self._lock.acquire(blocking=False):
            try:
                self._drop()
            finally:
                self._lock.release()

    # -- the connection ----------------------------------------------------------------

    def _connection(self) -> psycopg.Connection | None:
        if self.listening:
            return self._conn
        if self._closed.is_set() or time.monotonic() < self._retry_at:
            return None
        probe = f"hitl_probe_{uuid.uuid4().hex}"
        conn: psycopg.Connection | None = None
        try:
            conn = self._connect()
            conn.execute(f"LISTEN {CHANNEL}")
            conn.execute(f"LISTEN {probe}")
            self._notify(probe)
            heard = any(n.channel == probe for n in _until(conn, probe, PROBE_SECONDS))
            conn.execute(f"UNLISTEN {probe}")
        except Exception as exc:  # the server down, or LISTEN refused: poll for now
            log.debug("hitl: no LISTEN connection (%s)", type(exc).__name__)
            _close(conn)
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return None
        if not heard:  # a pooler between us and the server: notifications never come
            _close(conn)
            self._retry_at = time.monotonic() + UNPROVEN_RETRY_SECONDS
            return None
        self._conn, self._fresh = conn, True
        self._checked_at = time.monotonic()
        return conn

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        _close(conn)

    def _listen(self, conn: psycopg.Connection, token: int, deadline: float) -> int | None:
        """The change number that moved past ``token``, or None at the deadline
        (``token`` when closed meanwhile)."""
        if self._fresh:  # what was written before the LISTEN took hold
            self._fresh = False
            now = _read_token(conn)
            if now != token:
                return now
        while not self._closed.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return token
            for n in conn.notifies(timeout=min(left, SLICE_SECONDS)):
                if n.channel == CHANNEL and _number(n.payload) > token:
                    self._checked_at = time.monotonic()
                    return _number(n.payload)
            if time.monotonic() - self._checked_at > CHECK_SECONDS:
                self._checked_at = time.monotonic()
                now = _read_token(conn)  # the connection is alive, nothing was lost
                if now != token:
                    return now
        return token


def _until(conn: psycopg.Connection, channel: str, timeout: float) -> Any:
    """The notifications that come within ``timeout``, up to one on ``channel``."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        for n in conn.notifies(timeout=left):
            yield n
            if n.channel == channel:
                return


def _read_token(conn: psycopg.Connection) -> int:
    row = conn.execute(_TOKEN).fetchone()
    return int(row[0]) if row else 0


def _number(payload: str) -> int:
    try:
        return int(payload)
    except ValueError:
        return -1


def _close(conn: psycopg.Connection | None) -> None:
    if conn is not None:
        try:
            conn.close()
        except Exception:  # closing a dead connection: nothing to do
            pass
