"""A team's load on one PostgreSQL server: six processes fill twenty-five
questionnaires each at once, then four processes race over the same waiting
runs. At the end every finished run has its nine checkpoints with no gap, and
every question exactly one answer; the conflicts are counted and reported. The
same load runs straight to the server and through PgBouncer in transaction
mode, where the processes share four server connections."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, closing
from typing import Any

import pytest

from flows.gather import GatherFlow
from hitl import COMPLETED, HUMAN, WAITING, PostgresStore, WorkflowCheckpointer
from tests import pg
from tests.reliability.procs import GATHER_STEPS, Child, integrity
from tests.reliability.test_concurrency import waiting_run

PROCESSES, QUESTIONNAIRES, RACERS, RACES = 6, 25, 4, 12


BOUNCER_POOL = 4  # server connections PgBouncer shares among all the processes


@pytest.fixture(params=["direct", "pgbouncer"])
def dsn(pg_server: pg.PgServer, request: pytest.FixtureRequest) -> Iterator[str]:
    name = f"load_{request.param}"
    pg_server.create_database(name)
    if request.param == "direct":
        yield pg_server.dsn(name)
    else:
        with pg.bouncer(pg_server, name, pool_size=BOUNCER_POOL) as through:
            yield through


def test_six_processes_fill_and_four_race_on_one_server(dsn: str) -> None:
    done: dict[str, Any] = {}
    with ExitStack() as stack:
        fillers = [stack.enter_context(Child("writers", dsn, 1, QUESTIONNAIRES, 0))
                   for _ in range(PROCESSES)]  # fmt: skip
        for child in fillers:
            child.expect("READY")
        for child in fillers:
            child.send("GO")
        for child in fillers:
            line = child.line(timeout=240)
            assert line is not None and line.startswith("DONE "), child.stderr
            done.update(dict(json.loads(line[5:])))
            assert child.wait() == 0, child.stderr
    assert len(done) == PROCESSES * QUESTIONNAIRES

    conflicts = 0
    with closing(PostgresStore(dsn)) as store, ExitStack() as stack:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        racers = [stack.enter_context(Child("answer", dsn)) for _ in range(RACERS)]
        for race in range(RACES):
            run_id = waiting_run(ckptr)
            for child in racers:
                child.send(f"PREP {run_id}")
            assert len({child.expect("READY") for child in racers}) == 1
            for n, child in enumerate(racers):
                child.send("GO " + json.dumps(f"racer {n} in race {race}"))
            outcomes = [child.line() for child in racers]
            assert outcomes.count("OK") == 1, outcomes
            assert all(o is not None and o.startswith("CONFLICT ") for o in outcomes if o != "OK")
            conflicts += RACERS - 1
            assert racers[outcomes.index("OK")].expect("ON") == WAITING
            answers = [c for c in ckptr.checkpoints[run_id] if c.last_completed_step == HUMAN]
            assert [a.output_event.objective for a in answers] == [
                f"racer {outcomes.index('OK')} in race {race}"
            ]
        for child in racers:
            child.send("QUIT")
            assert child.wait() == 0, child.stderr

        for run_id in done:
            checkpoints = ckptr.checkpoints[run_id]
            assert ckptr.get_run(run_id).status == COMPLETED
            assert [c.last_completed_step for c in checkpoints] == GATHER_STEPS
            assert [c.seq for c in checkpoints] == list(range(len(GATHER_STEPS)))
    assert integrity(dsn) == "ok"
    way = "through PgBouncer" if "load_pgbouncer" in dsn else "direct"
    print(f"\nPostgreSQL load ({way}): {len(done)} questionnaires by {PROCESSES} processes, "
          f"{RACES} races of {RACERS}: {conflicts} conflicts, 0 lost")
