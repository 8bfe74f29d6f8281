"""Several processes on one store file: appends are compare-and-set on a run's
tip, so two writers racing for one place get one winner and one clear
``ConflictError``, and writers of different runs never trip over each other."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pytest

from flows.gather import GatherFlow, ObjectiveEvent, ResourcesEvent
from hitl import (
    COMPLETED,
    HUMAN,
    RUNNING,
    WAITING,
    ConflictError,
    Context,
    SqliteStore,
    StoreError,
    WorkflowCheckpointer,
    step,
)
from hitl.store import open_store
from tests.reliability.procs import GATHER_STEPS, Child, finish, integrity

RACES = 8


def waiting_run(ckptr: WorkflowCheckpointer) -> str:
    """A new gather run, waiting on its first question."""

    async def go() -> str:
        handler = ckptr.run()
        await handler
        assert handler.status == WAITING
        return handler.run_id

    return asyncio.run(go())


def cut_off_run(ckptr: WorkflowCheckpointer) -> str:
    """A run whose objective was answered but whose next step never ran (as after a crash)."""
    run_id = waiting_run(ckptr)
    ckptr.answer(run_id, objective="the objective")  # no event loop: nothing goes on
    assert [c.last_completed_step for c in ckptr.checkpoints[run_id]] == ["start_process", HUMAN]
    assert ckptr.get_run(run_id).status == RUNNING
    return run_id


def assert_clear_conflict(message: str, run_id: str) -> None:
    """The loser is told which run moved on and what to do about it."""
    assert run_id in message, message
    assert "reload" in message.lower(), message
    assert "Traceback" not in message, message
    assert "sqlite" not in message.lower() and "psycopg" not in message.lower(), message


def test_two_processes_answer_one_question_one_wins(spec: str) -> None:
    db = spec
    with closing(open_store(db)) as store, ExitStack() as stack:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        a, b = (stack.enter_context(Child("answer", db)) for _ in range(2))
        for race in range(RACES):
            run_id = waiting_run(ckptr)
            question_id = ckptr.pending_question(run_id)[0].id
            for child in (a, b):
                child.send(f"PREP {run_id}")
            # Both hold the same pending question before either answers.
            assert a.expect("READY") == b.expect("READY") == question_id
            for child, name in ((a, "a"), (b, "b")):
                child.send("GO " + json.dumps(f"{name} wins race {race}"))
            outcomes = {"a": a.line(), "b": b.line()}
            won = [name for name, line in outcomes.items() if line == "OK"]
            lost = {name: line for name, line in outcomes.items() if line != "OK"}
            assert len(won) == 1, outcomes
            (loser_line,) = lost.values()
            assert loser_line is not None and loser_line.startswith("CONFLICT "), outcomes
            assert_clear_conflict(json.loads(loser_line[9:]), run_id)
            winner = a if won == ["a"] else b
            assert winner.expect("ON") == WAITING  # it went on to the next question

            answers = [c for c in ckptr.checkpoints[run_id] if c.last_completed_step == HUMAN]
            assert len(answers) == 1
            assert answers[0].parent_id == question_id
            assert answers[0].output_event.objective == f"{won[0]} wins race {race}"
            seqs = [c.seq for c in ckptr.checkpoints[run_id]]
            assert seqs == list(range(len(seqs)))
            # The winner went on to the next question; the loser wrote nothing.
            assert ckptr.get_run(run_id).status == WAITING
            assert isinstance(ckptr.pending_question(run_id)[1], ResourcesEvent)
        for child in (a, b):
            child.send("QUIT")
            assert child.wait() == 0, child.stderr
    assert integrity(db) == "ok"


class Hooked:
    """A store that runs ``hook`` once, just before the named method does its work:
    the moment another process would slip in between a read and a write."""

    def __init__(self, store: SqliteStore, method: str, hook: Callable[[], None]) -> None:
        self._store, self._method, self._hook = store, method, hook

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._store, name)
        if name != self._method or self._hook is None:
            return target

        def hooked(*args: Any, **kwargs: Any) -> Any:
            hook, self._hook = self._hook, None
            hook()
            return target(*args, **kwargs)

        return hooked


@pytest.mark.parametrize("moment", ["answered", "moved_on", "between_read_and_write"])
def test_a_stale_answer_is_a_clear_conflict(tmp_path: Path, moment: str) -> None:
    """However far the other writer got, answering with a stale ``at`` is a
    ConflictError (never RunNotWaiting), and nothing of the loser is stored."""
    db = tmp_path / "stale.db"
    with closing(SqliteStore(db)) as mine, closing(SqliteStore(db)) as theirs:
        other = WorkflowCheckpointer(GatherFlow(), theirs)
        run_id = waiting_run(other)
        question_id = other.pending_question(run_id)[0].id

        def other_answers() -> None:
            handler = other.answer(run_id, at=question_id, objective="theirs")
            if moment == "moved_on":
                asyncio.run(_await(handler))

        store: Any = mine
        if moment == "between_read_and_write":
            store = Hooked(mine, "append", other_answers)
        else:
            other_answers()
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        with pytest.raises(ConflictError) as caught:
            ckptr.answer(run_id, at=question_id, objective="mine")
        assert_clear_conflict(str(caught.value), run_id)
        answers = [c for c in ckptr.checkpoints[run_id] if c.last_completed_step == HUMAN]
        assert [c.output_event.objective for c in answers] == ["theirs"]


async def _await(handler: Any) -> Any:
    return await handler


def test_two_processes_resume_one_cut_off_run(tmp_path: Path) -> None:
    db = tmp_path / "resume.db"
    with closing(SqliteStore(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        run_id = cut_off_run(ckptr)
        with Child("resume", db, run_id) as a, Child("resume", db, run_id) as b:
            # Both are inside the step, both started from the same tip.
            assert a.expect("IN STEP") == b.expect("IN STEP") == run_id
            a.send("GO")
            b.send("GO")
            outcomes = sorted([a.line(), b.line()], key=str)
            codes = sorted([a.wait(), b.wait()])
            assert codes == [0, 3], (outcomes, a.stderr, b.stderr)
        assert outcomes[0] is not None and outcomes[0].startswith("CONFLICT "), outcomes
        assert run_id in json.loads(outcomes[0][9:])
        assert outcomes[1] == f"DONE {WAITING}", outcomes

        checkpoints = ckptr.checkpoints[run_id]
        assert [c.last_completed_step for c in checkpoints] == GATHER_STEPS[:3]
        assert [c.seq for c in checkpoints] == [0, 1, 2]  # each seq exactly once
        info = ckptr.get_run(run_id)
        assert (info.status, info.interrupted) == (WAITING, False)
        assert isinstance(ckptr.pending_question(run_id)[1], ResourcesEvent)
        finish(ckptr, run_id)
        assert [c.last_completed_step for c in ckptr.checkpoints[run_id]] == GATHER_STEPS
    assert integrity(db) == "ok"


def test_a_resume_that_loses_the_race_leaves_the_status_true(tmp_path: Path) -> None:
    """Another process finishes the step between this resume reading the tip and
    marking the run running: the run is waiting on its next question, and must
    still say so after this process's append is refused."""
    db = tmp_path / "status.db"
    with closing(SqliteStore(db)) as mine, closing(SqliteStore(db)) as theirs:
        other = WorkflowCheckpointer(GatherFlow(), theirs)
        run_id = cut_off_run(other)

        def other_resumes() -> None:
            asyncio.run(_await(other.resume(run_id)))

        ckptr = WorkflowCheckpointer(GatherFlow(), Hooked(mine, "set_status", other_resumes))
        handler = ckptr.resume(run_id)
        with pytest.raises(ConflictError):
            asyncio.run(_await(handler))
        assert [c.seq for c in ckptr.checkpoints[run_id]] == [0, 1, 2]
        assert isinstance(ckptr.pending_question(run_id)[1], ResourcesEvent)
        assert ckptr.get_run(run_id).status == WAITING


class FailingGather(GatherFlow):
    """GatherFlow (same flow name) whose objective step always raises."""

    @step
    async def gather_objective(self, ctx: Context, ev: ObjectiveEvent) -> ResourcesEvent:
        raise RuntimeError("the step broke")


def test_a_stale_step_that_fails_does_not_mark_a_moved_on_run_failed(tmp_path: Path) -> None:
    """This process resumes a cut-off run; another finishes the step first; then
    this process's copy of the step raises. The run is waiting on its next
    question, and must still say so, not 'failed'."""
    db = tmp_path / "failed.db"
    with closing(SqliteStore(db)) as mine, closing(SqliteStore(db)) as theirs:
        other = WorkflowCheckpointer(GatherFlow(), theirs)
        run_id = cut_off_run(other)
        ckptr = WorkflowCheckpointer(FailingGather(), mine)
        handler = ckptr.resume(run_id)  # no event loop: the step has not run yet
        asyncio.run(_await(other.resume(run_id)))
        assert other.get_run(run_id).status == WAITING
        with pytest.raises(RuntimeError, match="the step broke"):
            asyncio.run(_await(handler))
        assert [c.seq for c in other.checkpoints[run_id]] == [0, 1, 2]
        info = other.get_run(run_id)
        assert (info.status, info.error) == (WAITING, None)


def test_many_writers_of_different_runs_share_one_file(spec: str) -> None:
    """Three processes (one store per thread, or one shared by its threads) create
    the store together and fill it at once: no error escapes, nothing is missing."""
    db = spec
    threads, runs = 3, 4
    with ExitStack() as stack:
        children = [
            stack.enter_context(Child("writers", db, threads, runs, shared)) for shared in (0, 1, 0)
        ]
        for child in children:
            child.expect("READY")
        for child in children:
            child.send("GO")
        done: dict[str, Any] = {}
        for child in children:
            line = child.line()
            assert line is not None and line.startswith("DONE "), child.stderr
            done.update(dict(json.loads(line[5:])))
            assert child.wait() == 0, child.stderr
            assert "locked" not in child.stderr, child.stderr
    assert len(done) == len(children) * threads * runs
    assert integrity(db) == "ok"
    with closing(open_store(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        infos = {info.run_id: info for info in ckptr.runs()}
        assert set(infos) == set(done)
        for run_id, result in done.items():
            assert infos[run_id].status == COMPLETED
            checkpoints = ckptr.checkpoints[run_id]
            assert [c.last_completed_step for c in checkpoints] == GATHER_STEPS
            assert [c.seq for c in checkpoints] == list(range(len(GATHER_STEPS)))
            tag = checkpoints[0].input_event.writer.replace("-", " ")
            assert result == {
                f: f"{f} {tag}" for f in ("objective", "resources", "approach", "notes")
            }
            assert checkpoints[-1].output_event.result == result


def test_stores_opened_at_once_on_a_new_file_all_open_it(tmp_path: Path) -> None:
    """Connections that open one new file together (threads here; processes the
    same): one makes it, the others wait for it, and none calls it "not a hitl
    store" or fails on the switch to WAL."""
    openers, files = 6, 30
    failures: list[str] = []
    for n in range(files):
        path = tmp_path / f"new-{n}.db"
        barrier = threading.Barrier(openers)

        def open_it(path: Path = path, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                SqliteStore(path).close()
            except StoreError as exc:
                failures.append(str(exc))

        threads = [threading.Thread(target=open_it) for _ in range(openers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    for n in range(files):
        with closing(SqliteStore(tmp_path / f"new-{n}.db")) as store:
            assert store.list_runs() == []
        assert integrity(tmp_path / f"new-{n}.db") == "ok"
