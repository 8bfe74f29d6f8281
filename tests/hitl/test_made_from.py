"""run_from(made_from=...): a branch records the run the person was on when they
made it (perhaps one that forked after the checkpoint branched from), checked
before anything is stored."""

from __future__ import annotations

import pytest

from flows.gather import GatherFlow
from hitl import WorkflowCheckpointer
from tests.hitl.helpers import count_checkpoints


async def answered(ckptr, handler, *values: str):
    """Answer the gather questions in turn with ``values``; the run's id."""
    await handler
    for value in values:
        question = ckptr.pending_question(handler.run_id)[1]
        [field] = type(question).answer_rules
        handler = ckptr.answer(handler.run_id, **{field: value})
        await handler
    return handler.run_id


def answer(ckptr, run_id: str, number: int, value: str):
    """Answer ``number`` on run ``run_id``'s way (1 the first), edited to ``value``."""
    checkpoint = [c for c in ckptr.lineage(run_id) if c.last_completed_step == "human"][number - 1]
    [field] = type(checkpoint.output_event).answer_rules
    checkpoint.output_event = checkpoint.output_event.model_copy(update={field: value})
    return checkpoint


async def session_of_two(ckptr):
    """Run A answered A1..A4; branch B made on A from its answer 3 (B3), answered B4."""
    a = await answered(ckptr, ckptr.run(), "A1", "A2", "A3", "A4")
    b = await answered(ckptr, ckptr.run_from(answer(ckptr, a, 3, "B3"), made_from=a), "B4")
    return a, b


def stored(ckptr):
    return [(r.run_id, r.made_from) for r in ckptr.runs()], count_checkpoints(ckptr)


async def test_a_branch_records_the_run_it_was_made_from(store):
    ckptr = WorkflowCheckpointer(GatherFlow(), store)
    a, b = await session_of_two(ckptr)
    c = ckptr.run_from(answer(ckptr, b, 1, "C1"), made_from=b)  # from before B's fork
    await c
    plain = ckptr.run_from(answer(ckptr, b, 2, "D2"))
    await plain
    made = {r.run_id: r.made_from for r in ckptr.runs()}
    assert made == {a: None, b: a, c.run_id: b, plain.run_id: None}
    assert ckptr.get_run(c.run_id).made_from == b
    assert ckptr.get_checkpoint(ckptr.get_run(c.run_id).branched_from).run_id == a


async def test_a_branch_looked_at_first_keeps_what_it_was_made_from(store):
    ckptr = WorkflowCheckpointer(GatherFlow(), store)
    _, b = await session_of_two(ckptr)
    looked = ckptr.run_from(answer(ckptr, b, 1, "C1"), store_checkpoints=False, made_from=b)
    await looked
    assert ckptr.store.get_run(looked.run_id) is None
    assert ckptr.keep(looked.run_id).made_from == b
    assert ckptr.store.get_run(looked.run_id).made_from == b


@pytest.mark.parametrize("which", ["unknown", "another session", "not on its way", "unsaved"])
async def test_a_made_from_that_is_not_the_run_shown_is_refused_and_stores_nothing(
    store, which
):
    ckptr = WorkflowCheckpointer(GatherFlow(), store)
    a, b = await session_of_two(ckptr)
    checkpoint = answer(ckptr, b, 1, "C1")
    if which == "unknown":
        made_from = "no-such-run"
    elif which == "another session":
        made_from = await answered(ckptr, ckptr.run(), "Other")
    elif which == "not on its way":  # A's answer 4 came after B forked from A
        checkpoint, made_from = answer(ckptr, a, 4, "C4"), b
    else:
        unsaved = ckptr.run_from(answer(ckptr, b, 2, "U2"), store_checkpoints=False)
        await unsaved
        made_from = unsaved.run_id
    before = stored(ckptr)
    with pytest.raises(ValueError, match="made_from"):
        ckptr.run_from(checkpoint, made_from=made_from)
    assert stored(ckptr) == before
    assert ckptr.store.get_session(a).branches == 2
