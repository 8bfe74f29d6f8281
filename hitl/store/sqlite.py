"""SqliteStore: the app's default store. One file, WAL, ``synchronous=FULL``.

Several processes may open the same file: every write is one ``BEGIN IMMEDIATE``
transaction, and an append is compare-and-set on the run's tip, so a writer
whose view is stale gets ``ConflictError`` and nothing is overwritten.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from hitl.errors import CheckpointLoadError, ConflictError, StoreError
from hitl.store.base import STATUSES, CheckpointRecord, RunRecord

SCHEMA_VERSION = 1
APPLICATION_ID = 0x6869746C  # "hitl": marks the file as ours

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
    tip           TEXT,
    tip_seq       INTEGER NOT NULL,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL
);
CREATE INDEX runs_by_flow ON runs (flow, created_at);
CREATE INDEX runs_by_session ON runs (session);
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
    UNIQUE (run_id, seq)
);
CREATE INDEX checkpoints_by_step ON checkpoints (flow, step);
CREATE INDEX checkpoints_by_input ON checkpoints (flow, input_type);
CREATE INDEX checkpoints_by_output ON checkpoints (flow, output_type);
"""

_CK_COLUMNS = (
    "id, run_id, parent_id, seq, flow, step, input_type, input, output_type, output, "
    "state, created_at"
)
_RUN_COLUMNS = (
    "run_id, flow, session, branched_from, start, status, error, owner, tip, tip_seq, "
    "created_at, updated_at"
)

_INSERT_CHECKPOINT = f"INSERT INTO checkpoints ({_CK_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"


def _checkpoint(row: tuple) -> CheckpointRecord:
    return CheckpointRecord(*row)


_RUN_TYPES = RunRecord(
    str,
    str,
    str,
    (str, type(None)),
    (str, type(None)),
    str,
    (str, type(None)),
    (str, type(None)),
    (str, type(None)),
    int,
    (float, int),
    (float, int),
)


def _run(row: tuple) -> RunRecord:
    """A run row, checked: one damaged by hand must not pass for a run."""
    run = RunRecord._make(row)
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
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=busy_timeout
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        try:
            self._open(synchronous)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path}: not a hitl store ({exc})") from None
        except StoreError:
            self._db.close()
            raise

    def _open(self, synchronous: str) -> None:
        db = self._db
        if self._header() == (0, 0):
            with self._write():  # two processes creating one file: the second finds it made
                if self._header() == (0, 0):
                    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        raise StoreError(f"{self.path}: not a hitl store (it holds other tables)")
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        app_id, version = self._header()
        if app_id != APPLICATION_ID:
            raise StoreError(f"{self.path}: not a hitl store")
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by another version of hitl (store schema {version}; "
                f"this hitl reads schema {SCHEMA_VERSION})"
            )
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")

    def _header(self) -> tuple[int, int]:
        db = self._db
        return (
            db.execute("PRAGMA application_id").fetchone()[0],
            db.execute("PRAGMA user_version").fetchone()[0],
        )

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

    def create_run(self, run: RunRecord, first: CheckpointRecord | None = None) -> None:
        if first is not None:  # the run is born with its first checkpoint as its tip
            run = run._replace(tip=first.id, tip_seq=first.seq, updated_at=first.created_at)
        try:
            with self._write() as db:
                db.execute(
                    f"INSERT INTO runs ({_RUN_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", run
                )
                if first is not None:
                    db.execute(_INSERT_CHECKPOINT, first)
        except sqlite3.IntegrityError:
            raise ConflictError(f"run {run.run_id} already exists") from None

    def append(self, checkpoint: CheckpointRecord, status: str, owner: str | None) -> None:
        try:
            with self._write() as db:
                self._insert(db, checkpoint, status, owner, checkpoint.seq - 1)
        except sqlite3.IntegrityError:
            raise ConflictError(
                f"run {checkpoint.run_id} moved on: checkpoint {checkpoint.seq} is taken"
            ) from None

    def _insert(
        self,
        db: sqlite3.Connection,
        ck: CheckpointRecord,
        status: str,
        owner: str | None,
        expected_tip: int,
    ) -> None:
        moved = db.execute(
            "UPDATE runs SET tip=?, tip_seq=?, status=?, error=NULL, owner=?, updated_at=? "
            "WHERE run_id=? AND tip_seq=?",
            (ck.id, ck.seq, status, owner, ck.created_at, ck.run_id, expected_tip),
        ).rowcount
        if moved != 1:
            raise ConflictError(
                f"run {ck.run_id} moved on: its tip is no longer checkpoint {expected_tip}"
            )
        db.execute(_INSERT_CHECKPOINT, ck)

    def set_status(
        self,
        run_id: str,
        status: str,
        *,
        error: str | None,
        owner: str | None,
        at: float,
        tip_seq: int | None = None,
    ) -> bool:
        with self._write() as db:
            return (
                db.execute(
                    "UPDATE runs SET status=?, error=?, owner=?, updated_at=? "
                    "WHERE run_id=? AND (? IS NULL OR tip_seq=?)",
                    (status, error, owner, at, run_id, tip_seq, tip_seq),
                ).rowcount
                == 1
            )

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def get_run(self, run_id: str) -> RunRecord | None:
        rows = self._read(f"SELECT {_RUN_COLUMNS} FROM runs WHERE run_id=?", (run_id,))
        return _run(rows[0]) if rows else None

    def list_runs(self, flow: str | None = None) -> list[RunRecord]:
        if flow is None:
            rows = self._read(f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY created_at, rowid")
        else:
            rows = self._read(
                f"SELECT {_RUN_COLUMNS} FROM runs WHERE flow=? ORDER BY created_at, rowid", (flow,)
            )
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
    ) -> list[CheckpointRecord]:
        where = ["flow=?"]
        params: list[object] = [flow]
        for column, value in (
            ("run_id", run_id),
            ("step", step),
            ("input_type", input_type),
            ("output_type", output_type),
        ):
            if value is not None:
                where.append(f"{column}=?")
                params.append(value)
        rows = self._read(
            f"SELECT {_CK_COLUMNS} FROM checkpoints WHERE {' AND '.join(where)} ORDER BY n",
            tuple(params),
        )
        return [_checkpoint(r) for r in rows]

    def delete_runs(self, run_ids: list[str]) -> int:
        with self._write() as db:
            gone = 0
            for run_id in run_ids:
                db.execute("DELETE FROM checkpoints WHERE run_id=?", (run_id,))
                gone += db.execute("DELETE FROM runs WHERE run_id=?", (run_id,)).rowcount
            return gone

    @property
    def synchronous(self) -> str:
        """How commits reach the disk: "FULL" (through a power cut) or "NORMAL"."""
        level = self._read("PRAGMA synchronous")[0][0]
        return {1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(level, "OFF")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
