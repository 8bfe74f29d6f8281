"""Memory. Bars: at most 1.5 KB per checkpoint held in MemoryStore; a SqliteStore
reader's RSS grows by at most 2 MiB from 100,000 to 1,000,000 stored checkpoints.

MemoryStore: real questionnaires through the checkpointer into one store, kept
alive; (a) tracemalloc's traced bytes, (b) the process's RSS delta, each divided
by the checkpoints held. Each in its own fresh process.

SqliteStore: one file is filled to 1k, 10k, 100k and 1M checkpoints (``--quick``:
up to 100k) through the store API (create_run, append) with synchronous=NORMAL,
with real questionnaire rows cloned with fresh ids. At each size a fresh process
opens the file (synchronous FULL, as the app does) and reads back through the
checkpointer: checkpoints[run_id] of five runs (events and state decoded) and
filter_checkpoints(run_id=...) of those runs (the bounded reads), then runs()
and filter_checkpoints(last_completed_step="gather_notes") (one match per
questionnaire). It reports its RSS after the reads with their results released
(the bar: at most 2 MiB over the 100k figure at 1M; --quick: 10k -> 100k),
its peak RSS (VmHWM, which must grow: runs() and filter_checkpoints return
lists as large as the store's runs or matches) and SQLite's own heap (its page
cache, bounded by the store's cache_size, is part of the RSS after the reads).

runs() is timed at every size; its floor is a plain SELECT of the run rows
alone, in another fresh process.

    python -m tests.perf.bench_memory [--quick] [--dir DIR]
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import asyncio
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

from hitl import MemoryStore, SqliteStore
from tests.perf._common import (
    ROOT,
    STEPS_PER_QUESTIONNAIRE,
    Row,
    clone_into,
    finish,
    fmt_bytes,
    make_template,
    new_checkpointer,
    parse_args,
    peak_rss,
    proc_status,
    questionnaire,
    rss,
    scratch_dir,
)

BAR_BYTES = 1.5 * 1024
FLAT_BYTES = 2 << 20  # "flat memory": at most 2 MiB more from 100k to 1M checkpoints
MARK = "@@result "


def emit(result: dict) -> None:
    print(MARK + json.dumps(result), flush=True)


def child(*argv: str) -> dict:
    """Run a part in a fresh process; its result dict."""
    out = subprocess.run(
        [sys.executable, "-m", "tests.perf.bench_memory", *argv],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    for line in out.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    raise RuntimeError(f"no result from part {argv}: {out}")


# -- parts (each runs in its own process) ----------------------------------------------


def part_memory_tracemalloc(n: int) -> None:
    import tracemalloc

    async def go() -> dict:
        await questionnaire(new_checkpointer(MemoryStore()))  # warm-up: imports, caches
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        ckptr = new_checkpointer(MemoryStore())
        for _ in range(n):
            await questionnaire(ckptr)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        held = sum(len(ckptr.store.run_checkpoints(r.run_id)) for r in ckptr.store.list_runs())
        return {"bytes": after - before, "checkpoints": held}

    emit(asyncio.run(go()))


def part_memory_rss(n: int) -> None:
    async def go() -> dict:
        for _ in range(20):  # warm-up on a throwaway store
            await questionnaire(new_checkpointer(MemoryStore()))
        gc.collect()
        before = rss()
        ckptr = new_checkpointer(MemoryStore())
        for _ in range(n):
            await questionnaire(ckptr)
        gc.collect()
        after = rss()
        held = sum(len(ckptr.store.run_checkpoints(r.run_id)) for r in ckptr.store.list_runs())
        return {"bytes": after - before, "checkpoints": held}

    emit(asyncio.run(go()))


def _rss_parts() -> dict:
    return {k: proc_status(k) for k in ("VmRSS", "RssAnon", "RssFile", "RssShmem")}


def sqlite_heap() -> tuple[int, int] | None:
    """SQLite's own heap in this process, now and at its highest (its page caches
    among it), from sqlite3_status64; None if the library cannot be reached."""
    try:
        import ctypes

        lib = ctypes.CDLL("libsqlite3.so.0")  # the one _sqlite3 links to, if shared
        cur, high = ctypes.c_int64(), ctypes.c_int64()
        if lib.sqlite3_status64(0, ctypes.byref(cur), ctypes.byref(high), 0) != 0:
            return None
        return cur.value, high.value
    except (OSError, AttributeError):
        return None


def part_sqlite_runs_floor(path: str) -> None:
    """Floor of runs(): every run row by a plain SELECT on a plain connection (no
    join), fetchall, as the first read of a fresh process."""
    import sqlite3

    db = sqlite3.connect(path)
    t0 = time.perf_counter()
    n = len(db.execute("SELECT * FROM runs ORDER BY created_at, rowid").fetchall())
    t1 = time.perf_counter()
    db.close()
    emit({"runs": n, "raw_runs_s": t1 - t0})


def part_sqlite_read(path: str) -> None:
    import sqlite3

    # five run ids spread over the file, found by a plain connection, closed again
    raw = sqlite3.connect(path)
    (n,) = raw.execute("SELECT count(*) FROM runs").fetchone()
    picks = [raw.execute("SELECT run_id FROM runs ORDER BY rowid LIMIT 1 OFFSET ?",
                         (i * (n - 1) // 4,)).fetchone()[0] for i in range(5)]
    raw.close()
    gc.collect()
    base = rss()
    store = SqliteStore(path)
    ckptr = new_checkpointer(store)
    opened = rss()
    t0 = time.perf_counter()
    for run_id in picks:  # bounded reads: a few runs, whatever the store holds
        for cp in ckptr.checkpoints[run_id]:
            decoded = (cp.input_event, cp.output_event, cp.ctx_state)  # decode everything
            assert decoded[1] is not None
        assert ckptr.filter_checkpoints(run_id=run_id, last_completed_step="human")
    gc.collect()
    bounded = rss()
    t1 = time.perf_counter()
    n_runs = len(ckptr.runs())  # reads as large as the store: every run, every match
    t2 = time.perf_counter()
    n_found = len(ckptr.filter_checkpoints(last_completed_step="gather_notes"))
    t3 = time.perf_counter()
    read_s = t3 - t0
    gc.collect()
    after = rss()
    parts = _rss_parts()
    peak = peak_rss()
    heap = sqlite_heap()
    db = getattr(store, "_db", None)  # peeks at the store's page cache setting
    cache = db.execute("PRAGMA cache_size").fetchone()[0] if db is not None else None
    try:  # diagnostic: how much of "after" is free heap glibc has not handed back
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
        trimmed = rss()
    except OSError:
        trimmed = after
    store.close()
    emit({"base": base, "opened": opened, "bounded": bounded, "after": after,
          "peak": peak, "runs": n_runs, "matches": n_found, "read_s": read_s,
          "trimmed": trimmed, "bounded_s": t1 - t0, "runs_s": t2 - t1, "filter_s": t3 - t2,
          "sqlite_heap": heap[0] if heap else None, "sqlite_heap_peak": heap[1] if heap else None,
          "cache_size": cache, **parts})


# -- the bench ---------------------------------------------------------------------------


def sqlite_levels(args, d: Path) -> list[dict]:
    levels = [1_000, 10_000, 100_000] + ([] if args.quick else [1_000_000])
    path = d / "flat.db"
    store = SqliteStore(path, synchronous="NORMAL")  # fill fast (the reader uses FULL)
    template = make_template(4)
    held = 0
    results = []
    for level in levels:
        t0 = time.perf_counter()
        while held < level:
            clone_into(store, template)
            held += STEPS_PER_QUESTIONNAIRE
        fill_s = time.perf_counter() - t0
        gc.collect()
        r = child("--part", "sqlite-read", str(path))
        r.update(level=level, checkpoints=held, fill_s=fill_s, writer_rss=rss())
        floor = child("--part", "sqlite-runs-floor", str(path))
        assert floor["runs"] == r["runs"], (floor, r["runs"])
        r["raw_runs_s"] = floor["raw_runs_s"]
        results.append(r)
        print(f"  {held:>9,} checkpoints: filled in {fill_s:6.1f} s; reader RSS after "
              f"{fmt_bytes(r['after'])}, peak {fmt_bytes(r['peak'])}, read in "
              f"{r['read_s']:.2f} s (runs() {r['runs_s']:.3f} s, raw SELECT of the runs "
              f"{r['raw_runs_s']:.3f} s); writer RSS {fmt_bytes(r['writer_rss'])}", flush=True)
    store.close()
    return results


def main() -> None:
    def extra(p):
        p.add_argument("--part", help="internal: run one part in this process")
        p.add_argument("part_args", nargs="*", help="internal")

    args = parse_args(__doc__, extra)
    if args.part == "memory-tracemalloc":
        return part_memory_tracemalloc(int(args.part_args[0]))
    if args.part == "memory-rss":
        return part_memory_rss(int(args.part_args[0]))
    if args.part == "sqlite-read":
        return part_sqlite_read(args.part_args[0])
    if args.part == "sqlite-runs-floor":
        return part_sqlite_runs_floor(args.part_args[0])

    n_trace = 500 if args.quick else 2_000
    n_rss = 5_000 if args.quick else 20_000
    print("MemoryStore: tracemalloc and RSS parts ...", flush=True)
    traced = child("--part", "memory-tracemalloc", str(n_trace))
    resident = child("--part", "memory-rss", str(n_rss))
    per_traced = traced["bytes"] / traced["checkpoints"]
    per_rss = resident["bytes"] / resident["checkpoints"]
    rows = [
        Row.check(f"MemoryStore bytes per checkpoint, tracemalloc "
                  f"({traced['checkpoints']:,} held)", "<= 1.50 KiB",
                  fmt_bytes(per_traced), per_traced <= BAR_BYTES),
        Row.check(f"MemoryStore bytes per checkpoint, RSS delta "
                  f"({resident['checkpoints']:,} held)", "<= 1.50 KiB",
                  fmt_bytes(per_rss), per_rss <= BAR_BYTES),
    ]

    print("SqliteStore: filling one file level by level (store API, synchronous=NORMAL) ...",
          flush=True)
    with scratch_dir(args.dir) as d:
        levels = sqlite_levels(args, d)
    first, last = levels[-2], levels[-1]  # 100k -> 1M (quick: 10k -> 100k)
    floors: list[Row] = []
    limit = first["after"] + FLAT_BYTES
    rows.append(Row.check(
        f"SqliteStore reader RSS after reading every run and match, {first['checkpoints']:,} -> "
        f"{last['checkpoints']:,} checkpoints",
        f"<= +2 MiB (<= {fmt_bytes(limit)})",
        f"{fmt_bytes(first['after'])} -> {fmt_bytes(last['after'])}",
        last["after"] <= limit,
    ))
    for r in levels:
        rows.append(Row(
            f"  {r['checkpoints']:>9,} ckpts: RSS open / bounded reads / after all / peak",
            "(info)",
            f"{fmt_bytes(r['opened'])} / {fmt_bytes(r['bounded'])} / "
            f"{fmt_bytes(r['after'])} / {fmt_bytes(r['peak'])}",
        ))
    for r in levels:
        rows.append(Row(
            f"  {r['checkpoints']:>9,} ckpts: after all = anon + file + shmem; after malloc_trim",
            "(info)",
            f"{fmt_bytes(r['RssAnon'])} + {fmt_bytes(r['RssFile'])} + "
            f"{fmt_bytes(r['RssShmem'])}; {fmt_bytes(r['trimmed'])}",
        ))
    for r in levels:
        rows.append(Row(
            f"  {r['checkpoints']:>9,} ckpts: runs() rows, gather_notes matches; time of "
            "bounded reads, runs(), filter", "(info)",
            f"{r['runs']:,}, {r['matches']:,}; {r['bounded_s'] * 1e3:.1f} ms, "
            f"{r['runs_s']:.2f} s, {r['filter_s']:.2f} s"))
    for r in levels:
        heap = "n/a" if r["sqlite_heap"] is None else (
            f"{fmt_bytes(r['sqlite_heap'])} (peak {fmt_bytes(r['sqlite_heap_peak'])})")
        cache = "" if r["cache_size"] is None else (
            f"; store's cache_size {r['cache_size']}"
            + (f" (= {fmt_bytes(-r['cache_size'] * 1024)} per connection)"
               if r["cache_size"] < 0 else " pages"))
        rows.append(Row(
            f"  {r['checkpoints']:>9,} ckpts: SQLite's own heap after all reads "
            "(page cache among it)", "(info)", heap + cache))
    rows.append(Row(
        f"SqliteStore runs() at {last['checkpoints']:,} checkpoints ({last['runs']:,} runs; "
        "tip and status joined from each run's latest checkpoint)", "(info)",
        f"{last['runs_s']:.3f} s ({last['runs_s'] / last['runs'] * 1e6:.1f} us per run)"))
    rows.append(Row(
        "  runs() / raw SELECT of the run rows alone (no join), each a fresh process's "
        "first read", "(info)",
        " ; ".join(f"{r['checkpoints']:,}: {r['runs_s'] / r['raw_runs_s']:.1f}x"
                   for r in levels if r["raw_runs_s"] > 0)))
    floors += [
        Row(f"raw SELECT * FROM runs + fetchall, {r['checkpoints']:,} checkpoints "
            f"({r['runs']:,} runs)", "(floor)", f"{r['raw_runs_s'] * 1e3:.1f} ms")
        for r in levels
    ]
    bounded_limit = first["bounded"] + (limit - first["after"])
    rows.append(Row.check(
        f"SqliteStore bounded reads RSS (5 runs), {first['checkpoints']:,} -> "
        f"{last['checkpoints']:,}", f"<= +2 MiB (<= {fmt_bytes(bounded_limit)})",
        f"{fmt_bytes(first['bounded'])} -> {fmt_bytes(last['bounded'])}",
        last["bounded"] <= bounded_limit,
    ))
    rows.append(Row(
        "  writer (filler) RSS, first -> last level", "(info)",
        f"{fmt_bytes(first['writer_rss'])} -> {fmt_bytes(last['writer_rss'])}"))
    rows.append(Row(f"  fill, {last['checkpoints']:,} checkpoints via store API, NORMAL",
                    "(info)", f"{sum(r['fill_s'] for r in levels):.1f} s"))
    floors.insert(0, Row("reader baseline RSS (imports only, before opening)", "(floor)",
                         fmt_bytes(first["base"])))
    finish("Memory", rows, floors, args)


if __name__ == "__main__":
    main()
