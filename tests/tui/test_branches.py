"""The words every face uses for a branch: "branch 2 of 3 · objective changed"."""

from __future__ import annotations

from tests.tui.screen_data import Session
from tui.sessions.branches import run_branch_label


async def test_a_branch_says_its_number_and_what_it_changed(session: Session) -> None:
    first = await session.complete()
    assert run_branch_label(session.ckptr, first) == ""  # one run: no branches to tell apart
    second = await session.rewind(first, "objective", "Ship v3")
    await session.ckptr.answer(second, resources="Two people")
    third = await session.rewind(second, "resources", "Just me")
    assert run_branch_label(session.ckptr, first) == "branch 1 of 3 · the first"
    assert run_branch_label(session.ckptr, second) == "branch 2 of 3 · objective changed"
    assert run_branch_label(session.ckptr, third) == "branch 3 of 3 · resources changed"
    same = session.answer_checkpoint(first, "approach")
    handler = session.ckptr.run_from(same)  # gone on from unchanged
    await handler
    label = run_branch_label(session.ckptr, handler.run_id)
    assert label == "branch 4 of 4 · no answer changed yet"
