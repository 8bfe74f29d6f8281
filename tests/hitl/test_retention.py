"""Retention: delete a run (and its branches), delete a session, prune old
completed sessions by a fake clock."""

from datetime import timedelta

import pytest

from hitl import CheckpointNotFound, RunNotFound, WorkflowCheckpointer
from tests.hitl.helpers import EchoFlow, FailTimes, Hooks, SurveyFlow, finish_survey

DAY = 86_400.0


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def session_tree(ckptr):
    """root; a <- root's question; b <- a's checkpoint; c <- root's answer. Returns ids."""
    root = await finish_survey(ckptr)
    a = ckptr.run_from(checkpoint=ckptr.checkpoints[root][0])
    await a
    await ckptr.answer(a.run_id, name="Bea")
    b = ckptr.run_from(checkpoint=ckptr.checkpoints[a.run_id][-1])
    await b
    c = ckptr.run_from(checkpoint=ckptr.checkpoints[root][1])
    await c
    return root, a.run_id, b.run_id, c.run_id


async def test_delete_run_removes_it_and_the_runs_branched_from_it(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root, a, b, c = await session_tree(ckptr)
    other = await finish_survey(ckptr)
    a_checkpoints = [ck.id for ck in ckptr.checkpoints[a]]

    assert sorted(ckptr.delete_run(a)) == sorted([a, b])
    assert [r.run_id for r in ckptr.runs()] == [root, c, other]
    assert a not in ckptr.checkpoints and b not in ckptr.checkpoints
    for checkpoint_id in a_checkpoints:
        with pytest.raises(CheckpointNotFound):
            ckptr.get_checkpoint(checkpoint_id)
    assert len(ckptr.checkpoints[root]) == 5
    assert ckptr.filter_checkpoints(run_id=a) == []
    with pytest.raises(RunNotFound):
        ckptr.delete_run(a)
    with pytest.raises(RunNotFound):
        ckptr.resume(b)


async def test_delete_the_root_run_deletes_the_whole_tree(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root, a, b, c = await session_tree(ckptr)
    other = await finish_survey(ckptr)
    assert sorted(ckptr.delete_run(root)) == sorted([root, a, b, c])
    assert [r.run_id for r in ckptr.runs()] == [other]


async def test_delete_session(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root, a, b, c = await session_tree(ckptr)
    other = await finish_survey(ckptr)
    assert sorted(ckptr.delete_session(root)) == sorted([root, a, b, c])
    assert list(ckptr.checkpoints) == [other]
    assert len(ckptr.filter_checkpoints(last_completed_step="begin")) == 1
    with pytest.raises(RunNotFound):
        ckptr.delete_session(root)


async def test_prune_deletes_completed_sessions_older_than_the_age(store):
    clock = Clock()
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store, clock=clock)
    echo = WorkflowCheckpointer(workflow=EchoFlow(), store=store, clock=clock)
    hooks = Hooks()
    hooks.actions["write"] = FailTimes(1)
    failing = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=store, clock=clock)

    old_done = await finish_survey(ckptr)
    old_waiting = ckptr.run()
    await old_waiting
    other_flow = echo.run(topic="old")
    await other_flow
    old_failed = failing.run(topic="fails")
    with pytest.raises(RuntimeError):
        await old_failed
    revived = await finish_survey(ckptr)  # completed long ago, branched from lately

    clock.now += 20 * DAY
    branch = ckptr.run_from(checkpoint=ckptr.checkpoints[revived][-1])
    await branch  # a branch from the last checkpoint completes at once
    recent_done = await finish_survey(ckptr)

    clock.now += 11 * DAY  # old ones are 31 days old; recent ones 11
    assert ckptr.prune(older_than=timedelta(days=30)) == [old_done]
    assert {r.run_id for r in ckptr.runs()} == {
        old_waiting.run_id,
        revived,
        branch.run_id,
        recent_done,
    }
    assert [r.run_id for r in echo.runs()] == [
        other_flow.run_id,
        old_failed.run_id,
    ]  # another flow's
    assert ckptr.prune(older_than=timedelta(days=30)) == []

    # seconds work too; the age is measured to the session's last change
    assert sorted(ckptr.prune(older_than=10 * DAY)) == sorted([revived, recent_done])
    assert [r.run_id for r in ckptr.runs()] == [old_waiting.run_id]
    assert sorted(echo.prune(older_than=timedelta(days=30))) == [other_flow.run_id]
    assert [r.run_id for r in echo.runs()] == [old_failed.run_id]  # a failed session is kept
