"""Shared helpers of the performance scripts in this folder.

These are benchmark scripts, not tests: pytest collects none of them (they are
named ``bench_*.py``). Run them all with ``python -m tests.perf.run_all``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from flows.gather import GatherFlow
from hitl import MemoryStore, WorkflowCheckpointer
from hitl.checkpoint import owner
from hitl.store.base import COMPLETED, RUNNING, WAITING, CheckpointRecord, RunRecord

ROOT = Path(__file__).resolve().parents[2]

# Four answers of a realistic size (a sentence or two each, as a person types them).
ANSWERS: dict[str, str] = {
    "objective": "Ship the reporting module by the end of the quarter, with tests and docs.",
    "resources": "Two engineers half-time, the staging cluster, a 2k budget for load testing.",
    "approach": "Spike the data model, then build the API, then the UI; review weekly.",
    "notes": "Legal must sign off on data retention before launch.",
}
STEPS_PER_QUESTIONNAIRE = 9  # 5 step checkpoints + 4 human ones


async def questionnaire(ckptr: WorkflowCheckpointer, answers: dict[str, str] = ANSWERS) -> str:
    """One questionnaire as the app drives it: run() to the first question, then
    four answers, awaiting every handler. Returns the run id."""
    handler = ckptr.run()
    await handler
    run_id = handler.run_id
    for name, value in answers.items():
        await ckptr.answer(run_id, **{name: value})
    return run_id


def new_checkpointer(store: Any = None) -> WorkflowCheckpointer:
    return WorkflowCheckpointer(GatherFlow(), store)


# -- statistics and timing -----------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


@contextmanager
def gc_paused(pause: bool = True) -> Iterator[None]:
    """Collect, then keep the cyclic GC off for the timed block (if ``pause``)."""
    gc.collect()
    was = gc.isenabled()
    if pause:
        gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"


def fmt_bytes(n: float) -> str:
    if abs(n) >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if abs(n) >= 1 << 10:
        return f"{n / (1 << 10):.2f} KiB"
    return f"{n:.0f} B"


# -- results --------------------------------------------------------------------------


@dataclass
class Row:
    """One printed figure. ``verdict`` is PASS/FAIL against ``bar``, or "info"."""

    figure: str
    bar: str
    measured: str
    verdict: str = "info"

    @classmethod
    def check(cls, figure: str, bar: str, measured: str, ok: bool) -> Row:
        return cls(figure, bar, measured, "PASS" if ok else "FAIL")


def print_table(title: str, rows: list[Row]) -> None:
    if not rows:
        return
    widths = [
        max(len(h), *(len(getattr(r, f)) for r in rows))
        for h, f in (("figure", "figure"), ("bar", "bar"), ("measured", "measured"))
    ]
    line = "-+-".join("-" * w for w in [*widths, 7])
    print(f"\n== {title}")
    print(" | ".join(h.ljust(w) for h, w in zip(("figure", "bar", "measured", "verdict"),
                                                 [*widths, 7], strict=True)))
    print(line)
    for r in rows:
        print(" | ".join(v.ljust(w) for v, w in zip(
            (r.figure, r.bar, r.measured, r.verdict), [*widths, 7], strict=True)))
    print(flush=True)


def parse_args(description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None
               ) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a fast check")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats (>= 5)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON to FILE")
    parser.add_argument("--dir", metavar="DIR", default=os.environ.get("HITL_PERF_DIR"),
                        help="where to put the SQLite files (default: a temp dir; "
                             "or $HITL_PERF_DIR). Keep it on the disk you care about.")
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    if args.repeats is None:
        args.repeats = 5 if args.quick else 7
    args.repeats = max(5, args.repeats)
    return args


def load_note() -> str:
    """The 1-minute load average, with a warning when other work shares the CPUs."""
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    note = f"load average {load:.2f} on {cores} cores"
    if load > 0.75 * cores:
        note += " -- WARNING: the machine is busy; timings (fsync above all) are noisy"
    return note


def finish(title: str, rows: list[Row], floors: list[Row], args: argparse.Namespace) -> None:
    print_table(f"{title}: floors (measured in this run)", floors)
    print_table(title, rows)
    print(f"({title}: {load_note()})", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({
            "title": title,
            "rows": [asdict(r) for r in rows],
            "floors": [asdict(r) for r in floors],
        }))


@contextmanager
def scratch_dir(base: str | None) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="hitl-perf-", dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# -- the disk: flushes and the write-ahead log ----------------------------------------

_REAL_FSYNC = os.fsync
_REAL_FDATASYNC = getattr(os, "fdatasync", None)


def real_fdatasync(fd: int) -> None:
    """fdatasync (fsync where there is none), never the counting wrapper below."""
    (_REAL_FDATASYNC or _REAL_FSYNC)(fd)


class FlushCounter:
    """Counts the flushes made from Python (``os.fdatasync``/``os.fsync``: the
    engine's ``store.sync()``) while active, split into those on ``target`` (a
    store's ``-wal`` file, told by device and inode; None: count all as other)
    and on any other file.

    SQLite's own syncs happen in C and are not seen: with the store at
    synchronous=NORMAL those are the log's header when it restarts and the two
    of each checkpoint (see ``wal_wraps``). The wrapper costs one fstat per
    flush (about a microsecond).
    """

    def __init__(self, target: str | os.PathLike[str] | None) -> None:
        self.target = None if target is None else Path(target)
        self.on_target = 0
        self.other = 0
        self._key: tuple[int, int] | None = None

    @property
    def total(self) -> int:
        return self.on_target + self.other

    def _count(self, real: Callable[[int], None]) -> Callable[[int], None]:
        def counted(fd: int) -> None:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) == self._key:
                self.on_target += 1
            else:
                self.other += 1
            real(fd)

        return counted

    def __enter__(self) -> FlushCounter:
        if self.target is not None:  # counted apart; it must exist (a store holds it open)
            st = os.stat(self.target)
            self._key = (st.st_dev, st.st_ino)
        os.fsync = self._count(_REAL_FSYNC)
        if _REAL_FDATASYNC is not None:
            os.fdatasync = self._count(_REAL_FDATASYNC)
        return self

    def __exit__(self, *exc: object) -> None:
        os.fsync = _REAL_FSYNC
        if _REAL_FDATASYNC is not None:
            os.fdatasync = _REAL_FDATASYNC


def _wal_header(db_path: str | os.PathLike[str]) -> bytes | None:
    try:
        with open(f"{db_path}-wal", "rb") as f:
            header = f.read(32)
    except FileNotFoundError:
        return None
    return header if len(header) == 32 else None


def wal_wrapped(db_path: str | os.PathLike[str]) -> bool:
    """Whether the database's write-ahead log has restarted from its start at least
    once (after a checkpoint), so it is overwritten in place rather than grown.

    Read from the checkpoint sequence number in the log's header: 0 in a new log,
    at least 1 once any connection has restarted it. (That number counts a
    connection's own restarts, so it is no count across connections: see
    ``wal_salt``.)"""
    header = _wal_header(db_path)
    return header is not None and int.from_bytes(header[12:16], "big") >= 1


def wal_salt(db_path: str | os.PathLike[str]) -> int | None:
    """The log header's first salt, which every restart of the log increments by
    one, whichever connection restarts it: restarts between two readings are
    ``wal_wraps(before, after)``. None with no log."""
    header = _wal_header(db_path)
    return None if header is None else int.from_bytes(header[16:20], "big")


def wal_wraps(before: int | None, after: int | None) -> int | None:
    """How many times the log restarted between two ``wal_salt`` readings (None if
    the log was missing at either). Each restart follows a checkpoint, and costs
    SQLite its own syncs: the log and the database at the checkpoint, the log's
    new header."""
    if before is None or after is None:
        return None
    return (after - before) % (1 << 32)


def wal_size(db_path: str | os.PathLike[str]) -> int:
    try:
        return os.path.getsize(f"{db_path}-wal")
    except FileNotFoundError:
        return 0


def disk_flush_cost(directory: str | os.PathLike[str], n: int = 100) -> dict[str, float]:
    """What one flush costs on this disk (median seconds): a 4 KiB write in place
    in an allocated file + fdatasync; the same appended (the file grows, so the
    file system commits its new size too); an fdatasync with nothing written."""
    path = Path(directory) / "flush-probe.bin"
    block = b"x" * 4096
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.pwrite(fd, b"\0" * (n * 4096), 0)
        real_fdatasync(fd)
        perf = time.perf_counter
        in_place, appended, idle = [], [], []
        end = n * 4096
        for i in range(n):
            t0 = perf()
            os.pwrite(fd, block, i * 4096)
            real_fdatasync(fd)
            t1 = perf()
            os.pwrite(fd, block, end)
            end += 4096
            real_fdatasync(fd)
            t2 = perf()
            real_fdatasync(fd)
            t3 = perf()
            in_place.append(t1 - t0)
            appended.append(t2 - t1)
            idle.append(t3 - t2)
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)
    return {"in_place": median(in_place), "append": median(appended), "idle": median(idle)}


def disk_rows(cost: dict[str, float]) -> list[Row]:
    return [
        Row("disk: 4 KiB written in place + fdatasync", "(floor)", fmt_ms(cost["in_place"])),
        Row("disk: 4 KiB appended (file grows) + fdatasync", "(floor)", fmt_ms(cost["append"])),
        Row("disk: fdatasync with nothing to write", "(floor)", fmt_ms(cost["idle"])),
    ]


# -- process memory -------------------------------------------------------------------


def proc_status(field: str) -> int:
    """A ``/proc/self/status`` memory figure in bytes (VmRSS, VmHWM, ...)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def rss() -> int:
    return proc_status("VmRSS")


def peak_rss() -> int:
    return proc_status("VmHWM")


# -- generated stores: real questionnaire rows, cloned with fresh ids -----------------


@dataclass(frozen=True)
class Template:
    """The stored rows of one real questionnaire, to clone fast."""

    run: RunRecord  # as create_run got it
    checkpoints: list[CheckpointRecord]
    statuses: list[str]  # the run status each append set


def _replace(record: Any, **changes: Any) -> Any:
    """A copy of a store record with ``changes`` (records are dataclasses or NamedTuples)."""
    if hasattr(record, "_replace"):
        return record._replace(**changes)
    return replace(record, **changes)


def _status_of(record: CheckpointRecord) -> str:
    if record.output_type == "StopEvent":
        return COMPLETED
    if record.step == "human":
        return RUNNING
    return WAITING


def make_template(answers_given: int = 4) -> Template:
    """Drive one real questionnaire on a MemoryStore and keep its rows.

    ``answers_given`` < 4 gives an abandoned questionnaire (waiting on a question).
    """
    ckptr = new_checkpointer(MemoryStore())

    async def drive() -> str:
        handler = ckptr.run()
        await handler
        for name in list(ANSWERS)[:answers_given]:
            await ckptr.answer(handler.run_id, **{name: ANSWERS[name]})
        return handler.run_id

    run_id = asyncio.run(drive())
    run = ckptr.store.get_run(run_id)
    records = ckptr.store.run_checkpoints(run_id)
    first = _replace(run, status=RUNNING, tip=None, tip_seq=-1, updated_at=run.created_at)
    return Template(first, records, [_status_of(r) for r in records])


try:  # make ids the way the engine does (random uuid4 or time-ordered, whichever it uses)
    from hitl.ids import new_id as _new_id
except ImportError:  # pragma: no cover
    try:
        from hitl.checkpointer import new_id as _new_id
    except ImportError:
        def _new_id() -> str:
            return str(uuid.uuid4())


def clone_into(store: Any, template: Template, limit: int | None = None) -> str:
    """Write one copy of ``template`` through the store API (create_run, append...),
    with fresh ids made by the engine's id maker. ``limit`` keeps the first rows."""
    run_id = _new_id()
    now = time.time()
    store.create_run(_replace(template.run, run_id=run_id, session=run_id,
                             created_at=now, updated_at=now))
    parent = None
    records = template.checkpoints if limit is None else template.checkpoints[:limit]
    for record, status in zip(records, template.statuses[:len(records)], strict=True):
        cid = _new_id()
        store.append(_replace(record, id=cid, run_id=run_id, parent_id=parent, created_at=now),
                     status, owner())
        parent = cid
    return run_id


def fill_mixed(store: Any, complete: int, abandoned: int, seed: int = 1) -> int:
    """``complete`` questionnaires (9 checkpoints, one ``gather_notes`` each) spread
    evenly among ``abandoned`` ones (7 checkpoints, stopped before the last answer:
    no ``gather_notes``). Returns the number of checkpoints written."""
    import random

    full, part = make_template(4), make_template(3)
    order = [True] * complete + [False] * abandoned
    random.Random(seed).shuffle(order)
    written = 0
    for is_full in order:
        t = full if is_full else part
        clone_into(store, t)
        written += len(t.checkpoints)
    return written


def transactions_in(trace: list[str]) -> int | None:
    """Transactions in a trace of SQL statements: each COMMIT, and each write
    statement run on its own (autocommit: its own transaction). None if no trace."""
    count, explicit = 0, False
    for sql in trace:
        word = sql.split(None, 1)[0].upper() if sql.strip() else ""
        if word == "BEGIN":
            explicit = True
        elif word in ("COMMIT", "END", "ROLLBACK"):
            count += word != "ROLLBACK"
            explicit = False
        elif word in ("INSERT", "UPDATE", "DELETE", "REPLACE") and not explicit:
            count += 1
    return count or None


def row_bytes(row: tuple) -> int:
    """What a row holds: text as UTF-8 bytes, numbers as 8 bytes, NULL as 0."""
    total = 0
    for value in row:
        if value is None:
            continue
        if isinstance(value, str):
            total += len(value.encode())
        elif isinstance(value, bytes):
            total += len(value)
        else:
            total += 8
    return total


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass
