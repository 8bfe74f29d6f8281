"""Deleting a run with its branches, a session, and pruning old completed
sessions: each one transaction of the store, the session rows kept true."""

from __future__ import annotations

import threading

from hitl.errors import ConflictError
from hitl.store.base import COMPLETED, FAILED, RUNNING, WAITING
from tests.stores.records import T0, ck_row, grow, run_row, started

NOW = T0 + 1000


def branch(store, origin_id: str, *, at: float = T0 + 10, status: str = WAITING):
    session = store.session_of(store.get_checkpoint(origin_id).run_id)
    run = run_row(session=session, branched_from=origin_id, at=at, status=status)
    store.create_run(run, ck_row(run.run_id, 0, parent_id=origin_id, at=at))
    return store.get_run(run.run_id)


def tree(store):
    """root; a <- root's 0; b <- a's 0; c <- root's 1; d <- b's 0. Returns the runs."""
    root = started(store)
    grow(store, root, 2)
    ck = store.run_checkpoints(root.run_id)
    a = branch(store, ck[0].id, at=T0 + 10)
    b = branch(store, a.tip, at=T0 + 11)
    c = branch(store, ck[1].id, at=T0 + 12)
    d = branch(store, b.tip, at=T0 + 13)
    return root, a, b, c, d


def test_delete_run_takes_its_branches_at_any_depth(store):
    root, a, b, c, d = tree(store)
    other = started(store)
    a_checkpoints = [x.id for x in store.run_checkpoints(a.run_id)]
    assert store.delete_run(a.run_id) == [a.run_id, b.run_id, d.run_id]
    for gone in (a, b, d):
        assert store.get_run(gone.run_id) is None
        assert store.run_checkpoints(gone.run_id) == []
    assert all(store.get_checkpoint(x) is None for x in a_checkpoints)
    assert [r.run_id for r in store.session_runs(root.session)] == [root.run_id, c.run_id]
    assert [r.run_id for r in store.list_runs()] == [root.run_id, c.run_id, other.run_id]
    assert store.find_checkpoints(a.flow, run_id=a.run_id) == []
    row = store.get_session(root.session)
    assert (row.run_id, row.branches) == (c.run_id, 2)  # the latest left
    assert store.delete_run(a.run_id) == []


def test_deleting_the_latest_run_makes_the_one_written_before_it_latest(store):
    root = started(store, title="Root")
    grow(store, root, 1, at=T0 + 50)
    late = branch(store, root.tip, at=T0 + 60)
    store.delete_run(late.run_id)
    row = store.get_session(root.session)
    assert (row.run_id, row.updated_at, row.title, row.branches) == (
        root.run_id, T0 + 50, "Root", 1,
    )  # fmt: skip


def test_delete_the_root_deletes_the_session(store):
    root, a, b, c, d = tree(store)
    other = started(store)
    assert store.delete_run(root.run_id) == [r.run_id for r in (root, a, b, c, d)]
    assert store.get_session(root.session) is None
    assert store.session_runs(root.session) == []
    page = store.sessions(now=NOW)
    assert [s.session for s in page.sessions] == [other.session]


def test_delete_session(store):
    root, a, b, c, d = tree(store)
    other = started(store)
    assert store.delete_session(root.session) == [r.run_id for r in (root, a, b, c, d)]
    assert [r.run_id for r in store.list_runs()] == [other.run_id]
    assert store.get_session(root.session) is None
    assert store.delete_session(root.session) == []
    assert store.count_sessions(now=NOW)[WAITING] == 1


def test_delete_unchanged_session_deletes_a_lone_run_as_read(store):
    lone = started(store)
    kept = started(store)
    token = store.change_token()
    assert store.delete_unchanged_session(lone.run_id, tip_seq=lone.tip_seq, status=WAITING)
    assert store.get_run(lone.run_id) is None and store.run_checkpoints(lone.run_id) == []
    assert store.get_session(lone.session) is None
    assert store.changes(token).deleted == [lone.session]
    assert [r.run_id for r in store.list_runs()] == [kept.run_id]
    assert not store.delete_unchanged_session(lone.run_id, tip_seq=0, status=WAITING)


def test_delete_unchanged_session_keeps_a_session_written_since_it_was_read(store, other):
    answered, driven, branched = started(store), started(store), started(store)
    seen = {r.run_id: store.get_run(r.run_id) for r in (answered, driven, branched)}
    grow(other, answered, 1)  # another process answers after the read
    other.set_status(driven.run_id, RUNNING, error=None, owner="host-b:2", at=T0 + 5)
    offshoot = branch(other, branched.tip)
    for run_id, run in seen.items():
        assert not store.delete_unchanged_session(run_id, tip_seq=run.tip_seq, status=run.status)
        assert store.get_session(run.session) is not None
    assert store.get_run(answered.run_id).tip_seq == 1  # the answer is kept
    assert [r.run_id for r in store.session_runs(branched.session)] == [
        branched.run_id, offshoot.run_id,
    ]  # fmt: skip
    assert not store.delete_unchanged_session("no-such-run", tip_seq=0, status=WAITING)


def test_an_answer_racing_delete_unchanged_session_is_stored_or_refused(store, other):
    for _ in range(10):
        run = started(store)
        barrier = threading.Barrier(2)
        appended: list[bool] = []

        def answer(run=run, barrier=barrier, appended=appended) -> None:
            answer = ck_row(run.run_id, 1, parent_id=run.tip)
            barrier.wait()
            try:
                other.append(answer, WAITING, "host-b:2")
            except ConflictError:
                appended.append(False)
            else:
                appended.append(True)

        t = threading.Thread(target=answer)
        t.start()
        barrier.wait()
        deleted = store.delete_unchanged_session(run.run_id, tip_seq=0, status=WAITING)
        t.join()
        assert appended == [not deleted]  # exactly one of them went in
        if deleted:
            assert store.get_session(run.session) is None
        else:
            assert store.get_run(run.run_id).tip_seq == 1


def test_delete_runs_keeps_the_sessions_true(store):
    root, a, b, c, d = tree(store)
    assert store.delete_runs([c.run_id, d.run_id, "no-such-run", c.run_id]) == 2
    row = store.get_session(root.session)
    assert (row.run_id, row.branches) == (b.run_id, 3)
    assert store.delete_runs([root.run_id, a.run_id, b.run_id]) == 3
    assert store.get_session(root.session) is None


def branch_while_deleting(store, other, root) -> tuple[list[str], list[str]]:
    """Branch from every checkpoint of ``root`` on ``other`` while ``store`` deletes
    it; the branches made and the runs deleted."""
    origins = [x.id for x in store.run_checkpoints(root.run_id)]
    made: list[str] = []
    barrier = threading.Barrier(2)

    def brancher() -> None:
        barrier.wait()
        for origin in origins:
            run = run_row(session=root.session, branched_from=origin)
            try:
                other.create_run(run)
            except ConflictError:
                continue
            made.append(run.run_id)

    t = threading.Thread(target=brancher)
    t.start()
    barrier.wait()
    deleted = store.delete_run(root.run_id)
    t.join()
    return made, deleted


def test_a_branch_made_while_its_run_is_deleted_is_deleted_too_or_refused(store, other):
    for _ in range(10):
        root = started(store)
        grow(store, root, 3)
        made, deleted = branch_while_deleting(store, other, root)
        assert set(made) <= set(deleted)
        assert store.session_runs(root.session) == []
        assert store.get_session(root.session) is None


def test_prune_deletes_completed_sessions_unchanged_since(store):
    old_done = started(store, status=COMPLETED, at=T0)
    old_waiting = started(store, status=WAITING, at=T0)
    old_failed = started(store, status=FAILED, at=T0)
    other_flow = started(store, status=COMPLETED, at=T0, flow="echo")
    revived = started(store, status=COMPLETED, at=T0)
    branch(store, revived.tip, at=T0 + 500, status=COMPLETED)
    recent = started(store, status=COMPLETED, at=T0 + 500)
    # completed once, then resumed: its latest is not completed
    resumed = started(store, status=COMPLETED, at=T0)
    store.set_status(resumed.run_id, WAITING, error=None, owner=None, at=T0 + 1)

    gone = store.prune_sessions(before=T0 + 100, flow="survey")
    assert [s.session for s in gone] == [old_done.session]
    assert gone[0].status == COMPLETED and gone[0].run_id == old_done.run_id
    assert store.get_run(old_done.run_id) is None
    assert store.prune_sessions(before=T0 + 100, flow="survey") == []
    kept = {s.session for s in store.sessions(now=NOW, limit=100).sessions}
    assert kept == {
        old_waiting.session, old_failed.session, other_flow.session,
        revived.session, recent.session, resumed.session,
    }  # fmt: skip
    gone = store.prune_sessions(before=T0 + 1000)
    assert [s.session for s in gone] == [other_flow.session, revived.session, recent.session]
    assert [r.run_id for r in store.list_runs()] == [
        old_waiting.run_id, old_failed.run_id, resumed.run_id,
    ]  # fmt: skip
