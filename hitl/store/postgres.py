"""PostgresStore: one PostgreSQL database that a team's machines share.

Every write is one call of a function of the store's schema (pg_schema.py):
one statement, one round trip, its own transaction. Reads are one statement
each. A new run, and a step or answer the run goes on from, commit without
waiting for the server's disk; the write that makes the run wait or end waits
for it, and so makes all the run wrote before durable, and ``sync()`` (which
the engine calls before anything reaches a caller) flushes whatever is left,
checking it survived: a questionnaire waits for the disk once a question. Connections come from a psycopg_pool pool, in autocommit mode, with no
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
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from hitl.errors import CheckpointLoadError, ConflictError, StoreError, StoreUnavailable
from hitl.store import pg_schema
from hitl.store.base import (
    INTERRUPTED,
    RUNNING,
    SESSION_STATUSES,
    Changes,
    CheckpointRecord,
    RunRecord,
    SessionPage,
    SessionRecord,
)
from hitl.store.dsn import redact
from hitl.store.pg_listen import Listener
from hitl.store.rows import check_filters, run_record, session_record, sound_runs

# The pool says why it could not connect on its logger; callers get a hitl error
# instead, so nothing is printed unless the application configures logging.
logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())

T = TypeVar("T")
_AGAIN = object()  # what a settle function returns when the write did not go in

RUN_COLUMNS = (
    "run_id, flow, session, branched_from, start, status, error, owner, lease_until, "
    "tip, tip_seq, created_at, updated_at, author, title"
)
CK_COLUMNS = (
    "id, run_id, parent_id, seq, flow, step, input_type, input, output_type, output, "
    "state, created_at, author"
)
SESSION_COLUMNS = (
    "session, flow, run_id, status, error, owner, lease_until, title, branches, "
    "created_at, updated_at, change"
)

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


def _call(function: str, *types: str) -> str:
    return f"SELECT {function}({', '.join(f'%s::{t}' for t in types)})"


_TEXT, _FLOAT, _INT = "text", "float8", "int4"
_CREATE_RUN = _call(
    "hitl_create_run", *[_TEXT] * 8, _FLOAT, _FLOAT, _FLOAT, *[_TEXT] * 3,
    *[_TEXT] * 8, _FLOAT, _TEXT,
)  # fmt: skip
_APPEND = _call(
    "hitl_append", _TEXT, _TEXT, _TEXT, _INT, *[_TEXT] * 7, _FLOAT, _TEXT,
    _TEXT, _TEXT, _FLOAT, _TEXT, _TEXT,
)  # fmt: skip
# Group commit: a new run and an answer or step the run goes on from are
# committed without waiting for the disk (synchronous_commit off, for that
# transaction only); the write that makes the run wait or end waits for it,
# and so for all the run wrote before (the log is flushed in order); sync()
# flushes what is left, checking it is still there.
_LATER = ", set_config('synchronous_commit', 'off', true)"
_SYNC = """
SELECT (SELECT count(*) FROM (SELECT 1 FROM hitl_checkpoints WHERE id = ANY(%s::text[])
                              FOR KEY SHARE) c)
     + (SELECT count(*) FROM (SELECT 1 FROM hitl_runs WHERE run_id = ANY(%s::text[])
                              FOR KEY SHARE) r)
"""  # the row locks are written to the log, so the commit waits for the disk
_SET_STATUS = _call("hitl_set_status", _TEXT, _TEXT, _TEXT, _TEXT, _FLOAT, _FLOAT, _INT)
_RENEW_LEASE = _call("hitl_renew_lease", _TEXT, _TEXT, _FLOAT)
_SET_TITLES = _call("hitl_set_titles", "text[]", "text[]", "text[]")
_DELETE_RUNS = _call("hitl_delete_runs", "text[]")
_DELETE_RUN = _call("hitl_delete_run", _TEXT)
_DELETE_SESSION = _call("hitl_delete_session", _TEXT)
_PRUNE = f"SELECT {SESSION_COLUMNS} FROM hitl_prune(%s::float8, %s::text)"
_CHANGES = """
SELECT change, forgotten,
    ARRAY(SELECT session FROM hitl_sessions WHERE change > %(since)s ORDER BY change
          LIMIT %(n)s),
    ARRAY(SELECT session FROM hitl_deleted WHERE change > %(since)s ORDER BY change
          LIMIT %(n)s)
FROM hitl_store
"""


def _fold(title: str | None) -> str | None:
    return None if title is None else title.casefold()


class PostgresStore:
    """Runs, checkpoints and sessions in the PostgreSQL database ``dsn`` names (a
    ``postgresql://`` URL or a libpq key=value string), the schema made on first
    use. ``max_connections``: the pool's largest size; ``timeout``: how long a
    call waits for a pooled connection before it makes one of its own (or says
    ``StoreUnavailable``, the server out of reach). ``listen_dsn``: where
    ``wait_for_change`` LISTENs, when ``dsn`` goes through a pooler in
    transaction mode (PgBouncer's default for teams) and the server itself can
    be reached; without it, such a store polls (see pg_listen.py).

    Raises ``StoreUnavailable`` when the server cannot be reached, ``StoreError``
    for a database whose hitl schema is newer than this hitl.
    """

    def __init__(
        self,
        dsn: str,
        *,
        max_connections: int = 4,
        timeout: float = 10.0,
        listen_dsn: str | None = None,
    ) -> None:
        self.name = redact(dsn)
        """The store as it may be shown: its DSN without the password."""
        try:
            given = conninfo_to_dict(dsn)
        except psycopg.Error:
            raise StoreError(f"{self.name}: not a PostgreSQL connection string") from None
        self._dsn = dsn
        self._secret = str(given.get("password") or "")
        self._unsynced: dict[tuple[str, str], str] = {}  # (table, id) -> its run, not on disk yet
        self._unsynced_lock = threading.Lock()
        self._kwargs: dict[str, Any] = {k: v for k, v in _DEFAULTS.items() if k not in given}
        self._kwargs |= {"autocommit": True, "prepare_threshold": None}
        self.timeout = timeout
        try:  # the first connection is made here, so a server that is down is told at once
            with psycopg.connect(dsn, **self._kwargs) as conn:
                pg_schema.ensure(conn, name=self.name)
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
        listen_at = listen_dsn or dsn
        listen_kw = {**self._kwargs, "application_name": "hitl-listen"}
        self._listener = Listener(
            lambda: psycopg.connect(listen_at, **listen_kw),
            lambda channel: self._one("SELECT pg_notify(%s, '')", (channel,)),
            self.change_token,
        )

    def __repr__(self) -> str:
        return f"PostgresStore({self.name!r})"

    # -- talking to the server -------------------------------------------------------

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
        (``_AGAIN``: it did not go in, send it again). ``checked``: a write whose
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
                # a lost socket shows as broken before (or without) closed
                dead = conn is None or conn.closed or conn.broken
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
                    if outcome is not _AGAIN:
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

    # -- writing ---------------------------------------------------------------------

    def create_run(self, run: RunRecord, first: CheckpointRecord | None = None) -> None:
        ck: tuple = (None,) * 10 if first is None else (
            first.id, first.parent_id, first.step, first.input_type, first.input,
            first.output_type, first.output, first.state, first.created_at, first.author,
        )  # fmt: skip
        params = (
            run.run_id, run.flow, run.session, run.branched_from, run.start, run.status,
            run.error, run.owner, run.lease_until, run.created_at, run.updated_at, run.author,
            run.title, _fold(run.title), *ck,
        )  # fmt: skip

        def work(conn: psycopg.Connection) -> int:
            try:
                return conn.execute(_CREATE_RUN + _LATER, params).fetchone()[0]
            except pg_errors.UniqueViolation:
                return 3

        def settle(conn: psycopg.Connection) -> Any:  # run ids are the engine's uuid4s
            found = conn.execute("SELECT 1 FROM hitl_runs WHERE run_id=%s", (run.run_id,))
            return _AGAIN if found.fetchone() is None else 0

        outcome = self._run(work, settle=settle)
        if outcome == 0:
            self._written(run.run_id, ("run", run.run_id))
        if outcome == 1:
            raise ConflictError(f"run {run.run_id} already exists")
        if outcome == 2:
            raise ConflictError(
                f"run {run.run_id} branches from checkpoint {run.branched_from}, "
                f"which is no longer stored in session {run.session}"
            )
        if outcome == 3:
            raise ConflictError(f"checkpoint {first and first.id} is stored already")

    def append(
        self,
        checkpoint: CheckpointRecord,
        status: str,
        owner: str | None = None,
        *,
        lease_until: float | None = None,
        title: str | None = None,
    ) -> None:
        run_id, seq = checkpoint.run_id, checkpoint.seq
        params = (*checkpoint, status, owner, lease_until, title, _fold(title))
        later = status == RUNNING  # more steps follow; else the run waits or ends: on disk now
        sql = _APPEND + _LATER if later else _APPEND

        def work(conn: psycopg.Connection) -> Any:
            try:
                return conn.execute(sql, params).fetchone()[0]
            except pg_errors.UniqueViolation:
                return "taken"

        def settle(conn: psycopg.Connection) -> Any:
            row = conn.execute(
                "SELECT id FROM hitl_checkpoints WHERE run_id=%s AND seq=%s", (run_id, seq)
            ).fetchone()
            if row is None:
                return _AGAIN
            return None if row[0] == checkpoint.id else seq

        tip = self._run(work, settle=settle)
        if tip is None:
            self._written(run_id, ("ck", checkpoint.id) if later else None)
            return
        if tip == "taken":
            raise ConflictError(f"checkpoint {checkpoint.id} is stored already")
        if tip == -2:
            raise ConflictError(f"run {run_id} is no longer in the store")
        raise ConflictError(f"run {run_id} moved on: its tip is checkpoint {tip}, not {seq - 1}")

    def set_status(
        self,
        run_id: str,
        status: str,
        *,
        error: str | None,
        owner: str | None,
        at: float,
        lease_until: float | None = None,
        tip_seq: int | None = None,
    ) -> bool:
        return bool(self._one(_SET_STATUS, (run_id, status, error, owner, at, lease_until, tip_seq)))

    def renew_lease(self, run_id: str, owner: str, lease_until: float) -> bool:
        return bool(self._one(_RENEW_LEASE, (run_id, owner, lease_until)))

    def set_titles(self, titles: Mapping[str, str]) -> None:
        if titles:
            ids = list(titles)
            named = [titles[i] for i in ids]
            self._one(_SET_TITLES, (ids, named, [_fold(t) for t in named]))

    def delete_runs(self, run_ids: list[str]) -> int:
        ids = list(dict.fromkeys(run_ids))
        return self._run(lambda conn: conn.execute(_DELETE_RUNS, (ids,)).fetchone()[0], checked=True)

    def delete_run(self, run_id: str) -> list[str]:
        return self._run(lambda conn: conn.execute(_DELETE_RUN, (run_id,)).fetchone()[0], checked=True)

    def delete_session(self, session: str) -> list[str]:
        return self._run(
            lambda conn: conn.execute(_DELETE_SESSION, (session,)).fetchone()[0], checked=True
        )

    def prune_sessions(self, *, before: float, flow: str | None = None) -> list[SessionRecord]:
        rows = self._run(lambda conn: conn.execute(_PRUNE, (before, flow)).fetchall(), checked=True)
        return [session_record(r) for r in rows]

    def _written(self, run_id: str, what: tuple[str, str] | None) -> None:
        """Note a write not on disk yet (``what``), or (None) that everything
        ``run_id`` wrote is: its last write waited for the disk, and it went in
        after the others, so they were there."""
        with self._unsynced_lock:
            if what is not None:
                self._unsynced[what] = run_id
            else:
                for key in [k for k, r in self._unsynced.items() if r == run_id]:
                    del self._unsynced[key]

    def sync(self) -> None:
        with self._unsynced_lock:
            pending, self._unsynced = self._unsynced, {}
        if not pending:
            return
        ids = {table: [i for t, i in pending if t == table] for table in ("ck", "run")}
        try:
            found = self._one(_SYNC, (ids["ck"], ids["run"]))
        except StoreError:
            with self._unsynced_lock:  # still to be made durable
                self._unsynced = pending | self._unsynced
            raise
        if found != len(pending):
            raise StoreUnavailable(
                f"{self.name}: the server restarted before the last writes reached its disk: "
                f"{len(pending) - found} of {len(pending)} are not stored; go on from what is"
            )

    # -- reading runs and checkpoints --------------------------------------------------

    def get_run(self, run_id: str) -> RunRecord | None:
        rows = self._rows(f"SELECT {RUN_COLUMNS} FROM hitl_runs WHERE run_id=%s", (run_id,))
        return run_record(rows[0]) if rows else None

    def session_of(self, run_id: str) -> str | None:
        return self._one("SELECT session FROM hitl_runs WHERE run_id=%s", (run_id,))

    def list_runs(self, flow: str | None = None) -> list[RunRecord]:
        if flow is None:
            rows = self._rows(f"SELECT {RUN_COLUMNS} FROM hitl_runs ORDER BY n")
        else:
            rows = self._rows(
                f"SELECT {RUN_COLUMNS} FROM hitl_runs WHERE flow=%s ORDER BY n", (flow,)
            )
        return sound_runs(rows)

    def session_runs(self, session: str) -> list[RunRecord]:
        rows = self._rows(
            f"SELECT {RUN_COLUMNS} FROM hitl_runs WHERE session=%s ORDER BY n", (session,)
        )
        return sound_runs(rows)

    def run_ids(self, prefix: str, *, limit: int) -> list[str]:
        if not prefix:
            raise ValueError("a run id prefix is empty")
        # ids from the prefix on, in code point order ("C"): those that match come first
        rows = self._rows(
            "SELECT run_id FROM hitl_runs WHERE run_id >= %s ORDER BY run_id LIMIT %s",
            (prefix, max(limit, 0)),
        )
        found = []
        for (run_id,) in rows:
            if not run_id.startswith(prefix):
                break
            found.append(run_id)
        return found

    def run_checkpoints(self, run_id: str) -> list[CheckpointRecord]:
        rows = self._rows(
            f"SELECT {CK_COLUMNS} FROM hitl_checkpoints WHERE run_id=%s ORDER BY seq", (run_id,)
        )
        return [CheckpointRecord._make(r) for r in rows]

    def get_checkpoint(self, checkpoint_id: str) -> CheckpointRecord | None:
        rows = self._rows(f"SELECT {CK_COLUMNS} FROM hitl_checkpoints WHERE id=%s", (checkpoint_id,))
        return CheckpointRecord._make(rows[0]) if rows else None

    def find_checkpoints(
        self,
        flow: str,
        *,
        run_id: str | None = None,
        step: str | None = None,
        input_type: str | None = None,
        output_type: str | None = None,
        shapes: list[tuple[str, str]] | None = None,
    ) -> list[CheckpointRecord]:
        given = [("step", step), ("input_type", input_type), ("output_type", output_type)]
        where, params = ["flow=%s"], [flow]
        for column, value in given:
            if value is not None:
                where.append(f"{column}=%s")
                params.append(value)
        if run_id is not None:  # one run's: UNIQUE (run_id, seq)
            where.append("run_id=%s")
            params.append(run_id)
            order = "seq"
        else:
            order = "n"
            if shapes is not None and step is None:  # seek each (step, input type) allowed
                where.append("step = ANY(%s)")
                params.append(sorted({s for s, _ in shapes}))
                if input_type is None:
                    where.append("input_type = ANY(%s)")
                    params.append(sorted({i for _, i in shapes}))
        rows = self._rows(
            f"SELECT {CK_COLUMNS} FROM hitl_checkpoints WHERE {' AND '.join(where)} "
            f"ORDER BY {order}",
            params,
        )
        return [CheckpointRecord._make(r) for r in rows]

    # -- reading sessions ----------------------------------------------------------------

    def get_session(self, session: str) -> SessionRecord | None:
        rows = self._rows(
            f"SELECT {SESSION_COLUMNS} FROM hitl_sessions WHERE session=%s", (session,)
        )
        return session_record(rows[0]) if rows else None

    def sessions(
        self,
        *,
        now: float,
        status: str | None = None,
        flow: str | None = None,
        text: str | None = None,
        updated_before: float | None = None,
        limit: int = 50,
        cursor: int | None = None,
    ) -> SessionPage:
        check_filters(status, limit)
        where, params = _session_filters(now, status, flow, text)
        if updated_before is not None:
            where.append("updated_at < %s")
            params.append(updated_before)
        if cursor is not None:
            where.append("change < %s")
            params.append(cursor)
        rows = self._rows(
            f"SELECT {SESSION_COLUMNS} FROM hitl_sessions"
            f"{' WHERE ' + ' AND '.join(where) if where else ''} "
            "ORDER BY change DESC LIMIT %s",
            [*params, limit + 1],
        )
        page, damaged = [], []
        for row in rows[:limit]:
            try:
                page.append(session_record(row))
            except CheckpointLoadError as exc:  # listed as damaged, not hidden
                damaged.append(str(exc))
        more = len(rows) > limit and isinstance(rows[limit - 1][-1], int)
        return SessionPage(page, rows[limit - 1][-1] if more else None, damaged)

    def count_sessions(
        self, *, now: float, flow: str | None = None, text: str | None = None
    ) -> dict[str, int]:
        where, params = _session_filters(now, None, flow, text)
        rows = self._rows(
            "SELECT status, status = 'running' AND lease_until >= %s, count(*) "
            f"FROM hitl_sessions{' WHERE ' + ' AND '.join(where) if where else ''} "
            "GROUP BY 1, 2",
            [now, *params],
        )
        counts = dict.fromkeys(SESSION_STATUSES, 0)
        for status, live, n in rows:
            if status == RUNNING and not live:
                status = INTERRUPTED
            if status in counts:
                counts[status] += n
        return counts

    def change_token(self) -> int:
        return self._one("SELECT change FROM hitl_store")

    def changes(self, since: int | None, *, limit: int = 1000) -> Changes:
        if since is None:
            return Changes(self.change_token(), [], [], False)
        token, forgotten, changed, deleted = self._rows(
            _CHANGES, {"since": since, "n": limit + 1}
        )[0]
        if since > token or since < forgotten or len(changed) + len(deleted) > limit:
            return Changes(token, [], [], False)
        return Changes(token, changed, deleted, True)

    def wait_for_change(self, token: int, timeout: float) -> int:
        return self._listener.wait(token, timeout)

    def close(self) -> None:
        self._listener.close()
        self._pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _session_filters(
    now: float, status: str | None, flow: str | None, text: str | None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if status == RUNNING:
        where.append("status = 'running' AND lease_until >= %s")
        params.append(now)
    elif status == INTERRUPTED:
        where.append("status = 'running' AND (lease_until IS NULL OR lease_until < %s)")
        params.append(now)
    elif status is not None:
        where.append("status = %s")
        params.append(status)
    if flow is not None:
        where.append("flow = %s")
        params.append(flow)
    if text is not None:  # casefolded by Python, as the titles were: no pattern characters
        where.append("strpos(folded, %s) > 0")
        params.append(text.casefold())
    return where, params
