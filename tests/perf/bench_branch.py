"""Branching from a past answer to the next question, from a fresh checkpointer on
an existing file. Bar: at most 1 ms.

Each sample: open a fresh SqliteStore (synchronous FULL) on a file that holds
questionnaires and a fresh WorkflowCheckpointer on it; take a past human
checkpoint (the ``resources`` answer) by id, edit its output_event's answer,
``run_from`` it and await the handler to the next question (ApproachEvent).
Times are given with and without the cost of opening the store and checkpointer.
A branch commits twice (the new run with its edited answer, then the step's
checkpoint), so the floor is a fresh raw sqlite3 connection (WAL, FULL) making two
single-row commits of those rows' sizes; floor and branch samples alternate.

    python -m tests.perf.bench_branch [--quick] [--dir DIR]
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

from flows.gather import ApproachEvent, GatherFlow
from hitl import SqliteStore, WorkflowCheckpointer
from tests.perf._common import (
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

BAR_S = 1e-3


async def branch_once(path: Path, checkpoint_id: str, i: int) -> tuple[float, float, str]:
    """(seconds with open, seconds without open, new run id) for one branch."""
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
    run_id = handler.run_id
    store.close()
    return t2 - t0, t2 - t1, run_id


def floor_once(path: Path, payloads: list[str]) -> tuple[float, float]:
    """A raw sqlite3 connection opened afresh (WAL, FULL) and two single-row
    commits: (seconds with open, seconds without open)."""
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


def make_floor(path: Path) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY, payload TEXT)")
    db.close()


async def main_async(args) -> None:
    per_repeat = 10 if args.quick else 20
    stored = 100 if args.quick else 300
    with scratch_dir(args.dir) as d:
        path = d / "store.db"
        store = SqliteStore(path, synchronous="NORMAL")  # setup only: fill fast
        ckptr = new_checkpointer(store)
        run_ids = [await questionnaire(ckptr) for _ in range(stored)]
        past = ckptr.checkpoints[run_ids[len(run_ids) // 2]]
        target = next(c for c in past if c.last_completed_step == "human"
                      and c.output_event_type == "ResourcesEvent")
        store.close()

        # the rows a branch stores, for the floor's sizes
        _, _, probe = await branch_once(path, target.id, -1)
        db = sqlite3.connect(path)
        rows = db.execute(
            "SELECT id, run_id, parent_id, seq, flow, step, input_type, input, output_type, "
            "output, state, created_at FROM checkpoints WHERE run_id=? ORDER BY seq", (probe,)
        ).fetchall()
        run_row = db.execute("SELECT * FROM runs WHERE run_id=?", (probe,)).fetchone()
        db.close()
        assert [r[5] for r in rows] == ["human", "gather_resources"], [r[5] for r in rows]
        sizes = [row_bytes(rows[0]) + row_bytes(run_row), row_bytes(rows[1])]
        payloads = ["x" * s for s in sizes]
        one_commit = ["x" * sum(sizes)]  # what a branch fused into one commit would write
        make_floor(d / "floor.db")

        for i in range(5):  # warm-up
            await branch_once(path, target.id, -10 - i)
            floor_once(d / "floor.db", payloads)

        with_open, without_open, repeat_medians = [], [], []
        floor_with, floor_without, floor_one = [], [], []
        with gc_paused():
            for r in range(args.repeats):
                these = []
                for i in range(per_repeat):  # floor and branch alternate: same disk weather
                    fa, fb = floor_once(d / "floor.db", payloads)
                    floor_one.append(floor_once(d / "floor.db", one_commit)[0])
                    a, b, _ = await branch_once(path, target.id, r * 1000 + i)
                    floor_with.append(fa)
                    floor_without.append(fb)
                    with_open.append(a)
                    without_open.append(b)
                    these.append(a)
                repeat_medians.append(median(these))

    w, wo = median(with_open), median(without_open)
    fw, fwo = median(floor_with), median(floor_without)
    rows_out = [
        Row.check("branch from a past answer, fresh store+checkpointer (incl. open)",
                  "<= 1.000 ms", fmt_ms(w), w <= BAR_S),
        Row.check("  same, excluding the store/checkpointer open",
                  "<= 1.000 ms", fmt_ms(wo), wo <= BAR_S),
        Row("  open cost (SqliteStore + WorkflowCheckpointer)", "(info)", fmt_ms(w - wo)),
        Row("  incl. open / floor incl. raw open", "(info)", f"{w / fw:.2f}x"),
        Row("  excl. open / floor excl. raw open", "(info)", f"{wo / fwo:.2f}x"),
    ]
    floors = [
        Row("floor: raw connect + WAL/FULL pragmas + 2 commits", "(floor)", fmt_ms(fw)),
        Row("floor: the 2 raw commits alone (run+human row, step row)", "(floor)", fmt_ms(fwo)),
        Row("  row sizes (bytes)", "(floor)", ",".join(map(str, sizes))),
        Row("floor: raw connect + pragmas + ONE commit of both rows' bytes", "(floor)",
            fmt_ms(median(floor_one))),
    ]
    print(f"file holds {stored} questionnaires; samples: {len(with_open)} "
          f"({args.repeats} repeats x {per_repeat}); per-repeat medians incl. open (ms): "
          f"{', '.join(f'{x * 1e3:.3f}' for x in repeat_medians)}")
    finish("Branch from a past answer (SqliteStore, FULL)", rows_out, floors, args)


def main() -> None:
    args = parse_args(__doc__)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
