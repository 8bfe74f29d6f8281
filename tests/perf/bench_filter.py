"""filter_checkpoints by step, on both stores. Bar: at most 5 ms over 10,000
stored checkpoints, growing with the matches, not with the store.

Stores are filled through the store API with real questionnaire rows (cloned
with fresh ids from the engine's id maker): completed questionnaires (9 checkpoints, one
``gather_notes``) spread among abandoned ones (7 checkpoints, stopped before the
last answer, no ``gather_notes``), so the number of matches is set apart from
the store's size. 10k stored with 1,111 matches is a store of completed
questionnaires only.

    python -m tests.perf.bench_filter [--quick] [--dir DIR]
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlite3
import time

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


def layout(total: int, matches: int) -> tuple[int, int]:
    """(completed, abandoned) questionnaires giving about ``total`` checkpoints."""
    abandoned = max(0, round((total - 9 * matches) / 7))
    return matches, abandoned


def time_filter(ckptr, expected: int, repeats: int) -> float:
    for _ in range(3):  # warm-up
        found = ckptr.filter_checkpoints(last_completed_step=STEP)
    assert len(found) == expected, (len(found), expected)
    del found
    samples = []
    with gc_paused():
        for _ in range(repeats):
            t0 = time.perf_counter()
            ckptr.filter_checkpoints(last_completed_step=STEP)
            samples.append(time.perf_counter() - t0)
    return median(samples)


def time_run_filter(ckptr, repeats: int) -> float:
    """filter_checkpoints(run_id=..., last_completed_step="human") of one run: a read
    bounded by the run (4 matches at most), whatever the store holds."""
    runs = ckptr.runs()
    run_id = runs[len(runs) // 2].run_id
    del runs
    for _ in range(3):
        found = ckptr.filter_checkpoints(run_id=run_id, last_completed_step="human")
    assert 3 <= len(found) <= 4, len(found)
    samples = []
    with gc_paused():
        for _ in range(repeats):
            t0 = time.perf_counter()
            ckptr.filter_checkpoints(run_id=run_id, last_completed_step="human")
            samples.append(time.perf_counter() - t0)
    return median(samples)


def time_raw_select(path, expected: int, repeats: int) -> float:
    """Floor: the same rows by a plain SELECT on a plain connection, fetchall."""
    db = sqlite3.connect(path)
    sql = ("SELECT id, run_id, parent_id, seq, flow, step, input_type, input, output_type, "
           "output, state, created_at FROM checkpoints WHERE flow=? AND step=? ORDER BY n")
    for _ in range(3):
        rows = db.execute(sql, ("gather", STEP)).fetchall()
    assert len(rows) == expected
    samples = []
    with gc_paused():
        for _ in range(repeats):
            t0 = time.perf_counter()
            db.execute(sql, ("gather", STEP)).fetchall()
            samples.append(time.perf_counter() - t0)
    db.close()
    return median(samples)


def main() -> None:
    args = parse_args(__doc__)
    repeats = max(args.repeats, 9)
    rows: list[Row] = []
    floors: list[Row] = []
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
    finish("filter_checkpoints by step", rows, floors, args)


if __name__ == "__main__":
    main()
