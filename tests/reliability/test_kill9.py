"""Nothing acknowledged is ever lost: an answer the app said it saved survives
a ``kill -9`` at any moment, and every run a killed process left behind resumes
to the end, each of its steps checkpointed exactly once."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import deque
from contextlib import closing
from pathlib import Path

from flows.gather import GatherFlow, ResourcesEvent
from hitl import (
    COMPLETED,
    HUMAN,
    RUNNING,
    WAITING,
    InputRequiredEvent,
    SqliteStore,
    WorkflowCheckpointer,
)
from hitl.store import open_store
from tests.reliability.procs import GATHER_STEPS, Child, finish, integrity

ROUNDS = 30
AHEAD = 3  # workers booting ahead of their round
SEED = 20240611


def read_acks(lines: list[str], acks: dict[tuple[str, str], str], started: list[str]) -> None:
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind == "RUN":
            started.append(rest)
        elif kind == "ACK":
            run_id, field, value = rest.split(" ", 2)
            assert (run_id, field) not in acks, f"{field} of {run_id} acknowledged twice"
            acks[run_id, field] = json.loads(value)
        else:
            raise AssertionError(f"unexpected line from the worker: {line!r}")


def answers_stored(ckptr: WorkflowCheckpointer, run_id: str) -> dict[str, object]:
    """field -> value of each answer checkpoint of the run (each field answered once)."""
    found: dict[str, object] = {}
    for ckpt in ckptr.checkpoints[run_id]:
        if ckpt.last_completed_step == HUMAN:
            event = ckpt.output_event
            assert isinstance(event, InputRequiredEvent)
            for field, value in event.answers().items():
                assert field not in found, f"{field} of {run_id} stored twice"
                found[field] = value
    return found


def check_complete(ckptr: WorkflowCheckpointer, run_id: str, acked: dict[str, str]) -> None:
    checkpoints = ckptr.checkpoints[run_id]
    assert [c.last_completed_step for c in checkpoints] == GATHER_STEPS, run_id
    assert [c.seq for c in checkpoints] == list(range(len(GATHER_STEPS)))
    assert [c.parent_id for c in checkpoints] == [None] + [c.id for c in checkpoints[:-1]]
    info = ckptr.get_run(run_id)
    assert info.status == COMPLETED and not info.interrupted
    result = checkpoints[-1].output_event.result
    assert set(result) == {"objective", "resources", "approach", "notes"}
    for field, value in acked.items():
        assert result[field] == value, (run_id, field)


def test_acknowledged_answers_survive_kill9_at_random_moments(spec: str) -> None:
    db = spec
    rng = random.Random(SEED)
    acks: dict[tuple[str, str], str] = {}  # every answer ever acknowledged, all rounds
    all_runs: set[str] = set()
    interrupted_seen = 0
    # (worker seed, acknowledgements to wait for, microseconds more before the kill)
    plans = [
        (rng.randrange(1 << 30), rng.randint(0, 14), rng.randint(0, 3000)) for _ in range(ROUNDS)
    ]
    # Workers boot a few rounds ahead (an interpreter start is most of a round's
    # time); each touches the store only once told GO, when its round begins.
    booting: deque[Child] = deque()
    try:
        for round_no, (_, wanted, extra_us) in enumerate(plans):
            while len(booting) < AHEAD and round_no + len(booting) < ROUNDS:
                booting.append(Child("loop", db, plans[round_no + len(booting)][0]))
            started: list[str] = []
            with booting.popleft() as child:
                child.expect("BOOTED")
                child.send("GO")
                child.expect("READY")
                lines: list[str] = []
                while sum(line.startswith("ACK") for line in lines) < wanted:
                    got = child.line()
                    assert got is not None, f"worker died by itself:\n{child.stderr}"
                    lines.append(got)
                time.sleep(extra_us / 1e6)  # where the kill lands; not a wait for anything
                child.kill()
                lines += child.rest()  # acknowledged before it died, still in the pipe
                assert child.proc.returncode == -9, child.stderr
            read_acks(lines, acks, started)
            interrupted_seen += check_round(db, round_no, acks, started, all_runs)
    finally:
        for child in booting:
            child.__exit__(None, None, None)
    assert len(all_runs) >= ROUNDS
    assert sum(1 for _ in acks) > ROUNDS * 3
    # Half the time a worker spends is inside a step, so some kill lands in one.
    assert interrupted_seen > 0


def check_round(
    db: str,
    round_no: int,
    acks: dict[tuple[str, str], str],
    started: list[str],
    all_runs: set[str],
) -> int:
    """Check the store after a kill and finish every run left; how many were interrupted."""
    interrupted_seen = 0
    assert integrity(db) == "ok"
    with closing(open_store(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        infos = {info.run_id: info for info in ckptr.runs()}
        assert set(started) <= set(infos), "a run whose start was reported is missing"
        acked_by_run: dict[str, dict[str, str]] = {}
        for (run_id, field), value in acks.items():
            acked_by_run.setdefault(run_id, {})[field] = value
        # Every answer ever acknowledged, in this round or an earlier one.
        for run_id, acked in acked_by_run.items():
            stored = answers_stored(ckptr, run_id)
            for field, value in acked.items():
                assert stored.get(field) == value, (
                    f"round {round_no}: acknowledged {field} of run {run_id} is lost"
                )
        for run_id, info in infos.items():
            assert info.status in (RUNNING, WAITING, COMPLETED), (
                run_id,
                info.status,
                info.error,
            )
            if run_id in all_runs:  # finished in an earlier round, and stays so
                assert info.status == COMPLETED, (run_id, info.status)
            # The worker is dead: a run it left running reads as interrupted.
            assert info.interrupted == (info.status == RUNNING), info
            interrupted_seen += info.status == RUNNING
        for run_id in sorted(set(infos) - all_runs):
            if infos[run_id].status != COMPLETED:
                finish(ckptr, run_id)
            check_complete(ckptr, run_id, acked_by_run.get(run_id, {}))
        all_runs |= set(infos)
    assert integrity(db) == "ok"
    return interrupted_seen


def test_kill9_inside_a_step_resumes_that_step_once(tmp_path: Path) -> None:
    db = tmp_path / "step.db"
    with Child("block", db) as child:
        # The step may start before answer() returns (a run starts eagerly), so
        # the two lines come in either order; both mean the child is in the step
        # and the answer is stored.
        lines = sorted([child.line(), child.line()], key=lambda line: line or "")
        assert lines[0] is not None and lines[0].startswith("ACK "), lines
        assert lines[1] is not None and lines[1].startswith("IN STEP "), lines
        run_id, field, value = lines[0][4:].split(" ", 2)
        assert lines[1][8:] == run_id
        child.kill()
    with closing(SqliteStore(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        info = ckptr.get_run(run_id)
        assert (info.status, info.interrupted) == (RUNNING, True)
        checkpoints = ckptr.checkpoints[run_id]
        assert [c.last_completed_step for c in checkpoints] == ["start_process", HUMAN]
        assert checkpoints[-1].output_event.objective == json.loads(value)
        assert ckptr.pending_question(run_id) is None  # answered: the step runs next

        async def go_on():
            handler = ckptr.resume(run_id)
            return await handler

        question = asyncio.run(go_on())
        assert isinstance(question, ResourcesEvent)
        assert ckptr.get_run(run_id).status == WAITING
        assert [c.last_completed_step for c in ckptr.checkpoints[run_id]] == GATHER_STEPS[:3]
        finish(ckptr, run_id)
        check_complete(ckptr, run_id, {field: json.loads(value)})
    assert integrity(db) == "ok"
