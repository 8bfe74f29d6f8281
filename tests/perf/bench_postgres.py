"""One questionnaire (start + 4 answers) on PostgresStore against a floor of
nine raw psycopg autocommit INSERTs of a 1.5 KB row on the same server, in the
same run. Bar: at most 1.5x. Also reports the round trips per answer.

The server is a throwaway one started from pgserver's binaries (tests/pg.py),
with fsync ON here (the test suite's server runs without it): both the floor and
the store wait for the same durable commits. Floor sets and questionnaires
alternate one by one, so both meet the same disk and CPU weather.

    python -m tests.perf.bench_postgres [--quick] [--repeats N]
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import asyncio
import time

import psycopg

from hitl import COMPLETED, PostgresStore
from tests import pg
from tests.perf._common import (
    Row,
    finish,
    fmt_ms,
    gc_paused,
    median,
    new_checkpointer,
    parse_args,
    questionnaire,
)

BAR_RATIO = 1.5
ROW_BYTES = 1536
INSERTS = 9  # the checkpoints of one questionnaire


class Floor:
    """Nine autocommit INSERTs of a 1.5 KB row, one round trip and one commit each."""

    def __init__(self, dsn: str) -> None:
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.conn.execute("CREATE TABLE IF NOT EXISTS floor (n bigserial PRIMARY KEY, p text)")
        self.payload = "x" * ROW_BYTES

    def one_set(self) -> None:
        for _ in range(INSERTS):
            self.conn.execute("INSERT INTO floor (p) VALUES (%s)", (self.payload,))


def round_trips(store: PostgresStore, ckptr) -> int:
    """Statements the store sends in one questionnaire (each call of ``_run``)."""
    calls = 0
    run = store._run

    def counted(*args, **kwargs):
        nonlocal calls
        calls += 1
        return run(*args, **kwargs)

    store._run = counted  # type: ignore[method-assign]
    try:
        asyncio.run(questionnaire(ckptr))
    finally:
        del store._run
    return calls


async def paired(floor: Floor, ckptr, n: int) -> tuple[float, float]:
    f = o = 0.0
    perf = time.perf_counter
    with gc_paused():
        for _ in range(n):
            t0 = perf()
            floor.one_set()
            t1 = perf()
            await questionnaire(ckptr)
            t2 = perf()
            f += t1 - t0
            o += t2 - t1
    return f / n, o / n


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    n = 20 if args.quick else 60
    server = pg.PgServer()
    try:
        server.start("fsync=on", "synchronous_commit=on")
        server.create_database()
        store = PostgresStore(server.dsn())
        ckptr = new_checkpointer(store)
        floor = Floor(server.dsn())
        run_id = asyncio.run(questionnaire(ckptr))
        assert ckptr.get_run(run_id).status == COMPLETED
        trips = round_trips(store, ckptr)
        asyncio.run(paired(floor, ckptr, n))  # warm up both
        floors, ours = [], []
        for _ in range(args.repeats):
            f, o = asyncio.run(paired(floor, ckptr, n))
            floors.append(f)
            ours.append(o)
        ratio = median([o / f for f, o in zip(floors, ours, strict=True)])
        rows = [
            Row.check("questionnaire on PostgresStore / floor", f"<= {BAR_RATIO}x",
                      f"{ratio:.2f}x", ratio <= BAR_RATIO),
            Row("questionnaire on PostgresStore", "info", fmt_ms(median(ours))),
            Row("round trips per questionnaire (per answer)", "info",
                f"{trips} ({(trips - 1) / 4:.1f} per answer after the start)"),
        ]  # fmt: skip
        floor_rows = [Row(f"{INSERTS} autocommit INSERTs of {ROW_BYTES} B", "floor",
                          fmt_ms(median(floors)))]  # fmt: skip
        finish("PostgresStore questionnaire", rows, floor_rows, args)
        floor.conn.close()
        store.close()
    finally:
        server.destroy()


if __name__ == "__main__":
    main()
