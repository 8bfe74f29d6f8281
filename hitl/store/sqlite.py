"""SqliteStore: the app's default store. One file, WAL, durable ("FULL") by default.

Several processes may open the same file: every write is one transaction that
takes SQLite's write lock as it starts (``BEGIN IMMEDIATE``), and an append is
compare-and-set on the run's tip, so a writer whose view is stale gets
``ConflictError`` and nothing is overwritten. The schema is in
``sqlite_schema``; the queries behind pages and filters in ``sqlite_queries``.

Durability is group commit (``sqlite_file``, which also opens the file, runs
its transactions and names it in every error): each transaction commits to the
log without waiting for the disk, and ``sync()`` flushes it with one fsync. The
engine calls ``sync()`` before anything it wrote reaches a caller, so an answer
and the step it lets run share one flush, and nothing the engine has
acknowledged can be lost to a power cut either.

Past 400 lines on purpose: it is the store protocol's methods, one short
method each, on one connection; the file, the schema and the queries are apart.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal

from hitl.errors import CheckpointLoadError, ConflictError
from hitl.store import sqlite_queries as q
from hitl.store import sqlite_schema as schema
from hitl.store.base import (
    INTERRUPTED,
    RUNNING,
    SESSION_STATUSES,
    STATUSES,
    Changes,
    CheckpointRecord,
    RunRecord,
    SessionPage,
    SessionRecord,
)
from hitl.store.feed import poll_for_change
from hitl.store.rows import (
    check_filters,
    run_record,
    session_record,
    sound_runs,
    title_matches,
)
from hitl.store.sqlite_file import SqliteFile


def _has(title: object, key: str) -> bool:
    return title_matches(title, key)


class SqliteStore:
    """Checkpoints in one SQLite file at ``path`` (created if missing, unless
    ``create=False``: then a missing file is a ``StoreError``).

    ``synchronous="FULL"`` (the default) makes every commit durable through a
    power cut; ``"NORMAL"`` keeps it through a crash of the process only, and is
    faster. Raises ``StoreError`` for a file that is not a hitl store, or one a
    newer version of hitl wrote; a file of an older version is migrated.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        busy_timeout: float = 10.0,
        create: bool = True,
    ) -> None:
        self._file = SqliteFile(
            path, synchronous=synchronous, busy_timeout=busy_timeout, create=create
        )
        self.path = self._file.path
        self.synchronous = self._file.synchronous
        """"FULL": what the engine acknowledges is on disk; "NORMAL": it survives a
        crash of the process, not of the machine."""
        self.busy_timeout = self._file.busy_timeout
        self.read_only_folder = self._file.read_only_folder
        """Opened read-only because its folder cannot be written here (and it has no
        log): it is read, and every write is refused naming the folder."""
        self._lock = self._file.lock
        self._read = self._file.read
        self._db = self._file.db
        self._closing = threading.Event()  # set by close: a waiter returns
        self._token: int | None = None  # change_token, while data_version holds
        self._data_version = -1
        self._db.create_function("hitl_has", 2, _has, deterministic=True)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """The file's write transaction; once it commits, the cached change token is
        stale (this connection's own writes do not move data_version)."""
        with self._lock:
            with self._file.write() as db:
                yield db
            self._token = None

    def _next_change(self, db: sqlite3.Connection) -> int:
        return db.execute(q.NEXT_CHANGE).fetchone()[0]

    def _touch(
        self,
        db: sqlite3.Connection,
        session: str,
        run_id: str,
        *,
        latest: bool = True,
        recount: bool = False,
    ) -> None:
        """Give ``session`` a new change number, with ``run_id`` as its latest run
        (``latest`` False: its time stays, as for a title set); ``recount``: a run
        was made or deleted, so count its branches again."""
        if recount:
            db.execute(q.TOUCH, (int(latest), run_id, session, session))
        else:
            db.execute(q.TOUCH_RUN, (int(latest), run_id, session))

    # -- writing ---------------------------------------------------------------------

    def create_run(self, run: RunRecord, first: CheckpointRecord | None = None) -> None:
        row = (*run[:9], None, -1, *run[11:])
        with self._write() as db:
            if run.branched_from is not None:
                origin = db.execute(q.ORIGIN_SESSION, (run.branched_from,)).fetchone()
                if origin is None or origin[0] != run.session:
                    raise ConflictError(
                        f"run {run.run_id} branches from checkpoint {run.branched_from}, "
                        f"which is no longer stored in session {run.session}"
                    )
            try:
                db.execute(q.INSERT_RUN, row)
            except sqlite3.IntegrityError:
                raise ConflictError(f"run {run.run_id} already exists") from None
            if first is not None:
                self._add(db, first, run.status, run.owner, run.lease_until, None)
            if run.branched_from is None:
                db.execute(q.INSERT_SESSION, (run.run_id,))
            else:
                self._touch(db, run.session, run.run_id, recount=True)

    def append(
        self,
        checkpoint: CheckpointRecord,
        status: str,
        owner: str | None = None,
        *,
        lease_until: float | None = None,
        title: str | None = None,
    ) -> None:
        with self._write() as db:
            session = self._add(db, checkpoint, status, owner, lease_until, title)
            self._touch(db, session, checkpoint.run_id)

    def _add(
        self,
        db: sqlite3.Connection,
        ck: CheckpointRecord,
        status: str,
        owner: str | None,
        lease_until: float | None,
        title: str | None,
    ) -> str:
        """Compare-and-set: move the run's tip to ``ck`` only if ``ck`` follows it;
        the run's session."""
        moved = db.execute(
            q.MOVE_TIP,
            (ck.id, ck.seq, status, owner, lease_until, ck.created_at, title,
             ck.run_id, ck.seq - 1),
        ).fetchone()
        if moved is None:
            tip = db.execute("SELECT tip_seq FROM runs WHERE run_id=?", (ck.run_id,)).fetchone()
            if tip is None:
                raise ConflictError(f"run {ck.run_id} is no longer in the store")
            raise ConflictError(
                f"run {ck.run_id} moved on: its tip is checkpoint {tip[0]}, not {ck.seq - 1}"
            )
        try:
            db.execute(q.INSERT_CHECKPOINT, tuple(ck))
        except sqlite3.IntegrityError:
            raise ConflictError(
                f"checkpoint {ck.id} (seq {ck.seq} of run {ck.run_id}) is stored already"
            ) from None
        return moved[0]

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
        with self._write() as db:
            moved = db.execute(
                q.SET_STATUS, (status, error, owner, lease_until, at, run_id, tip_seq, tip_seq)
            ).fetchone()
            if moved is None:
                return False
            self._touch(db, moved[0], run_id)
            return True

    def renew_lease(self, run_id: str, owner: str, lease_until: float) -> bool:
        with self._write() as db:
            moved = db.execute(q.RENEW_LEASE, (lease_until, run_id, RUNNING, owner)).fetchone()
            if moved is None:
                return False
            db.execute(
                "UPDATE sessions SET lease_until=? WHERE session=? AND run_id=?",
                (lease_until, moved[0], run_id),
            )
            return True

    def set_titles(self, titles: Mapping[str, str]) -> None:
        with self._write() as db:
            for run_id, title in titles.items():
                moved = db.execute(q.SET_TITLE, (title, run_id)).fetchone()
                if moved is not None and moved[1] == run_id:
                    self._touch(db, moved[0], run_id, latest=False)

    def sync(self) -> None:
        """Flush the write-ahead log to disk (one fdatasync), if anything is waiting."""
        self._file.sync()

    # -- deleting --------------------------------------------------------------------

    def delete_runs(self, run_ids: list[str]) -> int:
        with self._write() as db:
            return len(self._delete(db, list(dict.fromkeys(run_ids))))

    def delete_run(self, run_id: str) -> list[str]:
        with self._write() as db:
            row = db.execute("SELECT session FROM runs WHERE run_id=?", (run_id,)).fetchone()
            if row is None:
                return []
            doomed = [run_id]
            for other, origin_run in db.execute(q.FAMILY, (row[0],)).fetchall():
                if other != run_id and origin_run in doomed:
                    doomed.append(other)
            return self._delete(db, doomed)

    def delete_session(self, session: str) -> list[str]:
        with self._write() as db:
            ids = [r[0] for r in db.execute(q.SESSION_RUN_IDS, (session,)).fetchall()]
            return self._delete(db, ids)

    def delete_unchanged_session(self, run_id: str, *, tip_seq: int, status: str) -> bool:
        with self._write() as db:
            row = db.execute(q.UNCHANGED_RUN_SESSION, (run_id, tip_seq, status)).fetchone()
            if row is None:
                return False
            ids = [r[0] for r in db.execute(q.SESSION_RUN_IDS, (row[0],)).fetchall()]
            return ids == [run_id] and bool(self._delete(db, ids))

    def prune_sessions(self, *, before: float, flow: str | None = None) -> list[SessionRecord]:
        with self._write() as db:
            sql, params = q.prune_sql(flow, before)
            doomed = [session_record(r) for r in db.execute(sql, params).fetchall()]
            for record in doomed:
                ids = [r[0] for r in db.execute(q.SESSION_RUN_IDS, (record.session,)).fetchall()]
                self._delete(db, ids)
            return doomed

    def _delete(self, db: sqlite3.Connection, run_ids: list[str]) -> list[str]:
        gone: list[str] = []
        sessions: set[str] = set()
        for run_id in run_ids:
            row = db.execute(
                "DELETE FROM runs WHERE run_id=? RETURNING session", (run_id,)
            ).fetchone()
            if row is None:
                continue
            db.execute("DELETE FROM checkpoints WHERE run_id=?", (run_id,))
            gone.append(run_id)
            sessions.add(row[0])
        for session in sorted(sessions):
            latest = db.execute(q.LATEST_RUN, (session,)).fetchone()
            if latest is not None:
                self._touch(db, session, latest[0], recount=True)
                continue
            db.execute("DELETE FROM sessions WHERE session=?", (session,))
            db.execute("INSERT INTO gone VALUES (?, ?)", (self._next_change(db), session))
        if sessions:
            self._forget_tombstones(db)
        return gone

    def _forget_tombstones(self, db: sqlite3.Connection) -> None:
        cut = db.execute(
            "SELECT change FROM gone ORDER BY change DESC LIMIT 1 OFFSET ?",
            (schema.TOMBSTONES_KEPT,),
        ).fetchone()
        if cut is not None:
            db.execute("DELETE FROM gone WHERE change <= ?", (cut[0],))
            db.execute("UPDATE meta SET value=max(value, ?) WHERE key='forgotten'", (cut[0],))

    # -- reading runs and checkpoints ------------------------------------------------------

    def get_run(self, run_id: str) -> RunRecord | None:
        rows = self._read(q.SELECT_RUN + " WHERE run_id=?", (run_id,))
        return run_record(rows[0]) if rows else None

    def session_of(self, run_id: str) -> str | None:
        rows = self._read("SELECT session FROM runs WHERE run_id=?", (run_id,))
        if not rows:
            return None
        session = rows[0][0]
        if not isinstance(session, str):
            raise CheckpointLoadError(
                f"run {run_id!r}: its stored row is damaged (session is {session!r})"
            )
        return session

    def list_runs(self, flow: str | None = None) -> list[RunRecord]:
        if flow is None:
            return sound_runs(self._read(q.SELECT_RUN + " ORDER BY rowid"))
        return sound_runs(self._read(q.SELECT_RUN + " WHERE flow=? ORDER BY rowid", (flow,)))

    def session_runs(self, session: str) -> list[RunRecord]:
        return sound_runs(self._read(q.SELECT_RUN + " WHERE session=? ORDER BY rowid", (session,)))

    def run_ids(self, prefix: str, *, limit: int) -> list[str]:
        if not prefix:
            raise ValueError("a run id prefix is empty")
        rows = self._read(
            "SELECT run_id FROM runs WHERE run_id >= ? ORDER BY run_id LIMIT ?", (prefix, limit)
        )
        found = []
        for (run_id,) in rows:
            if not run_id.startswith(prefix):
                break
            found.append(run_id)
        return found

    def run_checkpoints(self, run_id: str) -> list[CheckpointRecord]:
        rows = self._read(q.SELECT_CHECKPOINT + " WHERE run_id=? ORDER BY seq", (run_id,))
        return [CheckpointRecord._make(r) for r in rows]

    def get_checkpoint(self, checkpoint_id: str) -> CheckpointRecord | None:
        rows = self._read(q.SELECT_CHECKPOINT + " WHERE id=?", (checkpoint_id,))
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
        sql, params = q.find_sql(flow, run_id, step, input_type, output_type, shapes)
        return [CheckpointRecord._make(r) for r in self._read(sql, params)]

    # -- reading sessions ------------------------------------------------------------------

    def get_session(self, session: str) -> SessionRecord | None:
        rows = self._read(q.SELECT_SESSION + " WHERE session=?", (session,))
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
        sql, params = q.page_sql(now, status, flow, text, updated_before, cursor)
        rows = self._read(sql + " LIMIT ?", (*params, limit + 1))
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
        counts = dict.fromkeys(SESSION_STATUSES, 0)
        sql, params = q.count_sql(now, flow, text)
        for status, total, live in self._read(sql, params):
            if status == RUNNING:
                counts[RUNNING] = live
                counts[INTERRUPTED] = total - live
            elif status in STATUSES:
                counts[status] = total
        return counts

    def change_token(self) -> int:
        with self._lock:
            try:
                version = self._db.execute("PRAGMA data_version").fetchone()[0]
                if self._token is None or version != self._data_version:
                    self._data_version = version
                    self._token = self._next_change(self._db) - 1
            except sqlite3.Error as exc:
                raise self._file.error(exc) from None
            return self._token

    def changes(self, since: int | None, *, limit: int = 1000) -> Changes:
        with self._lock:
            db = self._db
            try:
                db.execute("BEGIN")
                try:
                    token = self._next_change(db) - 1
                    forgotten = db.execute(
                        "SELECT value FROM meta WHERE key='forgotten'"
                    ).fetchone()[0]
                    if since is None or since > token or since < forgotten:
                        return Changes(token, [], [], False)
                    changed = [r[0] for r in db.execute(q.CHANGED, (since, limit + 1))]
                    deleted = [r[0] for r in db.execute(q.DELETED, (since, limit + 1))]
                finally:
                    db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._file.error(exc) from None
        if len(changed) + len(deleted) > limit:
            return Changes(token, [], [], False)
        return Changes(token, changed, deleted, True)

    def wait_for_change(self, token: int, timeout: float) -> int:
        # Other processes' writes are seen by polling data_version (no query, no
        # lock held between polls); this process's own writes too.
        return poll_for_change(self.change_token, token, timeout, closed=self._closing)

    def close(self) -> None:
        self._closing.set()
        self._file.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
