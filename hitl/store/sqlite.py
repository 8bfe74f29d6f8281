"""SqliteStore: the app's default store. One file, WAL, durable ("FULL") by default.

Several processes may open the same file: every write is one transaction that
takes SQLite's write lock as it starts (an append is a single statement; a new
run with its first checkpoint is ``BEGIN IMMEDIATE``), and an append is
compare-and-set on the run's tip, so a writer whose view is stale gets
``ConflictError`` and nothing is overwritten.

Durability is group commit. Each transaction commits to the write-ahead log
without waiting for the disk (SQLite's ``synchronous=NORMAL``: it survives a
crash of the process at once), and ``sync()`` flushes the log to disk with one
fsync. The engine calls ``sync()`` before anything it wrote reaches a caller,
so an answer and the step it lets run share one flush, and nothing the engine
has acknowledged can be lost to a power cut either. ``synchronous="NORMAL"``
skips the flush: faster, safe from crashes of the process only.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from hitl.errors import CheckpointLoadError, ConflictError, StoreError
from hitl.store.base import STATUSES, CheckpointRecord, RunRecord

SCHEMA_VERSION = 1
WAL_PAGES = 4000  # the log is copied into the database file past this many pages
APPLICATION_ID = 0x6869746C  # "hitl": marks the file as ours

# A run's row is written when it starts and when its status is set by hand
# (resumed, failed); an append writes only its checkpoint, which carries the
# run's status after it. The run's tip is its checkpoint with the highest seq,
# and its status is the row's if set at or after that tip, else the tip's.
# Appends are compare-and-set through UNIQUE (run_id, seq). Runs are listed in
# the order recorded (rowid), so the runs table needs no index of its own.
_SCHEMA = """
CREATE TABLE runs (
    run_id        TEXT PRIMARY KEY,
    flow          TEXT NOT NULL,
    session       TEXT NOT NULL,
    branched_from TEXT,
    start         TEXT,
    status        TEXT NOT NULL,
    error         TEXT,
    owner         TEXT,
    status_seq    INTEGER NOT NULL,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL
);
CREATE TABLE checkpoints (
    n           INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    run_id      TEXT NOT NULL,
    parent_id   TEXT,
    seq         INTEGER NOT NULL,
    flow        TEXT NOT NULL,
    step        TEXT NOT NULL,
    input_type  TEXT NOT NULL,
    input       TEXT NOT NULL,
    output_type TEXT NOT NULL,
    output      TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  REAL NOT NULL,
    status      TEXT NOT NULL,
    owner       TEXT,
    UNIQUE (run_id, seq)
);
CREATE INDEX checkpoints_by_shape ON checkpoints (flow, step, input_type, output_type);
"""

_CK_COLUMNS = (
    "id, run_id, parent_id, seq, flow, step, input_type, input, output_type, output, "
    "state, created_at"
)
_SELECT_RUN = """
SELECT r.run_id, r.flow, r.session, r.branched_from, r.start,
       CASE WHEN c.seq IS NULL OR r.status_seq >= c.seq THEN r.status ELSE c.status END,
       CASE WHEN c.seq IS NULL OR r.status_seq >= c.seq THEN r.error END,
       CASE WHEN c.seq IS NULL OR r.status_seq >= c.seq THEN r.owner ELSE c.owner END,
       c.id, coalesce(c.seq, -1), r.created_at, max(r.updated_at, coalesce(c.created_at, 0))
FROM runs r LEFT JOIN checkpoints c ON c.run_id = r.run_id
     AND c.seq = (SELECT max(seq) FROM checkpoints WHERE run_id = r.run_id)
"""
_TIP_SEQ = "SELECT coalesce(max(seq), -1) FROM checkpoints WHERE run_id = ?"

_INSERT_RUN = (
    "INSERT INTO runs (run_id, flow, session, branched_from, start, status, error, owner, "
    "status_seq, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,-1,?,?)"
)


def _flush(fd: int) -> None:
    """What SQLite itself calls: fdatasync flushes the data (and the size), not
    the modification time, so it needs no journal commit of the file system."""
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # macOS, Windows
        os.fsync(fd)


# Compare-and-set in one statement: the row goes in only if its run is still
# stored, and UNIQUE (run_id, seq) refuses a seq another writer took. The engine
# appends the seq after the tip it read, so a taken seq means the run moved on.
# (The guard reads the runs table: one that read checkpoints, the table written,
# would make SQLite stage the row in a temporary table first.)
_APPEND = (
    f"INSERT INTO checkpoints ({_CK_COLUMNS}, status, owner) "
    "SELECT ?,?,?,?,?,?,?,?,?,?,?,?,?,? FROM runs WHERE run_id = ?"
)


def find_sql(
    flow: str,
    run_id: str | None,
    step: str | None,
    input_type: str | None,
    output_type: str | None,
    shapes: list[tuple[str, str]] | None,
) -> tuple[str, tuple[object, ...]]:
    """The query behind ``find_checkpoints``: by run, through UNIQUE (run_id, seq);
    otherwise through the shape index, one seek for each (step, input type)."""
    filters = [("flow", flow), ("step", step), ("input_type", input_type)]
    filters.append(("output_type", output_type))
    if run_id is not None:  # one run's checkpoints: "+" keeps SQLite on the run index
        where = ["run_id=?"] + [f"+{c}=?" for c, v in filters if v is not None]
        params = [run_id] + [v for _, v in filters if v is not None]
        order = "seq"
    elif shapes is not None:  # seek each (step, input type) the workflow allows
        steps = sorted({shape[0] for shape in shapes}) or [None]
        inputs = sorted({shape[1] for shape in shapes}) or [None]
        where = [
            "flow=?",
            f"step IN ({','.join('?' * len(steps))})",
            f"input_type IN ({','.join('?' * len(inputs))})",
        ]
        where += [f"{c}=?" for c, v in filters[1:] if v is not None]
        params = [flow, *steps, *inputs, *(v for _, v in filters[1:] if v is not None)]
        order = "n"
    else:
        where = [f"{c}=?" for c, v in filters if v is not None]
        params = [v for _, v in filters if v is not None]
        order = "n"
    sql = f"SELECT {_CK_COLUMNS} FROM checkpoints WHERE {' AND '.join(where)} ORDER BY {order}"
    return sql, tuple(params)


def _busy(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _checkpoint(row: tuple) -> CheckpointRecord:
    return CheckpointRecord(*row)  # schema 1: no author


def _v1_run(row: tuple) -> tuple:
    """A schema-1 row as a protocol-2 run: no lease, author or title."""
    return (*row[:8], None, *row[8:], None, None)


_RUN_TYPES = RunRecord(
    str,
    str,
    str,
    (str, type(None)),
    (str, type(None)),
    str,
    (str, type(None)),
    (str, type(None)),
    (float, int, type(None)),
    (str, type(None)),
    int,
    (float, int),
    (float, int),
    (str, type(None)),
    (str, type(None)),
)


def _run(row: tuple) -> RunRecord:
    """A run row, checked: one damaged by hand must not pass for a run."""
    run = RunRecord._make(_v1_run(row))
    for name, value, expected in zip(RunRecord._fields, run, _RUN_TYPES, strict=True):
        if not isinstance(value, expected) or isinstance(value, bool):
            raise CheckpointLoadError(
                f"run {row[0]!r}: its stored row is damaged ({name} is {value!r})"
            )
    if run.status not in STATUSES:
        raise CheckpointLoadError(f"run {row[0]!r}: unknown status {run.status!r} in its row")
    return run


def _sound_runs(rows: list[tuple]) -> list[RunRecord]:
    runs = []
    for row in rows:
        try:
            runs.append(_run(row))
        except CheckpointLoadError:
            continue  # left out of listings; get_run names the damage
    return runs


class SqliteStore:
    """Checkpoints in one SQLite file at ``path`` (created if missing).

    ``synchronous="FULL"`` (the default) makes every commit durable through a
    power cut; ``"NORMAL"`` keeps it through a crash of the process only, and is
    faster. Raises ``StoreError`` for a file that is not a hitl store, or one a
    newer version of hitl wrote.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        busy_timeout: float = 10.0,
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError("synchronous must be 'FULL' or 'NORMAL'")
        self.path = Path(path)
        self.synchronous = synchronous
        """"FULL": what the engine acknowledges is on disk; "NORMAL": it survives a
        crash of the process, not of the machine."""
        self._wal_path = f"{self.path}-wal"
        self._wal: int | None = None
        self._unsynced = False
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=busy_timeout
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        try:
            self._open(busy_timeout)
        except sqlite3.OperationalError as exc:
            self._db.close()
            if _busy(exc):
                raise StoreError(f"{self.path}: the store is busy ({exc})") from None
            raise StoreError(f"{self.path}: not a hitl store ({exc})") from None
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path}: not a hitl store ({exc})") from None
        except StoreError:
            self._db.close()
            raise

    def _open(self, busy_timeout: float) -> None:
        db = self._db
        header = self._header()
        if header == (0, 0):
            with self._write():  # two processes creating one file: the second finds it made
                if self._header() == (0, 0):
                    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        raise StoreError(f"{self.path}: not a hitl store (it holds other tables)")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            header = self._header()
        app_id, version = header
        if app_id != APPLICATION_ID:
            raise StoreError(f"{self.path}: not a hitl store")
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by another version of hitl (store schema {version}; "
                f"this hitl reads schema {SCHEMA_VERSION})"
            )
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._use_wal(busy_timeout)
        db.execute("PRAGMA synchronous=NORMAL")  # sync() makes it durable: see above
        # A checkpoint writes a handful of pages, most of them the same hot index
        # pages as the last: a longer log copies each of them once for more commits.
        db.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
        # Kept at its full size after a checkpoint (a log of WAL_PAGES frames is a
        # little over WAL_PAGES pages), so later commits overwrite it in place.
        db.execute(f"PRAGMA journal_size_limit={WAL_PAGES * 2 * 4096}")
        # 6 MiB of page cache (SQLite's default is 2): the pages a filter over a
        # thousand matches reads stay cached, and memory stays bounded.
        db.execute("PRAGMA cache_size=-6144")

    def _header(self) -> tuple[int, int]:
        """The file's application id and schema version, read in one transaction:
        a process making the file commits both at once, and two reads apart could
        see one without the other."""
        db = self._db
        own = not db.in_transaction
        if own:
            db.execute("BEGIN")
        try:
            return (
                db.execute("PRAGMA application_id").fetchone()[0],
                db.execute("PRAGMA user_version").fetchone()[0],
            )
        finally:
            if own:
                db.execute("COMMIT")

    def _use_wal(self, busy_timeout: float) -> None:
        """Switch a new file to WAL. The switch needs the file to itself for a
        moment, and SQLite refuses it at once, not after the busy timeout, while
        another connection reads the file (another process opening the same new
        file): so try again until the busy timeout has passed."""
        db = self._db
        deadline = time.monotonic() + busy_timeout
        pause = 0.001
        while True:
            try:
                if db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
                    return
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"{self.path}: the store is busy (another connection kept it from "
                    f"switching to WAL for {busy_timeout:g} s)"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
            self._unsynced = True

    def _write_one(self, sql: str, params: tuple) -> sqlite3.Cursor:
        """One statement as its own transaction: SQLite takes the write lock as the
        statement starts (waiting out other writers), as ``BEGIN IMMEDIATE`` would."""
        with self._lock:
            cursor = self._db.execute(sql, params)
            self._unsynced = True
            return cursor

    def create_run(self, run: RunRecord, first: CheckpointRecord | None = None) -> None:
        row = (
            run.run_id,
            run.flow,
            run.session,
            run.branched_from,
            run.start,
            run.status,
            run.error,
            run.owner,
            run.created_at,
            run.updated_at,
        )
        try:
            if first is None:
                self._write_one(_INSERT_RUN, row)
                return
            with self._write() as db:
                db.execute(_INSERT_RUN, row)
                self._add(db, first, run.status, run.owner)
        except sqlite3.IntegrityError:
            raise ConflictError(f"run {run.run_id} already exists") from None

    def append(
        self,
        checkpoint: CheckpointRecord,
        status: str,
        owner: str | None = None,
        *,
        lease_until: float | None = None,
        title: str | None = None,
    ) -> None:
        with self._lock:  # one statement, its own transaction (as in _write_one)
            self._add(self._db, checkpoint, status, owner)
            self._unsynced = True

    def _add(
        self, db: sqlite3.Connection, checkpoint: CheckpointRecord, status: str, owner: str | None
    ) -> None:
        """Compare-and-set: add ``checkpoint`` only if its seq is free and its run stored."""
        run_id, seq = checkpoint.run_id, checkpoint.seq
        try:
            added = db.execute(_APPEND, (*checkpoint[:12], status, owner, run_id)).rowcount
        except sqlite3.IntegrityError:  # UNIQUE (run_id, seq): another writer took this seq
            tip = db.execute(_TIP_SEQ, (run_id,)).fetchone()[0]
            raise ConflictError(
                f"run {run_id} moved on: its tip is checkpoint {tip}, not {seq - 1}"
            ) from None
        if added != 1:
            raise ConflictError(f"run {run_id} is no longer in the store")

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
            tip = db.execute(_TIP_SEQ, (run_id,)).fetchone()[0]
            if tip_seq is not None and tip != tip_seq:
                return False
            return (
                db.execute(
                    "UPDATE runs SET status=?, error=?, owner=?, updated_at=?, status_seq=? "
                    "WHERE run_id=?",
                    (status, error, owner, at, tip, run_id),
                ).rowcount
                == 1
            )

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def get_run(self, run_id: str) -> RunRecord | None:
        rows = self._read(_SELECT_RUN + "WHERE r.run_id=?", (run_id,))
        return _run(rows[0]) if rows else None

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
            rows = self._read(_SELECT_RUN + "ORDER BY r.rowid")
        else:
            rows = self._read(_SELECT_RUN + "WHERE r.flow=? ORDER BY r.rowid", (flow,))
        return _sound_runs(rows)

    def run_checkpoints(self, run_id: str) -> list[CheckpointRecord]:
        rows = self._read(
            f"SELECT {_CK_COLUMNS} FROM checkpoints WHERE run_id=? ORDER BY seq", (run_id,)
        )
        return [_checkpoint(r) for r in rows]

    def get_checkpoint(self, checkpoint_id: str) -> CheckpointRecord | None:
        rows = self._read(f"SELECT {_CK_COLUMNS} FROM checkpoints WHERE id=?", (checkpoint_id,))
        return _checkpoint(rows[0]) if rows else None

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
        sql, params = find_sql(flow, run_id, step, input_type, output_type, shapes)
        return [_checkpoint(r) for r in self._read(sql, params)]

    def delete_runs(self, run_ids: list[str]) -> int:
        gone = 0
        with self._write() as db:
            for run_id in run_ids:
                db.execute("DELETE FROM checkpoints WHERE run_id=?", (run_id,))
                gone += db.execute("DELETE FROM runs WHERE run_id=?", (run_id,)).rowcount
        self.sync()
        return gone

    def sync(self) -> None:
        """Flush the write-ahead log to disk (one fdatasync), if anything is waiting."""
        with self._lock:
            if not self._unsynced:
                return
            if self.synchronous == "FULL":
                fd = self._wal_fd()
                if fd is not None:
                    _flush(fd)
            self._unsynced = False

    def _wal_fd(self) -> int | None:
        """The log, kept open (SQLite never removes it while this connection lives);
        opened again should it have been replaced."""
        fd = self._wal
        if fd is not None and os.fstat(fd).st_nlink:
            return fd
        if fd is not None:
            os.close(fd)
        try:
            self._wal = os.open(self._wal_path, os.O_RDONLY)
        except FileNotFoundError:  # checkpointed away: SQLite synced it then
            self._wal = None
        return self._wal

    def close(self) -> None:
        with self._lock:
            self.sync()
            if self._wal is not None:
                os.close(self._wal)
                self._wal = None
            self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
