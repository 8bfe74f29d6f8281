"""resume(): waiting, completed, failed, cut-off runs, and process restarts.

A process restart is a fresh SqliteStore and a fresh WorkflowCheckpointer on the
same file; a crash is a cancelled task, or a subprocess that kills itself.
"""

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hitl import (
    ConflictError,
    MemoryStore,
    RunNotFound,
    SqliteStore,
    StartEvent,
    WorkflowCheckpointer,
)
from tests.hitl.helpers import (
    AgeQuestion,
    EchoFlow,
    Gate,
    Hooks,
    NameQuestion,
    SurveyFlow,
    count_checkpoints,
)

ROOT = Path(__file__).resolve().parents[2]


async def cut_off(handler, gate: Gate) -> None:
    """Simulate a crash: the run's step is stopped where it stands, nothing is cleaned up."""

    async def drive():
        return await handler

    task = asyncio.create_task(drive())
    await gate.entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def steps_of(ckptr, run_id):
    return [c.last_completed_step for c in ckptr.checkpoints[run_id]]


async def test_resume_waiting_run_gives_its_question_again(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = ckptr.run(nickname="Annie")
    question = await handler
    again = ckptr.resume(handler.run_id)
    assert again.status == "waiting"
    assert await again == question
    assert again.question == question
    assert count_checkpoints(ckptr) == 1
    assert ckptr.runs()[0].status == "waiting"


async def test_resume_completed_run_gives_its_result_without_running_anything(store):
    hooks = Hooks()
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=store)
    handler = ckptr.run(topic="done")
    result = await handler
    again = ckptr.resume(handler.run_id)
    assert again.status == "completed"
    assert await again == result == "NOTE ABOUT DONE"
    assert hooks.calls == ["write", "finish"]
    assert count_checkpoints(ckptr) == 2


async def test_resume_unknown_run(store):
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    with pytest.raises(RunNotFound):
        ckptr.resume("no-such-run")


async def test_run_killed_inside_its_first_step_resumes_after_a_restart(tmp_path):
    path = tmp_path / "hitl.db"
    hooks = Hooks()
    gate = hooks.actions["write"] = Gate()
    first = SqliteStore(path)
    handler = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=first).run(topic="cut")
    await cut_off(handler, gate)
    first.close()

    store = SqliteStore(path)  # the next process
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    [info] = ckptr.runs()
    assert (info.run_id, info.status, info.checkpoint_count) == (handler.run_id, "running", 0)
    assert ckptr.checkpoints[handler.run_id] == []
    again = ckptr.resume(handler.run_id)
    assert await again == "NOTE ABOUT CUT"
    assert ckptr.checkpoints[handler.run_id][0].input_event == StartEvent(topic="cut")
    assert steps_of(ckptr, handler.run_id) == ["write", "finish"]
    assert ckptr.runs()[0].status == "completed"
    store.close()


async def test_step_cut_off_after_an_answer_reruns_with_the_answer_after_a_restart(tmp_path):
    path = tmp_path / "hitl.db"
    hooks = Hooks()
    gate = hooks.actions["take_name"] = Gate()
    first = SqliteStore(path)
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(hooks), store=first)
    handler = ckptr.run()
    await handler
    await cut_off(ckptr.answer(handler.run_id, name="Ann"), gate)
    first.close()

    store = SqliteStore(path)
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    assert steps_of(ckptr, handler.run_id) == ["begin", "human"]
    assert await ckptr.resume(handler.run_id) == AgeQuestion(message="How old are you, Ann?")
    assert steps_of(ckptr, handler.run_id) == ["begin", "human", "take_name"]
    store.close()


async def test_a_run_spans_process_restarts_with_its_state(tmp_path):
    path = tmp_path / "hitl.db"
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
        handler = ckptr.run(nickname="Annie")
        await handler
        await ckptr.answer(handler.run_id, name="Ann")
    run_id = handler.run_id

    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
        assert ckptr.runs()[0].status == "waiting"
        assert await ckptr.resume(run_id) == AgeQuestion(message="How old are you, Ann?")
        assert ckptr.checkpoints[run_id][-1].ctx_state == {
            "state": {"name": "Ann", "nickname": "Annie"}
        }

    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
        assert await ckptr.answer(run_id, age=30) == {"name": "Ann", "nickname": "Annie", "age": 30}
        assert steps_of(ckptr, run_id) == ["begin", "human", "take_name", "human", "take_age"]


_CRASH = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from hitl import SqliteStore, WorkflowCheckpointer
    from tests.hitl.helpers import EchoFlow, Hooks

    async def die(name, ev):
        os.kill(os.getpid(), signal.SIGKILL)

    async def main():
        hooks = Hooks()
        hooks.actions[sys.argv[2]] = die
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=SqliteStore(sys.argv[1]))
        await ckptr.run(topic="crash")

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("dies_in,kept", [("write", []), ("finish", ["write"])])
def test_a_process_killed_mid_step_leaves_a_run_that_resumes(tmp_path, dies_in, kept):
    path = tmp_path / "hitl.db"
    proc = subprocess.run(
        [sys.executable, "-c", _CRASH, str(path), dies_in],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -9, proc.stderr

    async def next_process():
        with SqliteStore(path) as store:
            ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
            [info] = ckptr.runs()
            run_id = info.run_id
            assert (info.status, info.interrupted, info.checkpoint_count) == (
                "running",
                True,
                len(kept),
            )
            assert steps_of(ckptr, run_id) == kept
            assert await ckptr.resume(run_id) == "NOTE ABOUT CRASH"
            assert steps_of(ckptr, run_id) == ["write", "finish"]
            [info] = ckptr.runs()
            assert (info.status, info.interrupted) == ("completed", False)

    asyncio.run(next_process())


async def test_two_processes_resuming_one_cut_off_run_one_append_wins(tmp_path):
    path = tmp_path / "hitl.db"
    hooks = Hooks()
    gate = hooks.actions["write"] = Gate()
    first = SqliteStore(path)
    handler = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=first).run(topic="race")
    await cut_off(handler, gate)
    first.close()

    hooks_a, hooks_b = Hooks(), Hooks()
    gate_a = hooks_a.actions["write"] = Gate()
    gate_b = hooks_b.actions["write"] = Gate()
    store_a, store_b = SqliteStore(path), SqliteStore(path)
    ckptr_a = WorkflowCheckpointer(workflow=EchoFlow(hooks_a), store=store_a)
    ckptr_b = WorkflowCheckpointer(workflow=EchoFlow(hooks_b), store=store_b)
    a = ckptr_a.resume(handler.run_id)
    b = ckptr_b.resume(handler.run_id)
    await gate_a.entered.wait()
    await gate_b.entered.wait()  # both run the step: steps are at least once
    gate_a.release.set()
    assert await a == "NOTE ABOUT RACE"
    gate_b.release.set()
    with pytest.raises(ConflictError):
        await b
    assert b.status == "completed"  # the loser reports the run as the winner left it
    assert steps_of(ckptr_b, handler.run_id) == ["write", "finish"]
    assert ckptr_b.runs()[0].status == "completed"
    store_a.close()
    store_b.close()


async def test_resumed_question_can_be_answered_by_a_fresh_checkpointer_on_a_shared_memory_store():
    store = MemoryStore()
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = ckptr.run()
    assert isinstance(await handler, NameQuestion)
    other = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    assert isinstance(await other.answer(handler.run_id, name="Ann"), AgeQuestion)
