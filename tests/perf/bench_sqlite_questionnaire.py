"""One questionnaire on SqliteStore (WAL, synchronous=FULL) against a floor of
nine raw SQLite WAL commits of the same sizes, measured in the same run.
Bar: at most 1.5x the floor.

The floor: a plain sqlite3 connection, WAL, synchronous=FULL, one table, nine
single-row INSERT transactions (autocommit) whose payload sizes equal the nine
checkpoint rows of a questionnaire stored by SqliteStore (read back from the file).
Floor sets and questionnaires alternate one by one, on the same disk; both are
warmed up to their steady state first (WAL past its first wrap, so auto-checkpoints
are included in both).

    python -m tests.perf.bench_sqlite_questionnaire [--quick] [--dir DIR]
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import asyncio
import sqlite3
import time
from pathlib import Path

from hitl import COMPLETED, SqliteStore
from tests.perf._common import (
    STEPS_PER_QUESTIONNAIRE,
    Row,
    finish,
    fmt_ms,
    gc_paused,
    median,
    new_checkpointer,
    parse_args,
    questionnaire,
    row_bytes,
    scratch_dir,
)

BAR_RATIO = 1.5
CK_COLUMNS = (
    "id, run_id, parent_id, seq, flow, step, input_type, input, output_type, output, "
    "state, created_at"
)


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


async def paired_batch(floor: Floor, ckptr, n: int) -> tuple[float, float]:
    """Seconds per floor set and per questionnaire over ``n`` of each, alternating
    one floor set and one questionnaire so both meet the same disk weather."""
    f_total = o_total = 0.0
    perf = time.perf_counter
    with gc_paused():
        for _ in range(n):
            t0 = perf()
            floor.one_set()
            t1 = perf()
            await questionnaire(ckptr)
            t2 = perf()
            f_total += t1 - t0
            o_total += t2 - t1
    return f_total / n, o_total / n


async def main_async(args) -> None:
    n = 20 if args.quick else 60
    with scratch_dir(args.dir) as d:
        store = SqliteStore(d / "store.db")  # synchronous FULL, the default
        ckptr = new_checkpointer(store)
        for _ in range(40):  # warm-up, past the WAL's first wrap (~7 pages a commit)
            await questionnaire(ckptr)

        # the rows one questionnaire stores, read back from the file
        run_id = await questionnaire(ckptr)
        sizes, run_size = stored_row_sizes(d / "store.db", run_id)
        assert len(sizes) == STEPS_PER_QUESTIONNAIRE
        assert ckptr.get_run(run_id).status == COMPLETED

        # how many commits one questionnaire makes (trace, outside the timing; the
        # bench peeks at the store's connection, and says "n/a" if it cannot)
        seen: list[str] = []
        db = getattr(store, "_db", None)
        if db is not None:
            db.set_trace_callback(seen.append)
        await questionnaire(ckptr)
        if db is not None:
            db.set_trace_callback(None)
        commits = sum(1 for s in seen if s.strip().upper() == "COMMIT") or None

        floor = Floor(d / "floor.db", sizes)
        # Warm the floor up to its steady state too: while its WAL file still grows
        # (the first ~1000 frames, ~100 sets at one frame a commit) each fsync also
        # syncs the file's new size and costs up to ~1.7x more; comparing against
        # that would flatter us.
        for _ in range(300):
            floor.one_set()
        await paired_batch(floor, ckptr, 10)
        ours, floors, ratios = [], [], []
        for _ in range(args.repeats):
            f, o = await paired_batch(floor, ckptr, n)
            floors.append(f)
            ours.append(o)
            ratios.append(o / f)
        floor.close()
        store.close()

    m, f, r = median(ours), median(floors), median(ratios)
    rows = [
        Row.check("SqliteStore questionnaire / floor (median of per-repeat ratios)",
                  f"<= {BAR_RATIO:.2f}x", f"{r:.2f}x", r <= BAR_RATIO),
        Row("  SqliteStore questionnaire (FULL), per questionnaire", "(info)", fmt_ms(m)),
        Row("  ratio of medians", "(info)", f"{m / f:.2f}x"),
        Row("  commits per questionnaire (ours; floor has 9)", "(info)",
            str(commits) if commits else "n/a"),
        Row("  per commit, ours / floor", "(info)",
            f"{(m / commits) / (f / len(sizes)):.2f}x" if commits else "n/a"),
    ]
    floors_rows = [
        Row("floor: 9 raw WAL FULL commits, per set", "(floor)", fmt_ms(f)),
        Row("floor: per raw commit", "(floor)", fmt_ms(f / len(sizes))),
        Row("row sizes used (bytes, seq 0..8)", "(floor)", ",".join(map(str, sizes))),
        Row("run row (not in the floor)", "(floor)", f"{run_size} B"),
    ]
    print(f"questionnaires per repeat: {n}, repeats: {args.repeats}; per-repeat ratios: "
          f"{', '.join(f'{x:.2f}' for x in ratios)}")
    finish("SqliteStore questionnaire", rows, floors_rows, args)


def main() -> None:
    args = parse_args(__doc__)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
