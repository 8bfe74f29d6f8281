"""SqliteFile: one open SQLite store file under SqliteStore. It opens the file
(a file that is not a hitl store is a ``StoreError`` and is left untouched; an
older one is migrated), sets up the write-ahead log, runs the store's read and
write transactions, turns driver errors into one line naming the file, and
makes what was committed durable (``sync``).

Durability is group commit. Each transaction commits to the write-ahead log
without waiting for the disk (SQLite's ``synchronous=NORMAL``: it survives a
crash of the process at once), and ``sync()`` flushes the log to disk with one
fsync. ``synchronous="NORMAL"`` skips the flush: faster, safe from crashes of
the process only.
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

from hitl.errors import StoreError
from hitl.store import sqlite_schema as schema

WAL_PAGES = 4000  # the log is copied into the database file past this many pages


def _flush(fd: int) -> None:
    """What SQLite itself calls: fdatasync flushes the data (and the size), not
    the modification time, so it needs no journal commit of the file system."""
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # macOS, Windows
        os.fsync(fd)


def _busy(exc: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds the lock."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class SqliteFile:
    """The one connection to the store file at ``path`` (created if missing,
    unless ``create=False``: then a missing file is a ``StoreError``), guarded
    by ``lock`` so threads take turns."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        busy_timeout: float = 10.0,
        create: bool = True,
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError("synchronous must be 'FULL' or 'NORMAL'")
        self.path = Path(path)
        self.synchronous = synchronous
        self.busy_timeout = busy_timeout
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a store file")
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such store")
        self._wal_path = f"{self.path}-wal"
        self._wal: int | None = None
        self._closed = False
        self._unsynced = False
        self.lock = threading.RLock()
        self.read_only_folder = False
        """Opened read-only because its folder cannot be written here (and it has no
        log): it is read, and every write is refused naming the folder."""
        try:
            self._connect()
        except sqlite3.Error as exc:
            if not self._in_read_only_folder(exc):
                raise self.error(exc, opening=True) from None
            self.read_only_folder = True
            try:
                self._connect()
            except sqlite3.Error as exc:
                raise self.error(exc, opening=True) from None

    def _connect(self) -> None:
        target, uri = str(self.path), False
        if self.read_only_folder:
            target, uri = f"{self.path.absolute().as_uri()}?mode=ro&immutable=1", True
        try:
            self.db = sqlite3.connect(
                target, isolation_level=None, check_same_thread=False,
                timeout=self.busy_timeout, uri=uri,
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        try:
            self._open()
        except BaseException:
            self.db.close()
            raise

    def _in_read_only_folder(self, exc: sqlite3.Error) -> bool:
        """Whether ``exc`` is SQLite failing to make its shared-memory file beside a
        store whose folder cannot be written here. With no log beside it the file
        holds every commit, and nobody can start a log in that folder: so it can be
        read as it is (SQLite's ``immutable``)."""
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        return (
            code == sqlite3.SQLITE_CANTOPEN
            and self.path.is_file()
            and not os.path.exists(self._wal_path)
            and not os.access(self.path.parent, os.W_OK)
        )

    # -- opening -------------------------------------------------------------------

    def _open(self) -> None:
        db = self.db
        header = self._header()
        if header[1] != schema.SCHEMA_VERSION:
            with self.write():  # two processes making one file: the second finds it made
                header = self._header()
                if header == (0, 0):
                    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                        raise StoreError(f"{self.path}: not a hitl store (it holds other tables)")
                    schema.create(db)
                elif header == (schema.APPLICATION_ID, 1):
                    schema.migrate_from_1(db)
                elif header == (schema.APPLICATION_ID, 2):
                    schema.migrate_from_2(db)
                elif header == (schema.APPLICATION_ID, 3):
                    schema.migrate_from_3(db)
            header = self._header()
        app_id, version = header
        if app_id != schema.APPLICATION_ID:
            raise StoreError(f"{self.path}: not a hitl store")
        if version != schema.SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer version of hitl (store schema {version}; "
                f"this hitl reads schema {schema.SCHEMA_VERSION} and older): upgrade hitl"
            )
        if self.read_only_folder:
            return  # read as it is: no log, no settings that write
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._use_wal()
        db.execute("PRAGMA synchronous=NORMAL")  # from here sync() makes it durable
        # A checkpoint writes a handful of pages, most of them the same hot index
        # pages as the last: a longer log copies each of them once for more commits.
        db.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
        # Kept at its full size after a checkpoint (a log of WAL_PAGES frames is a
        # little over WAL_PAGES pages), so later commits overwrite it in place.
        db.execute(f"PRAGMA journal_size_limit={WAL_PAGES * 2 * 4096}")
        # 6 MiB of page cache (SQLite's default is 2): the pages a filter over a
        # thousand matches reads stay cached, and memory stays bounded.
        db.execute("PRAGMA cache_size=-6144")
        # What was written above (a new file's schema, a migration) committed with
        # SQLite's default synchronous=FULL: durable already.
        self._unsynced = False
        try:  # the log this connection has opened: what sync() flushes from now on
            self._wal = os.open(self._wal_path, os.O_RDONLY)
        except FileNotFoundError:
            pass

    def _header(self) -> tuple[int, int]:
        """The file's application id and schema version, read in one transaction:
        a process making the file commits both at once, and two reads apart could
        see one without the other."""
        db = self.db
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

    def _use_wal(self) -> None:
        """Switch a new file to WAL. The switch needs the file to itself for a
        moment, and SQLite refuses it at once, not after the busy timeout, while
        another connection reads the file (another process opening the same new
        file): so try again until the busy timeout has passed."""
        db = self.db
        deadline = time.monotonic() + self.busy_timeout
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
                    f"switching to WAL for {self.busy_timeout:g} s)"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def error(self, exc: sqlite3.Error, *, opening: bool = False) -> StoreError:
        """A driver error as one line naming the file and what to do."""
        text = str(exc)
        if _busy(exc):
            return StoreError(
                f"{self.path}: the store is busy: another process held it for more than "
                f"{self.busy_timeout:g} s; try again"
            )
        if self.read_only_folder:
            return StoreError(
                f"{self.path}: the store's folder is read-only here, so the store can be "
                f"read but not changed; nothing was written (SQLite writes beside the store: "
                f"use it where its folder can be written)"
            )
        if "readonly" in text or "read-only" in text:
            return StoreError(
                f"{self.path}: the store is read-only here ({text}); nothing was written"
            )
        if "unable to open" in text:
            return StoreError(
                f"{self.path}: cannot open the store ({text}): check the folder exists and "
                f"can be written"
            )
        if opening and isinstance(exc, sqlite3.DatabaseError) and "malformed" not in text:
            return StoreError(f"{self.path}: not a hitl store ({text})")
        return StoreError(
            f"{self.path}: the store is damaged ({text}); restore it from a backup or "
            f"move it aside"
        )

    # -- transactions ----------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            db = self.db
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self.error(exc) from None
            try:
                yield db
            except BaseException as exc:
                db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error) and not isinstance(exc, sqlite3.IntegrityError):
                    raise self.error(exc) from None
                raise
            try:
                db.execute("COMMIT")
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise self.error(exc) from None
            self._unsynced = True

    def read(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self.lock:
            try:
                return self.db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self.error(exc) from None

    def sync(self) -> None:
        """Flush the write-ahead log to disk (one fdatasync), if anything is waiting."""
        with self.lock:
            if not self._unsynced:
                return
            if self.synchronous == "FULL":
                _flush(self._wal_fd())
            self._unsynced = False

    def _wal_fd(self) -> int:
        """The log SQLite writes to, held open from the first flush (SQLite never removes
        it while this connection lives). A log deleted or replaced behind our back holds
        commits that can no longer be made durable, and a new file at its path (another
        process opening the store makes one) is not the one SQLite writes: so that is an
        error, every time, never a flush of the wrong file and never a skip."""
        fd = self._wal
        if fd is None:
            try:
                fd = self._wal = os.open(self._wal_path, os.O_RDONLY)
            except FileNotFoundError:
                raise self._lost_log() from None
        if not os.fstat(fd).st_nlink:
            raise self._lost_log()
        return fd

    def _lost_log(self) -> StoreError:
        return StoreError(
            f"{self.path}: the store's log ({self._wal_path}) was deleted while in use; "
            f"the last answers may not be on disk: close every hitl on this store and "
            f"check it"
        )

    def close(self) -> None:
        """Flush what is waiting and close the file; closing twice is harmless."""
        with self.lock:
            if self._closed:
                return
            self._closed = True
            try:
                self.sync()
            finally:
                if self._wal is not None:
                    os.close(self._wal)
                    self._wal = None
                self.db.close()
