"""PostgresStore: one PostgreSQL database that a team's machines share.

Every write is one call of a function of the store's schema (pg_schema.py):
one statement, one round trip, its own transaction. Reads are one statement
each. A new run, and a step or answer the run goes on from, commit without
waiting for the server's disk; the write that makes the run wait or end waits
for it, and so makes all the run wrote before durable, and ``sync()`` (which
the engine calls before anything reaches a caller) flushes whatever is left,
checking it survived: a questionnaire waits for the disk once a question.

How it talks to the server (the pool, errors made hitl errors, lost
connections made again) is pg_client.py's ``PgClient``; the SQL it sends is
pg_queries.py's.

Past 400 lines on purpose: it is the store protocol's methods, one short
method each; the client, the schema, the queries and LISTEN are apart.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import errors as pg_errors

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
from hitl.store.pg_client import AGAIN, PgClient
from hitl.store.pg_listen import Listener
from hitl.store.pg_queries import (
    APPEND,
    CHANGES,
    CK_COLUMNS,
    CREATE_RUN,
    DELETE_RUN,
    DELETE_RUNS,
    DELETE_SESSION,
    DELETE_UNCHANGED_SESSION,
    LATER,
    PRUNE,
    RENEW_LEASE,
    RUN_COLUMNS,
    SESSION_COLUMNS,
    SET_STATUS,
    SET_TITLES,
    SYNC,
    session_filters,
)
from hitl.store.rows import check_filters, run_record, session_record, sound_runs


def _fold(title: str | None) -> str | None:
    return None if title is None else title.casefold()


class PostgresStore(PgClient):
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
        super().__init__(
            dsn,
            max_connections=max_connections,
            timeout=timeout,
            first=lambda conn: pg_schema.ensure(conn, name=self.name),
        )
        self._unsynced: dict[tuple[str, str], str] = {}  # (table, id) -> its run, not on disk yet
        self._unsynced_lock = threading.Lock()
        listen_at = listen_dsn or dsn
        listen_kw = {**self._kwargs, "application_name": "hitl-listen"}
        self._listener = Listener(
            lambda: psycopg.connect(listen_at, **listen_kw),
            lambda channel: self._one("SELECT pg_notify(%s, '')", (channel,)),
            self.change_token,
        )

    def __repr__(self) -> str:
        return f"PostgresStore({self.name!r})"

    # -- writing ---------------------------------------------------------------------

    def create_run(self, run: RunRecord, first: CheckpointRecord | None = None) -> None:
        ck: tuple = (None,) * 10 if first is None else (
            first.id, first.parent_id, first.step, first.input_type, first.input,
            first.output_type, first.output, first.state, first.created_at, first.author,
        )  # fmt: skip
        params = (
            run.run_id, run.flow, run.session, run.branched_from, run.start, run.status,
            run.error, run.owner, run.lease_until, run.created_at, run.updated_at, run.author,
            run.title, _fold(run.title), run.made_from, *ck,
        )  # fmt: skip

        def work(conn: psycopg.Connection) -> int:
            try:
                return conn.execute(CREATE_RUN + LATER, params).fetchone()[0]
            except pg_errors.UniqueViolation:
                return 3

        def settle(conn: psycopg.Connection) -> Any:  # run ids are the engine's uuid4s
            found = conn.execute("SELECT 1 FROM hitl_runs WHERE run_id=%s", (run.run_id,))
            return AGAIN if found.fetchone() is None else 0

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
        sql = APPEND + LATER if later else APPEND

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
                return AGAIN
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
        return bool(self._one(SET_STATUS, (run_id, status, error, owner, at, lease_until, tip_seq)))

    def renew_lease(self, run_id: str, owner: str, lease_until: float) -> bool:
        return bool(self._one(RENEW_LEASE, (run_id, owner, lease_until)))

    def set_titles(self, titles: Mapping[str, str]) -> None:
        if titles:
            ids = list(titles)
            named = [titles[i] for i in ids]
            self._one(SET_TITLES, (ids, named, [_fold(t) for t in named]))

    def delete_runs(self, run_ids: list[str]) -> int:
        ids = list(dict.fromkeys(run_ids))
        return self._run(lambda conn: conn.execute(DELETE_RUNS, (ids,)).fetchone()[0], checked=True)

    def delete_run(self, run_id: str) -> list[str]:
        return self._run(
            lambda conn: conn.execute(DELETE_RUN, (run_id,)).fetchone()[0], checked=True
        )

    def delete_session(self, session: str) -> list[str]:
        return self._run(
            lambda conn: conn.execute(DELETE_SESSION, (session,)).fetchone()[0], checked=True
        )

    def delete_unchanged_session(self, run_id: str, *, tip_seq: int, status: str) -> bool:
        return self._run(
            lambda conn: conn.execute(DELETE_UNCHANGED_SESSION, (run_id, tip_seq, status))
            .fetchone()[0],
            checked=True,
        )

    def prune_sessions(self, *, before: float, flow: str | None = None) -> list[SessionRecord]:
        rows = self._run(lambda conn: conn.execute(PRUNE, (before, flow)).fetchall(), checked=True)
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
            found = self._one(SYNC, (ids["ck"], ids["run"]))
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
        rows = self._rows(
            f"SELECT {CK_COLUMNS} FROM hitl_checkpoints WHERE id=%s", (checkpoint_id,)
        )
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
        where, params = session_filters(now, status, flow, text)
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
        where, params = session_filters(now, None, flow, text)
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
        token, forgotten, changed, deleted = self._rows(CHANGES, {"since": since, "n": limit + 1})[
            0
        ]
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
