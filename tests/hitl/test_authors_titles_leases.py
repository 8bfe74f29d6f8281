"""Who made each checkpoint, the title a session gets from its first answer,
and the lease that tells a run left running anywhere from one still driven."""

from __future__ import annotations

import time

import pytest

from hitl import HUMAN, MemoryStore, SqliteStore, WorkflowCheckpointer
from hitl.answers import answer_field
from hitl.checkpoint import LEASE_SECONDS
from hitl.errors import WorkflowValidationError
from hitl.events import InputRequiredEvent
from hitl.store.base import INTERRUPTED, RUNNING
from tests.hitl.helpers import SurveyFlow


@pytest.fixture(params=["memory", "sqlite"])
def store(request, tmp_path):
    s = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "s.db")
    yield s
    s.close()


async def test_every_checkpoint_a_person_makes_names_who(store):
    ckptr = WorkflowCheckpointer(SurveyFlow(), store, author="ann")
    run = ckptr.run()
    await run
    await ckptr.answer(run.run_id, name="Ann")
    await ckptr.answer(run.run_id, age=41, author="bob")  # someone else, for one answer
    by_step = [(c.last_completed_step, c.author) for c in ckptr.checkpoints[run.run_id]]
    assert by_step == [
        ("begin", None), (HUMAN, "ann"), ("take_name", None), (HUMAN, "bob"), ("take_age", None),
    ]  # fmt: skip
    assert ckptr.get_run(run.run_id).author == "ann"
    first_answer = ckptr.checkpoints[run.run_id][1]
    first_answer.output_event.name = "Anna"
    branch = ckptr.run_from(first_answer, author="cy")
    await branch
    edit = ckptr.checkpoints[branch.run_id][0]
    assert (edit.last_completed_step, edit.author) == (HUMAN, "cy")
    assert ckptr.get_run(branch.run_id).author == "cy"


async def test_a_session_is_titled_by_its_first_answer_and_a_branch_by_its_own(store):
    ckptr = WorkflowCheckpointer(SurveyFlow(), store)
    run = ckptr.run()
    await run
    assert store.get_session(run.run_id).title == ""
    await ckptr.answer(run.run_id, name="Ann", nickname="  the   first ")
    await ckptr.answer(run.run_id, age=41)
    assert store.get_session(run.run_id).title == "Ann the first"
    # a branch that changes the first answer is titled by the change
    first = ckptr.checkpoints[run.run_id][1]
    first.output_event.name = "Bea"
    branch = ckptr.run_from(first)
    await branch
    assert ckptr.get_run(branch.run_id).title == "Bea the first"
    assert store.get_session(run.run_id).title == "Bea the first"  # its latest run
    # a branch from a later checkpoint keeps the title it inherits
    later = ckptr.checkpoints[run.run_id][2]
    same = ckptr.run_from(later)
    await same
    assert ckptr.get_run(same.run_id).title == "Ann the first"
    page = store.sessions(now=0.0, text="ANN THE")
    assert [s.session for s in page.sessions] == [run.run_id]


def test_an_answer_field_may_not_be_named_author():
    with pytest.raises(WorkflowValidationError, match="'author'"):

        class Signed(InputRequiredEvent):
            author: str = answer_field()


def test_a_run_left_running_elsewhere_is_interrupted_when_its_lease_ends(store):
    # Leases are real time, whatever clock stamps the checkpoints.
    ckptr = WorkflowCheckpointer(SurveyFlow(), store, clock=lambda: 5.0)
    before = time.time()
    run = ckptr.run()  # recorded, running, its first step not run yet
    record = store.get_run(run.run_id)
    assert record.status == RUNNING
    assert before + LEASE_SECONDS <= record.lease_until <= time.time() + LEASE_SECONDS
    assert not ckptr.get_run(run.run_id).interrupted
    now = [time.time()]
    # as another machine's process would have left it: its owner cannot be asked
    store.set_status(run.run_id, RUNNING, error=None, owner="elsewhere:1", at=now[0],
                     lease_until=now[0] + LEASE_SECONDS)  # fmt: skip
    alive = store.sessions(now=now[0] + 1, status=INTERRUPTED).sessions
    assert alive == []
    later = now[0] + LEASE_SECONDS + 1
    assert [s.session for s in store.sessions(now=later, status=INTERRUPTED).sessions] == [
        run.run_id
    ]
    assert store.renew_lease(run.run_id, "elsewhere:1", later + LEASE_SECONDS)
    assert store.sessions(now=later, status=INTERRUPTED).sessions == []
    assert not store.renew_lease(run.run_id, "someone-else:2", later + LEASE_SECONDS)
