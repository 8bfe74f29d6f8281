"""One questionnaire on SqliteStore (synchronous="FULL", the default) against a
floor of five raw SQLite WAL synchronous=FULL commits holding the same rows,
measured in the same run. Bar: at most 1.2x (the physical one: five acknowledged
writes need five flushes to disk). Also against nine raw commits, one a row.

The five-commit floor: a plain sqlite3 connection, WAL, synchronous=FULL, one
table, five transactions of the rows the store writes between the engine's
flushes (the run's row and the first checkpoint; then each answer and the step
it lets run), each row of the size SqliteStore stored (read back from the file).

The nine-commit floor: a plain sqlite3 connection, WAL, synchronous=FULL, one table, nine
single-row INSERT transactions (autocommit) whose payload sizes equal the nine
checkpoint rows of a questionnaire stored by SqliteStore (read back from the
file): nine commits, nine fsyncs of the log.

What the store does instead (group commit): its transactions commit to the log at
synchronous=NORMAL, and the engine flushes the log (one fdatasync) before
run()/answer() return. A questionnaire is 10 transactions (the run's row, then
nine checkpoints) and 5 flushes (run() and the four answers). The bench counts
both: transactions by tracing the store's connection (one questionnaire, outside
the timing), flushes by wrapping os.fdatasync/os.fsync during the timed loop
(those on the store's -wal file). It also times a second floor making the
store's commits and flushes with no engine: 10 raw single-row commits at NORMAL
with the store's log settings into one table with no index (so fewer pages per
commit than the store's indexed tables), the log flushed at the same five points.

Floor sets and questionnaires alternate one by one, on the same disk (the second
floor runs after each such batch, apart); all are warmed up to their steady state
first (the log past its first wrap: overwritten in place, not grown), so the
checkpoints SQLite runs as the log fills are timed in all.

    python -m tests.perf.bench_sqlite_questionnaire [--quick] [--dir DIR]
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import asyncio
import os
import sqlite3
import time
from pathlib import Path

from hitl import COMPLETED, SqliteStore
from hitl.store.sqlite_file import WAL_PAGES
from tests.perf._common import (
    STEPS_PER_QUESTIONNAIRE,
    FlushCounter,
    Row,
    disk_flush_cost,
    disk_rows,
    finish,
    fmt_ms,
    gc_paused,
    median,
    new_checkpointer,
    parse_args,
    questionnaire,
    real_fdatasync,
    row_bytes,
    scratch_dir,
    transactions_in,
    wal_salt,
    wal_wrapped,
    wal_wraps,
)

BAR_RATIO = 1.2
CK_COLUMNS = (
    "id, run_id, parent_id, seq, flow, step, input_type, input, output_type, output, "
    "state, created_at"
)
# After which of the 10 transactions (0: the run's row, 1..9: checkpoints) the
# engine flushes the log: run() returns after the first question (checkpoint 0),
# each answer after the step it lets run (two checkpoints: the answer, the step).
FLUSH_AFTER = (1, 3, 5, 7, 9)


def stored_row_sizes(path: Path, run_id: str) -> tuple[list[int], int]:
    """Bytes held by each checkpoint row of ``run_id`` (seq order), and by its run row."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute(
            f"SELECT {CK_COLUMNS} FROM checkpoints WHERE run_id=? ORDER BY seq", (run_id,)
        ).fetchall()
        run = db.execute("SELECT * FROM runs WHERE run_id=?", (run_id,)).fetchone()
    finally:
        db.close()
    return [row_bytes(r) for r in rows], row_bytes(run)


class Floor:
    """Raw commits: WAL, synchronous=FULL, one table, one row per transaction."""

    def __init__(self, path: Path, sizes: list[int]) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY, payload TEXT)")
        self.payloads = ["x" * s for s in sizes]

    def one_set(self) -> None:
        execute = self.db.execute
        for p in self.payloads:
            execute("INSERT INTO t (payload) VALUES (?)", (p,))  # autocommit: one each

    def close(self) -> None:
        self.db.close()


class FiveFloor(Floor):
    """Raw commits as the engine flushes: WAL, synchronous=FULL, one table, the
    run's row and nine checkpoint rows in five transactions (5 fsyncs)."""

    def __init__(self, path: Path, sizes: list[int]) -> None:
        super().__init__(path, sizes)
        groups, start = [], 0
        for end in FLUSH_AFTER:
            groups.append([(p,) for p in self.payloads[start:end + 1]])
            start = end + 1
        self.groups = groups

    def one_set(self) -> None:
        execute, executemany = self.db.execute, self.db.executemany
        for rows in self.groups:
            execute("BEGIN")
            executemany("INSERT INTO t (payload) VALUES (?)", rows)
            execute("COMMIT")


class GroupFloor(Floor):
    """The store's commits and flushes with no engine: WAL at synchronous=NORMAL
    with the store's log settings, 10 single-row commits (the run's row, nine
    checkpoints) into one table with no index, the log flushed as the store does
    (open, fdatasync, close) at the five points the engine flushes."""

    def __init__(self, path: Path, sizes: list[int]) -> None:
        super().__init__(path, sizes)
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f"PRAGMA wal_autocheckpoint={WAL_PAGES}")
        self.db.execute(f"PRAGMA journal_size_limit={WAL_PAGES * 4096}")
        self.wal = f"{path}-wal"

    def one_set(self) -> None:
        execute = self.db.execute
        for i, p in enumerate(self.payloads):
            execute("INSERT INTO t (payload) VALUES (?)", (p,))
            if i in FLUSH_AFTER:
                fd = os.open(self.wal, os.O_RDONLY)
                try:
                    real_fdatasync(fd)
                finally:
                    os.close(fd)


async def paired_batch(floor: Floor, five: Floor, ckptr, n: int
                       ) -> tuple[float, float, float]:
    """Seconds per nine-commit set, five-commit set and questionnaire over ``n``
    of each, alternating one of each so all meet the same disk weather."""
    f_total = v_total = o_total = 0.0
    perf = time.perf_counter
    with gc_paused():
        for _ in range(n):
            t0 = perf()
            floor.one_set()
            t1 = perf()
            five.one_set()
            t2 = perf()
            await questionnaire(ckptr)
            t3 = perf()
            f_total += t1 - t0
            v_total += t2 - t1
            o_total += t3 - t2
    return f_total / n, v_total / n, o_total / n


def group_batch(group: GroupFloor, n: int) -> float:
    """Seconds per set of the raw commits-and-flushes floor, over ``n``: run after
    each paired batch, apart from it, so the bar's pairs are as they always were."""
    perf = time.perf_counter
    with gc_paused():
        t0 = perf()
        for _ in range(n):
            group.one_set()
        return (perf() - t0) / n


async def warm_past_first_wrap(step, path: Path, at_least: int) -> int:
    """Call ``step`` (a coroutine function) at least ``at_least`` times and until
    the log at ``path`` has restarted once; how many calls it took."""
    calls = 0
    while calls < at_least or not wal_wrapped(path):
        await step()
        calls += 1
        if calls > 100_000:
            raise RuntimeError(f"{path}: the log never wrapped")
    return calls


async def main_async(args) -> None:
    n = 20 if args.quick else 60
    with scratch_dir(args.dir) as d:
        disk = disk_flush_cost(d)
        store_path = d / "store.db"
        store = SqliteStore(store_path)  # synchronous FULL, the default
        ckptr = new_checkpointer(store)

        async def one_questionnaire() -> None:
            await questionnaire(ckptr)

        warm_ours = await warm_past_first_wrap(one_questionnaire, store_path, 40)

        # the rows one questionnaire stores, read back from the file
        run_id = await questionnaire(ckptr)
        sizes, run_size = stored_row_sizes(store_path, run_id)
        assert len(sizes) == STEPS_PER_QUESTIONNAIRE
        assert ckptr.get_run(run_id).status == COMPLETED

        # transactions of one questionnaire (traced outside the timing; the bench
        # peeks at the store's connection, and says "n/a" if it cannot)
        seen: list[str] = []
        db = getattr(store, "_db", None)
        if db is not None:
            db.set_trace_callback(seen.append)
        await questionnaire(ckptr)
        if db is not None:
            db.set_trace_callback(None)
        transactions = transactions_in(seen)

        floor = Floor(d / "floor.db", sizes)
        group = GroupFloor(d / "group.db", [run_size, *sizes])
        five = FiveFloor(d / "five.db", [run_size, *sizes])

        async def one_floor_set() -> None:
            floor.one_set()

        async def one_group_set() -> None:
            group.one_set()

        warm_floor = await warm_past_first_wrap(one_floor_set, d / "floor.db", 300)
        warm_group = await warm_past_first_wrap(one_group_set, d / "group.db", 40)

        async def one_five_set() -> None:
            five.one_set()

        await warm_past_first_wrap(one_five_set, d / "five.db", 40)
        await paired_batch(floor, five, ckptr, 10)
        group_batch(group, 10)

        ours, floors, groups, ratios, fives, ratios9 = [], [], [], [], [], []
        counted_wal = counted_other = 0
        logs = (store_path, d / "floor.db", d / "group.db")
        salts_before = [wal_salt(p) for p in logs]
        for _ in range(args.repeats):
            with FlushCounter(f"{store_path}-wal") as flushes:
                f, v, o = await paired_batch(floor, five, ckptr, n)
            counted_wal += flushes.on_target
            counted_other += flushes.other
            groups.append(group_batch(group, n))
            floors.append(f)
            fives.append(v)
            ours.append(o)
            ratios.append(o / v)
            ratios9.append(o / f)
        wraps = [wal_wraps(a, wal_salt(p)) for a, p in zip(salts_before, logs, strict=True)]
        timed = n * args.repeats
        floor.close()
        group.close()
        five.close()
        store.close()

    m, f, g, r = median(ours), median(floors), median(groups), median(ratios)
    v, r9 = median(fives), median(ratios9)
    per_flush = counted_wal / timed
    rows = [
        Row.check("durable questionnaire (start + 4 answers) on SqliteStore (FULL) / five raw "
                  "WAL synchronous=FULL commits of the same rows (median of per-repeat ratios)",
                  f"<= {BAR_RATIO:.2f}x", f"{r:.2f}x ({fmt_ms(m)} / {fmt_ms(v)})",
                  r <= BAR_RATIO),
        Row("  ratio of medians", "(info)", f"{m / v:.2f}x"),
        Row("  same / nine raw FULL commits, one a row", "(info)",
            f"{r9:.2f}x ({fmt_ms(m)} / {fmt_ms(f)})"),
        Row("  transactions per questionnaire (floor: 9 commits)", "(info)",
            str(transactions) if transactions else "n/a"),
        Row("  flushes to disk per questionnaire: the engine's fdatasync of the -wal "
            "(floor: 9 fsyncs, one per FULL commit)", "(info)",
            f"{per_flush:.2f}" + (f" (+{counted_other / timed:.2f} on other files)"
                                  if counted_other else "")),
        Row("  log wraps while timed, ours / floor (each: SQLite's checkpoint and "
            "header syncs)", "(info)",
            f"{wraps[0]} in {timed} questionnaires / {wraps[1]} in {timed} sets"),
        Row("  per transaction (ours) / per commit (floor)", "(info)",
            f"{(m / transactions) / (f / len(sizes)):.2f}x" if transactions else "n/a"),
        Row("  ours / our commits and flushes with no engine and no index "
            "(10 NORMAL commits, 5 fdatasyncs)", "(info)", f"{m / g:.2f}x"),
    ]
    floors_rows = [
        Row("floor: 5 raw WAL FULL commits of the same rows (5 fsyncs), per set", "(floor)",
            fmt_ms(v)),
        Row("floor: 9 raw WAL FULL commits (9 fsyncs), per set", "(floor)", fmt_ms(f)),
        Row("floor: per raw commit", "(floor)", fmt_ms(f / len(sizes))),
        Row("our commits and flushes, raw: 10 WAL NORMAL commits (one table, no index) "
            "+ 5 fdatasyncs, per set", "(floor)", fmt_ms(g)),
        Row("row sizes used (bytes, seq 0..8)", "(floor)", ",".join(map(str, sizes))),
        Row("run row (not in the 9-commit floor)", "(floor)", f"{run_size} B"),
        Row("warm-up to the log's first wrap: questionnaires / floor sets", "(floor)",
            f"{warm_ours} / {warm_floor} (raw commits-and-flushes floor: {warm_group})"),
        *disk_rows(disk),
    ]
    print(f"questionnaires per repeat: {n}, repeats: {args.repeats}; "
          "per-repeat ratios to five commits: "
          f"{', '.join(f'{x:.2f}' for x in ratios)}; engine flushes counted: "
          f"{counted_wal} on the -wal, {counted_other} elsewhere, in {timed} "
          "questionnaires")
    finish("SqliteStore questionnaire", rows, floors_rows, args)


def main() -> None:
    args = parse_args(__doc__)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
