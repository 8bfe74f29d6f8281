"""filter_checkpoints by step, on both stores. Bar: at most 5 ms over 10,000
stored checkpoints, growing with the matches, not with the store.

Stores are filled through the store API with real questionnaire rows (cloned
with fresh ids from the engine's id maker): completed questionnaires (9 checkpoints, one
``gather_notes``) spread among abandoned ones (7 checkpoints, stopped before the
last answer, no ``gather_notes``), so the number of matches is set apart from
the store's size. 10k stored with 1,111 matches is a store of completed
questionnaires only.

SqliteStore answers both filters from indexes: by step through the one
(flow, step, input_type, output_type) index (the engine seeks each (step, input
type) pair its workflow allows), by run through UNIQUE (run_id, seq). The bench
captures the engine's SQL and checks SQLite's plan searches an index (and prints
it), so the figures stay those of an index, not of a scan. The floor's
``WHERE flow=? AND step=?`` uses the same index's first two columns. Both sort
their matches for ``ORDER BY n`` (a temp B-tree in the plan): the index orders a
step's entries by input and output type before the row id. That sort is
n log n in the matches; at 1,111 matches it is a small part of the time.

    python -m tests.perf.bench_filter [--quick] [--dir DIR]
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlite3
import time
from collections.abc import Callable

from hitl import MemoryStore, SqliteStore
from tests.perf._common import (
    Row,
    fill_mixed,
    finish,
    fmt_ms,
    gc_paused,
    median,
    new_checkpointer,
    parse_args,
    scratch_dir,
)

BAR_S = 5e-3
BAR_STORE_GROWTH = 1.5  # t(100k stored) / t(10k stored) at equal matches
STEP = "gather_notes"
FEW, MANY = 111, 1111
SIZES = (10_000, 100_000)
FLOOR_SQL = ("SELECT id, run_id, parent_id, seq, flow, step, input_type, input, output_type, "
             "output, state, created_at FROM checkpoints WHERE flow=? AND step=? ORDER BY n")


def layout(total: int, matches: int) -> tuple[int, int]:
    """(completed, abandoned) questionnaires giving about ``total`` checkpoints."""
    abandoned = max(0, round((total - 9 * matches) / 7))
    return matches, abandoned


MIN_SAMPLED_S = 0.25  # sample each figure for at least this long (short ones get more)
MAX_SAMPLES = 2000


def sampled(fn: Callable[[], object], repeats: int) -> float:
    """Median seconds of ``fn()``: at least ``repeats`` samples and at least
    MIN_SAMPLED_S of them (so a sub-millisecond figure is not a few milliseconds
    of one moment of a shared machine), at most MAX_SAMPLES."""
    samples: list[float] = []
    total = 0.0
    perf = time.perf_counter
    with gc_paused():
        while len(samples) < repeats or (total < MIN_SAMPLED_S and len(samples) < MAX_SAMPLES):
            t0 = perf()
            fn()
            dt = perf() - t0
            samples.append(dt)
            total += dt
    return median(samples)


def time_filter(ckptr, expected: int, repeats: int) -> float:
    for _ in range(3):  # warm-up
        found = ckptr.filter_checkpoints(last_completed_step=STEP)
    assert len(found) == expected, (len(found), expected)
    del found
    return sampled(lambda: ckptr.filter_checkpoints(last_completed_step=STEP), repeats)


def time_run_filter(ckptr, repeats: int) -> float:
    """filter_checkpoints(run_id=..., last_completed_step="human") of one run: a read
    bounded by the run (4 matches at most), whatever the store holds."""
    runs = ckptr.runs()
    run_id = runs[len(runs) // 2].run_id
    del runs
    for _ in range(3):
        found = ckptr.filter_checkpoints(run_id=run_id, last_completed_step="human")
    assert 3 <= len(found) <= 4, len(found)
    return sampled(
        lambda: ckptr.filter_checkpoints(run_id=run_id, last_completed_step="human"), repeats)


def time_raw_select(path, expected: int, repeats: int) -> float:
    """Floor: the same rows by a plain SELECT on a plain connection, fetchall."""
    db = sqlite3.connect(path)
    for _ in range(3):
        rows = db.execute(FLOOR_SQL, ("gather", STEP)).fetchall()
    assert len(rows) == expected
    del rows
    t = sampled(lambda: db.execute(FLOOR_SQL, ("gather", STEP)).fetchall(), repeats)
    db.close()
    return t


def query_plans(store, ckptr, path) -> list[tuple[str, str]]:
    """(query, SQLite's plan) for the engine's filter by step, its filter by run,
    and the floor's SELECT; raises if any of them scans the checkpoints table
    instead of searching an index (then the bench would not measure an index)."""
    seen: list[str] = []
    db = store._db  # peeks at the store's connection to capture its SQL
    run_id = ckptr.runs()[0].run_id
    db.set_trace_callback(seen.append)  # statements with their parameters expanded
    try:
        ckptr.filter_checkpoints(last_completed_step=STEP)
        ckptr.filter_checkpoints(run_id=run_id, last_completed_step="human")
    finally:
        db.set_trace_callback(None)
    selects = [q for q in seen if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, seen
    raw = sqlite3.connect(path)
    try:
        out = []
        for name, sql in (("engine, by step", selects[0]), ("engine, by run_id+step", selects[1]),
                          ("floor", FLOOR_SQL.replace("?", "'%s'") % ("gather", STEP))):
            plan = "; ".join(r[3] for r in raw.execute("EXPLAIN QUERY PLAN " + sql))
            if "SCAN checkpoints" in plan or "checkpoints USING" not in plan:
                raise AssertionError(f"{name}: no index search: {plan}\n{sql}")
            out.append((name, plan))
    finally:
        raw.close()
    return out


def main() -> None:
    args = parse_args(__doc__)
    repeats = max(args.repeats, 9)
    rows: list[Row] = []
    floors: list[Row] = []
    plans: list[tuple[str, str]] = []
    with scratch_dir(args.dir) as d:
        for kind in ("MemoryStore", "SqliteStore"):
            t: dict[tuple[int, int], float] = {}
            by_run: dict[int, float] = {}
            stored: dict[tuple[int, int], int] = {}
            for total in SIZES:
                for matches in (FEW, MANY):
                    complete, abandoned = layout(total, matches)
                    t_fill = time.perf_counter()
                    if kind == "MemoryStore":
                        store = MemoryStore()
                        n = fill_mixed(store, complete, abandoned)
                        ckptr = new_checkpointer(store)
                        t[total, matches] = time_filter(ckptr, matches, repeats)
                        if matches == FEW:
                            by_run[total] = time_run_filter(ckptr, repeats)
                    else:
                        path = d / f"filter-{total}-{matches}.db"
                        fill = SqliteStore(path, synchronous="NORMAL")  # fill fast
                        n = fill_mixed(fill, complete, abandoned)
                        fill.close()
                        store = SqliteStore(path)  # read as the app opens it (FULL)
                        ckptr = new_checkpointer(store)
                        t[total, matches] = time_filter(ckptr, matches, repeats)
                        if matches == FEW:
                            by_run[total] = time_run_filter(ckptr, repeats)
                        if not plans:
                            plans = query_plans(store, ckptr, path)
                        raw = time_raw_select(path, matches, repeats)
                        floors.append(Row(f"floor: raw SELECT+fetchall, {n:,} stored, "
                                          f"{matches:,} matches", "(floor)", fmt_ms(raw)))
                        store.close()
                    stored[total, matches] = n
                    print(f"{kind}: {n:,} stored, {matches:,} matches: "
                          f"{fmt_ms(t[total, matches])} (filled in "
                          f"{time.perf_counter() - t_fill:.1f} s)", flush=True)
                    del store, ckptr
            small, big = SIZES
            bar_t = t[small, MANY]
            growth = t[big, FEW] / t[small, FEW]
            growth_many = t[big, MANY] / t[small, MANY]
            more = t[small, MANY] / t[small, FEW]
            rows += [
                Row.check(f"{kind} filter by step, {stored[small, MANY]:,} stored, "
                          f"{MANY:,} matches", "<= 5.000 ms", fmt_ms(bar_t), bar_t <= BAR_S),
                Row(f"  {stored[small, FEW]:,} stored, {FEW:,} matches", "(info)",
                    fmt_ms(t[small, FEW])),
                Row(f"  {stored[big, FEW]:,} stored, {FEW:,} matches", "(info)",
                    fmt_ms(t[big, FEW])),
                Row(f"  {stored[big, MANY]:,} stored, {MANY:,} matches", "(info)",
                    fmt_ms(t[big, MANY])),
                Row.check(f"  store x10, same {FEW:,} matches: time ratio",
                          f"<= {BAR_STORE_GROWTH:.1f}x", f"{growth:.2f}x",
                          growth <= BAR_STORE_GROWTH),
                Row.check(f"  store x10, same {MANY:,} matches: time ratio",
                          f"<= {BAR_STORE_GROWTH:.1f}x", f"{growth_many:.2f}x",
                          growth_many <= BAR_STORE_GROWTH),
                Row(f"  matches x10 ({FEW:,} -> {MANY:,}), same store: time ratio",
                    "(info, ~10x)", f"{more:.2f}x"),
                Row("  per match (10k stored, many matches)", "(info)",
                    f"{bar_t / MANY * 1e6:.2f} us"),
                Row(f"  extra: filter by run_id+step (one run), {stored[small, FEW]:,} -> "
                    f"{stored[big, FEW]:,} stored", "(info)",
                    f"{fmt_ms(by_run[small])} -> {fmt_ms(by_run[big])}"),
                Row.check("  extra: filter by run_id+step, store x10: time ratio",
                          f"<= {BAR_STORE_GROWTH:.1f}x", f"{by_run[big] / by_run[small]:.2f}x",
                          by_run[big] / by_run[small] <= BAR_STORE_GROWTH),
            ]
    rows += [Row(f"SqliteStore query plan, {name}", "(info: an index search)", plan)
             for name, plan in plans]
    finish("filter_checkpoints by step", rows, floors, args)


if __name__ == "__main__":
    main()
