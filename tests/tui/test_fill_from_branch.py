"""A change made on a branch to an answer from before its fork fills in the later
questions from that branch (the one the person is on), not from the run the
changed answer belongs to (issue 15, item 6's leftover): the new run records the
run it was made from (``RunInfo.made_from``), and the fill-in reads that run."""

from __future__ import annotations

from flows.gather import GatherFlow
from hitl import MemoryStore, WorkflowCheckpointer
from tests.tui.helpers import seed_gather
from tui.sessions import branching, run_view


def changed(ckptr, view, number: int, values: dict) -> run_view.RunView:
    answer = view.answers[number - 1]
    edited = answer.event.model_copy(update=values)
    return run_view.change_answer(ckptr, answer.checkpoint_id, edited, on=view.run_id)


def offered_to_the_end(ckptr, view) -> list:
    offered = []
    while view.waiting:
        values = view.fork.offered(view.question)
        offered.append(values)
        view = run_view.answer(ckptr, view.run_id, view.question_checkpoint, values)
    return offered


def test_a_change_before_the_fork_fills_in_from_the_branch_it_was_made_on() -> None:
    ckptr = WorkflowCheckpointer(GatherFlow(), MemoryStore())
    a = seed_gather(ckptr, "A1", "A2", "A3", "A4")
    b = changed(ckptr, a, 3, {"approach": "B3"})
    b = run_view.answer(ckptr, b.run_id, b.question_checkpoint, {"notes": "B4"})
    c = changed(ckptr, b, 1, {"objective": "C1"})
    assert ckptr.get_run(c.run_id).made_from == b.run_id
    assert c.fork.earlier == b.run_id and c.fork.changed == ("objective",)
    assert offered_to_the_end(ckptr, c) == [
        {"resources": "A2"}, {"approach": "B3"}, {"notes": "B4"}
    ]


def test_a_branch_whose_run_was_deleted_fills_in_from_the_answers_run() -> None:
    ckptr = WorkflowCheckpointer(GatherFlow(), MemoryStore())
    a = seed_gather(ckptr, "A1", "A2", "A3", "A4")
    b = changed(ckptr, a, 3, {"approach": "B3"})
    b = run_view.answer(ckptr, b.run_id, b.question_checkpoint, {"notes": "B4"})
    c = changed(ckptr, b, 1, {"objective": "C1"})
    ckptr.delete_run(b.run_id)
    c = run_view.load_run(ckptr, c.run_id)
    assert c.fork.earlier == a.run_id
    assert offered_to_the_end(ckptr, c) == [
        {"resources": "A2"}, {"approach": "A3"}, {"notes": "A4"}
    ]


def test_a_change_on_a_branch_not_stored_yet_is_made_from_the_run_it_shows() -> None:
    """"Branch from here" on B's answer 3 (kept at its first answer), then a change
    of answer 1 there: made from B, whose answers the unsaved branch shows."""
    ckptr = WorkflowCheckpointer(GatherFlow(), MemoryStore())
    a = seed_gather(ckptr, "A1", "A2", "A3", "A4")
    b = changed(ckptr, a, 3, {"approach": "B3"})
    b = run_view.answer(ckptr, b.run_id, b.question_checkpoint, {"notes": "B4"})
    looked = branching.preview(ckptr, b.answers[2].checkpoint_id, on=b.run_id)
    view = run_view.load_run(ckptr, looked.run_id)
    assert not view.fork.saved
    c = changed(ckptr, view, 1, {"objective": "C1"})
    assert ckptr.get_run(c.run_id).made_from == b.run_id
    assert offered_to_the_end(ckptr, c) == [
        {"resources": "A2"}, {"approach": "B3"}, {"notes": "B4"}
    ]


def test_a_branch_that_names_no_run_it_was_made_on_fills_in_from_the_answers_run() -> None:
    """As every branch stored before runs kept it (made_from None)."""
    ckptr = WorkflowCheckpointer(GatherFlow(), MemoryStore())
    a = seed_gather(ckptr, "A1", "A2", "A3", "A4")
    b = changed(ckptr, a, 3, {"approach": "B3"})
    b = run_view.answer(ckptr, b.run_id, b.question_checkpoint, {"notes": "B4"})
    made = branching.branch(ckptr, b.answers[0].checkpoint_id, {"objective": "C1"})
    assert made.made_from is None
    c = run_view.load_run(ckptr, made.run_id)
    assert c.fork.earlier == a.run_id
    assert offered_to_the_end(ckptr, c) == [
        {"resources": "A2"}, {"approach": "A3"}, {"notes": "A4"}
    ]


def test_what_a_branch_only_offered_is_offered_again_by_a_branch_made_on_it() -> None:
    """B changes answer 2 and waits on question 3 with A's answers offered, not
    sent; a change of answer 1 on B offers B's answer 2, then A's 3 and 4 as B
    showed them."""
    ckptr = WorkflowCheckpointer(GatherFlow(), MemoryStore())
    a = seed_gather(ckptr, "A1", "A2", "A3", "A4")
    b = changed(ckptr, a, 2, {"resources": "B2"})
    assert b.fork.offered(b.question) == {"approach": "A3"}
    c = changed(ckptr, b, 1, {"objective": "C1"})
    assert c.fork.earlier == b.run_id and c.fork.changed == ("objective",)
    assert offered_to_the_end(ckptr, c) == [
        {"resources": "B2"}, {"approach": "A3"}, {"notes": "A4"}
    ]
