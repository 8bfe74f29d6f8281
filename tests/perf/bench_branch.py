"""Branching from a past answer to the next question, from a fresh checkpointer on
an existing file. Bars, each against a raw floor of the same condition measured in
the same run: warm (the file held open by another process, as the UI holds it)
at most 1.5x a fresh raw connection making the branch's two FULL commits; cold
(the first open of a file nothing holds) at most 1.3x the same raw open and
commits on a cold file.

Each sample: open a fresh SqliteStore (synchronous FULL, the default) on a file
that holds questionnaires and a fresh WorkflowCheckpointer on it; take a past
human checkpoint (the ``resources`` answer) by id, edit its output_event's answer,
``run_from`` it and await the handler to the next question (ApproachEvent); then
close the store (not timed). Times are given with and without the cost of opening
the store and checkpointer, in two conditions of the file:

- cold: no other connection holds the file, so each sample's close (the last
  one) checkpoints the write-ahead log into the database and deletes it; the
  next sample's first commit recreates the log and grows it.
- warm: a SqliteStore in another process holds the file open (as the terminal
  UI does while it is open) and the log is past its first wrap (filled beyond
  its 4000 pages first), so it is kept at its full size and overwritten in place.

A branch is two transactions (the new run with its edited answer, then the
step's checkpoint) and one flush of the log by the engine before run_from's
handler returns. The floors, in the same two conditions: a fresh raw sqlite3
connection (WAL, synchronous=FULL, SQLite's default log settings) making two
single-row commits of those rows' sizes (two fsyncs), and one commit of both
rows' bytes (one fsync). Floor and branch samples of both conditions alternate.

    python -m tests.perf.bench_branch [--quick] [--dir DIR]
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import asyncio
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from flows.gather import ApproachEvent, GatherFlow
from hitl import SqliteStore, WorkflowCheckpointer
from tests.perf._common import (
    ROOT,
    FlushCounter,
    Row,
    disk_flush_cost,
    disk_rows,
    finish,
    fmt_bytes,
    fmt_ms,
    gc_paused,
    median,
    new_checkpointer,
    parse_args,
    questionnaire,
    row_bytes,
    scratch_dir,
    transactions_in,
    wal_salt,
    wal_size,
    wal_wrapped,
    wal_wraps,
)

BAR_WARM, BAR_COLD = 1.5, 1.3  # to the raw floor of the same condition, incl. the open
COLD, WARM = "cold", "warm"
WHY = {
    COLD: "log recreated and grown: SQLite syncs its header and the directory, "
          "the flush also commits the file's new size",
    WARM: "log kept at full size, overwritten in place: one data-only flush; "
          "the open finds the shared-memory index made",
}
LABEL = {
    COLD: "cold file (no other connection: log deleted at each close)",
    WARM: "warm file (held open by another process, log past its first wrap)",
}


async def branch_once(path: Path, checkpoint_id: str, i: int
                      ) -> tuple[float, float, float, str]:
    """(seconds with open, seconds without open, seconds to close, new run id)."""
    perf = time.perf_counter
    t0 = perf()
    store = SqliteStore(path)
    ckptr = WorkflowCheckpointer(GatherFlow(), store)
    t1 = perf()
    cp = ckptr.get_checkpoint(checkpoint_id)
    cp.output_event.resources = f"Three engineers full-time, edit {i}."
    handler = ckptr.run_from(cp)
    question = await handler
    t2 = perf()
    assert isinstance(question, ApproachEvent), question
    store.close()
    t3 = perf()
    return t2 - t0, t2 - t1, t3 - t2, handler.run_id


async def count_transactions(path: Path, checkpoint_id: str) -> int | None:
    """Transactions one branch commits (tracing the store's connection; not timed),
    or None if the bench cannot peek at the connection."""
    store = SqliteStore(path)
    db = getattr(store, "_db", None)
    seen: list[str] = []
    if db is not None:
        db.set_trace_callback(seen.append)
    ckptr = WorkflowCheckpointer(GatherFlow(), store)
    cp = ckptr.get_checkpoint(checkpoint_id)
    cp.output_event.resources = "Three engineers full-time, traced."
    await ckptr.run_from(cp)
    if db is not None:
        db.set_trace_callback(None)
    store.close()
    return transactions_in(seen)


def floor_once(path: Path, payloads: list[str]) -> tuple[float, float]:
    """A raw sqlite3 connection opened afresh (WAL, FULL) and one single-row commit
    per payload: (seconds with open, seconds without open)."""
    perf = time.perf_counter
    t0 = perf()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    t1 = perf()
    for p in payloads:
        db.execute("INSERT INTO t (payload) VALUES (?)", (p,))
    t2 = perf()
    db.close()
    return t2 - t0, t2 - t1


def make_floor(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY, payload TEXT)")
    return db


async def fill_store(path: Path, questionnaires: int, past_first_wrap: bool) -> str:
    """Store ``questionnaires`` (more until the log has wrapped once, if asked);
    the id of a past ``resources`` answer to branch from."""
    store = SqliteStore(path, synchronous="NORMAL")  # setup only: fill fast
    ckptr = new_checkpointer(store)
    run_ids = [await questionnaire(ckptr) for _ in range(questionnaires)]
    while past_first_wrap and not wal_wrapped(path):
        run_ids.append(await questionnaire(ckptr))
    past = ckptr.checkpoints[run_ids[len(run_ids) // 2]]
    target = next(c for c in past if c.last_completed_step == "human"
                  and c.output_event_type == "ResourcesEvent")
    store.close()
    return target.id


def wrap_floor(path: Path) -> None:
    """Fill a floor file (held open elsewhere) until its log has wrapped once."""
    db = make_floor(path)
    db.execute("PRAGMA synchronous=NORMAL")
    while not wal_wrapped(path):
        for _ in range(100):
            db.execute("INSERT INTO t (payload) VALUES (?)", ("x" * 600,))
    db.close()


_HOLD = """
import sqlite3, sys
from hitl import SqliteStore
kind, path = sys.argv[1:3]
if kind == "store":  # as the terminal UI holds the file: a store that has read it
    held = SqliteStore(path)
    held.list_runs()
else:
    held = sqlite3.connect(path, isolation_level=None)
    held.execute("SELECT count(*) FROM t").fetchall()
print("ready", flush=True)
sys.stdin.read()  # until the bench closes the pipe
held.close()
"""


class Holder:
    """Another process holding ``path`` open (``kind``: "store" or "raw"), idle,
    with no transaction open: the log outlives every other connection's close.
    It opens the file made already: the connection that turns a new file to WAL
    holds no lock on it between reads, so it would not keep the log alive."""

    def __init__(self, kind: str, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HOLD, kind, str(path)], cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.close()
            raise RuntimeError(f"holder of {path} did not start: {line!r}")

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


async def main_async(args) -> None:
    per_repeat = 10 if args.quick else 20
    stored = 100 if args.quick else 300
    with scratch_dir(args.dir) as d:
        disk = disk_flush_cost(d)
        path = {COLD: d / "cold.db", WARM: d / "warm.db"}
        floor_path = {COLD: d / "floor-cold.db", WARM: d / "floor-warm.db"}

        # cold: filled and closed by every connection (SQLite deletes the log)
        target = {COLD: await fill_store(path[COLD], stored, past_first_wrap=False)}
        # warm: a store in another process (as the terminal UI) keeps the file open
        # while it is filled past its log's first wrap, and through every sample
        SqliteStore(path[WARM]).close()
        holder = Holder("store", path[WARM])
        target[WARM] = await fill_store(path[WARM], stored, past_first_wrap=True)
        make_floor(floor_path[COLD]).close()
        make_floor(floor_path[WARM]).close()
        floor_holder = Holder("raw", floor_path[WARM])
        wrap_floor(floor_path[WARM])
        assert not os.path.exists(f"{path[COLD]}-wal")
        for p in (path[WARM], floor_path[WARM]):
            assert wal_wrapped(p), f"{p}: the log is not past its first wrap"

        # the rows a branch stores, for the floors' sizes
        *_, probe = await branch_once(path[COLD], target[COLD], -1)
        db = sqlite3.connect(path[COLD])
        rows = db.execute(
            "SELECT id, run_id, parent_id, seq, flow, step, input_type, input, output_type, "
            "output, state, created_at FROM checkpoints WHERE run_id=? ORDER BY seq", (probe,)
        ).fetchall()
        run_row = db.execute("SELECT * FROM runs WHERE run_id=?", (probe,)).fetchone()
        db.close()
        assert [r[5] for r in rows] == ["human", "gather_resources"], [r[5] for r in rows]
        sizes = [row_bytes(rows[0]) + row_bytes(run_row), row_bytes(rows[1])]
        two_commits = ["x" * s for s in sizes]
        one_commit = ["x" * sum(sizes)]  # what a branch fused into one commit would write

        transactions = await count_transactions(path[WARM], target[WARM])
        for i in range(5):  # warm-up
            for cond in (COLD, WARM):
                await branch_once(path[cond], target[cond], -10 - i)
                floor_once(floor_path[cond], two_commits)
                floor_once(floor_path[cond], one_commit)

        warm_salt = wal_salt(path[WARM])
        cold_starts_without_log = warm_starts_with_log = 0
        res: dict[str, dict[str, list[float]]] = {
            c: {k: [] for k in ("with", "without", "close", "f_with", "f_without", "f_one")}
            for c in (COLD, WARM)
        }
        repeat_medians: dict[str, list[float]] = {COLD: [], WARM: []}
        samples = 0
        with gc_paused(), FlushCounter(None) as flushes:  # only the engine flushes from Python
            for r in range(args.repeats):
                these: dict[str, list[float]] = {COLD: [], WARM: []}
                for i in range(per_repeat):  # conditions, floors, branches alternate
                    for cond in (COLD, WARM):
                        out = res[cond]
                        fa, fb = floor_once(floor_path[cond], two_commits)
                        out["f_one"].append(floor_once(floor_path[cond], one_commit)[0])
                        has_log = os.path.exists(f"{path[cond]}-wal")
                        if cond == COLD:
                            cold_starts_without_log += not has_log
                        else:
                            warm_starts_with_log += has_log
                        a, b, c, _ = await branch_once(path[cond], target[cond], r * 1000 + i)
                        out["f_with"].append(fa)
                        out["f_without"].append(fb)
                        out["with"].append(a)
                        out["without"].append(b)
                        out["close"].append(c)
                        these[cond].append(a)
                    samples += 1
                for cond in (COLD, WARM):
                    repeat_medians[cond].append(median(these[cond]))
        warm_wraps = wal_wraps(warm_salt, wal_salt(path[WARM]))
        warm_wal = wal_size(path[WARM])
        floor_wal = wal_size(floor_path[WARM])
        holder.close()
        floor_holder.close()

    m = {c: {k: median(v) for k, v in res[c].items()} for c in (COLD, WARM)}
    flushes_per_branch = flushes.total / (2 * samples)
    rows_out: list[Row] = []
    floors: list[Row] = []
    for cond in (COLD, WARM):
        x = m[cond]
        bar = BAR_WARM if cond == WARM else BAR_COLD
        ratio = x["with"] / x["f_with"]
        rows_out += [
            Row.check(f"branch from a past answer, fresh store+checkpointer, {LABEL[cond]}, "
                      "incl. open / a fresh raw connection + the branch's 2 FULL commits, "
                      "same condition", f"<= {bar}x",
                      f"{ratio:.2f}x ({fmt_ms(x['with'])} / {fmt_ms(x['f_with'])})",
                      ratio <= bar),
            Row(f"  {cond}: / a fresh raw connection + ONE FULL commit of both rows",
                "(info)", f"{x['with'] / x['f_one']:.2f}x"),
            Row(f"  {cond}: absolute, incl. open / excl. the open (the old bar: 1 ms)",
                "(info)", f"{fmt_ms(x['with'])} / {fmt_ms(x['without'])}"),
            Row(f"  {cond}: open cost (SqliteStore + WorkflowCheckpointer)", "(info)",
                fmt_ms(x["with"] - x["without"])),
            Row(f"  {cond}: excl. open / the 2 raw commits alone", "(info)",
                f"{x['without'] / x['f_without']:.2f}x"),
            Row(f"  {cond}: close afterwards (not timed)", "(info)", fmt_ms(x["close"])),
            Row(f"  {cond}: why", "(info)", WHY[cond]),
        ]
        floors += [
            Row(f"floor {cond}: raw connect + WAL/FULL pragmas + 2 commits", "(floor)",
                fmt_ms(x["f_with"])),
            Row(f"floor {cond}: the 2 raw commits alone (run+human row, step row)", "(floor)",
                fmt_ms(x["f_without"])),
            Row(f"floor {cond}: raw connect + pragmas + ONE commit of both rows' bytes",
                "(floor)", fmt_ms(x["f_one"])),
        ]
    rows_out += [
        Row("  transactions / engine flushes per branch (both conditions)", "(info)",
            f"{transactions or 'n/a'} / {flushes_per_branch:.2f}"),
        Row(f"  samples that began with no log (cold) / with the log (warm), of {samples}",
            "(info)", f"{cold_starts_without_log} / {warm_starts_with_log}"),
        Row("  warm: log size, wraps while timed", "(info)",
            f"{fmt_bytes(warm_wal)}, {warm_wraps}"),
    ]
    floors += [
        Row("  row sizes (bytes)", "(floor)", ",".join(map(str, sizes))),
        Row("  warm floor file: log size (SQLite's default 1000-page checkpoints)", "(floor)",
            fmt_bytes(floor_wal)),
        *disk_rows(disk),
    ]
    print(f"files hold {stored}+ questionnaires; samples per condition: {samples} "
          f"({args.repeats} repeats x {per_repeat}); per-repeat medians incl. open (ms): "
          + "; ".join(f"{c}: {', '.join(f'{v * 1e3:.3f}' for v in repeat_medians[c])}"
                      for c in (COLD, WARM)))
    finish("Branch from a past answer (SqliteStore, FULL)", rows_out, floors, args)


def main() -> None:
    args = parse_args(__doc__)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
