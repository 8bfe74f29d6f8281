"""PgClient: how PostgresStore talks to its server, apart from what it asks.

Connections come from a psycopg_pool pool, in autocommit mode, with no
server-side prepared statements (so PgBouncer in transaction mode is fine).
Errors of the driver reach callers as hitl errors naming the store without
its password: ``StoreUnavailable`` when the server cannot be reached,
``StoreError`` for anything else it refused. A connection found dead (the
server restarted, or something closed idle connections) is dropped with every
other dead one, and the call is made again on a new connection: reads and
writes that are safe to repeat at once; an append or a new run after the
store has settled, by reading the tip, whether the first try went in (a
COMMIT whose outcome was lost); a delete, whose outcome cannot be read back,
is sent only on a connection checked just before, and is otherwise told as
``StoreUnavailable``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from hitl.errors import StoreError, StoreUnavailable
from hitl.store.dsn import redact

# The pool says why it could not connect on its logger; callers get a hitl error
# instead, so nothing is printed unless the application configures logging.
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())

T = TypeVar("T")
AGAIN = object()  # what a settle function returns when the write did not go in

# libpq settings a DSN may give; these apply where it does not. Keepalives let
# the kernel find a connection that a firewall dropped without a word.
_DEFAULTS = {
    "connect_timeout": "10",
    "keepalives": "1",
    "keepalives_idle": "60",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "application_name": "hitl",
}
_LOST_TRIES = 3  # a call is tried this often on fresh connections
_RACE_TRIES = 5  # and this often after a deadlock or serialization failure


class PgClient:
    """A pool of connections to the database ``dsn`` names, and calls on them
    (``_run``, ``_one``, ``_rows``) whose errors are hitl errors. ``first(conn)``
    runs on a first connection made at once, so a server that is down is told
    here (``StoreUnavailable``)."""

    def __init__(
        self,
        dsn: str,
        *,
        max_connections: int,
        timeout: float,
        first: Callable[[psycopg.Connection], None],
    ) -> None:
        self.name = redact(dsn)
        """The store as it may be shown: its DSN without the password."""
        try:
            given = conninfo_to_dict(dsn)
        except psycopg.Error:
            raise StoreError(f"{self.name}: not a PostgreSQL connection string") from None
        self._dsn = dsn
        self._secret = str(given.get("password") or "")
        self._kwargs: dict[str, Any] = {k: v for k, v in _DEFAULTS.items() if k not in given}
        self._kwargs |= {"autocommit": True, "prepare_threshold": None}
        self.timeout = timeout
        try:  # the first connection is made here, so a server that is down is told at once
            with psycopg.connect(dsn, **self._kwargs) as conn:
                first(conn)
        except psycopg.OperationalError as exc:
            raise self._unavailable(self._say(exc)) from None
        except psycopg.Error as exc:
            raise self._refused(exc) from None
        self._pool = ConnectionPool(
            dsn,
            kwargs=self._kwargs,
            min_size=1,
            max_size=max(1, max_connections),
            timeout=timeout,
            reconnect_timeout=timeout,  # then the next call starts a fresh attempt
            open=False,
            name="hitl",
        )
        self._pool.open(wait=False)

    def _run(
        self,
        work: Callable[..., T],
        *,
        settle: Callable[[psycopg.Connection], Any] | None = None,
        checked: bool = False,
        **kw: Any,
    ) -> T:
        """``work(conn, **kw)`` on a pooled connection, its errors made hitl errors.

        Lost connections are dropped and the call made again. ``settle``: the
        call is a write; after a loss, ``settle(conn)`` reads what the write did
        (``AGAIN``: it did not go in, send it again). ``checked``: a write whose
        outcome cannot be read back, sent on a connection checked first and never
        sent twice.
        """
        lost = races = 0
        while True:
            conn: psycopg.Connection | None = None
            pooled = sent = False
            try:
                conn, pooled = self._take()
                if checked:
                    ConnectionPool.check_connection(conn)
                sent = True
                return work(conn, **kw)
            except PoolClosed:
                raise StoreError(f"{self.name}: the store was closed") from None
            except (pg_errors.SerializationFailure, pg_errors.DeadlockDetected) as exc:
                races += 1
                if races >= _RACE_TRIES:
                    raise self._refused(exc) from None
                continue
            except psycopg.Error as exc:
                # A lost socket shows as broken before (or without) closed, or only as
                # an error of the client's own, with no SQLSTATE ("connection socket
                # closed"): the server never answered, so it refused nothing.
                gone = isinstance(exc, psycopg.OperationalError) and exc.sqlstate is None
                dead = conn is None or conn.closed or conn.broken or gone
                if gone and conn is not None and not conn.closed:
                    conn.close()  # the pool drops it, as it drops a broken one
                self._give(conn, pooled)
                conn = None  # given back before anything else is asked
                if not dead:
                    raise self._refused(exc) from None
                self._pool.check()  # every other idle connection died with it, likely
                lost += 1
                if lost >= _LOST_TRIES:
                    raise self._unavailable(self._say(exc)) from None
                if sent and checked:
                    raise self._unavailable(
                        f"the connection was lost while it ran; it may or may not have been "
                        f"done ({self._say(exc)})"
                    ) from None
                if sent and settle is not None:
                    outcome = self._run(settle)
                    if outcome is not AGAIN:
                        return outcome
            finally:
                self._give(conn, pooled)

    def _take(self) -> tuple[psycopg.Connection, bool]:
        """A pooled connection (True), or when none came in time one made now
        (False): the pool waits longer and longer between its tries to reconnect,
        and the server may be back already."""
        try:
            return self._pool.getconn(), True
        except PoolTimeout:
            try:
                conn = psycopg.connect(self._dsn, **{**self._kwargs, "connect_timeout": 5})
            except psycopg.Error as exc:
                raise self._unavailable(self._say(exc)) from None
            return conn, False

    def _give(self, conn: psycopg.Connection | None, pooled: bool) -> None:
        """Back to the pool (which drops it if broken), or closed; None to go on with."""
        if conn is not None:
            if pooled:
                self._pool.putconn(conn)
            else:
                conn.close()

    def _say(self, exc: BaseException) -> str:
        """The driver's message on one line, never the password."""
        text = " ".join(str(exc).split()) or type(exc).__name__
        if self._secret:
            text = text.replace(self._secret, "***")
        return text[:300]

    def _unavailable(self, reason: str) -> StoreUnavailable:
        return StoreUnavailable(f"{self.name}: cannot connect to the server ({reason})")

    def _refused(self, exc: psycopg.Error) -> StoreError:
        if isinstance(exc, pg_errors.UndefinedTable | pg_errors.UndefinedFunction):
            return StoreError(f"{self.name}: the hitl tables are gone ({self._say(exc)})")
        return StoreError(f"{self.name}: the server refused it ({self._say(exc)})")

    def _one(self, sql: str, params: Any = ()) -> Any:
        """The first column of the first row of a read (None for no row)."""

        def read(conn: psycopg.Connection) -> Any:
            row = conn.execute(sql, params).fetchone()
            return None if row is None else row[0]

        return self._run(read)

    def _rows(self, sql: str, params: Any = ()) -> list[tuple]:
        return self._run(lambda conn: conn.execute(sql, params).fetchall())
