"""Runs and checkpoints: what is written is read back exactly, in order, and a
write that is refused changes nothing."""

from __future__ import annotations

import pytest

from hitl.errors import ConflictError
from hitl.store import CheckpointStore
from hitl.store.base import COMPLETED, FAILED, RUNNING, WAITING
from tests.stores.records import T0, ck_row, grow, new_id, run_row, started


def test_the_store_meets_the_protocol(store):
    assert isinstance(store, CheckpointStore)


def test_a_run_is_read_back_as_written(store):
    run = run_row(author="ann", title="", lease_until=T0 + 30)
    store.create_run(run)
    assert store.get_run(run.run_id) == run
    assert store.session_of(run.run_id) == run.run_id
    assert store.get_run("no-such-run") is None
    assert store.session_of("no-such-run") is None


def test_a_run_with_its_first_checkpoint_is_one_write(store):
    run = run_row(status=WAITING, author="ann")
    first = ck_row(run.run_id, 0, author="ann")
    store.create_run(run, first)
    stored = store.get_run(run.run_id)
    assert (stored.tip, stored.tip_seq, stored.status) == (first.id, 0, WAITING)
    assert store.run_checkpoints(run.run_id) == [first]
    assert store.get_checkpoint(first.id) == first
    assert store.get_checkpoint(first.id).author == "ann"


def test_authors_and_titles_round_trip(store):
    run = started(store, author="Zoë 🦊", title=None)
    answer = ck_row(run.run_id, 1, parent_id=run.tip, step="human", author="Zoë 🦊")
    store.append(answer, RUNNING, "host-a:1", lease_until=T0 + 60, title="Ship v2 ✓")
    step = ck_row(run.run_id, 2, parent_id=answer.id)
    store.append(step, WAITING, "host-a:1")
    assert [c.author for c in store.run_checkpoints(run.run_id)] == [None, "Zoë 🦊", None]
    stored = store.get_run(run.run_id)
    assert (stored.author, stored.title) == ("Zoë 🦊", "Ship v2 ✓")
    assert store.get_session(run.session).title == "Ship v2 ✓"


def test_what_a_branch_was_made_from_round_trips(store, other):
    root = started(store)
    shown = run_row(session=root.run_id, branched_from=root.tip, status=WAITING)
    store.create_run(shown)
    made = run_row(session=root.run_id, branched_from=root.tip, made_from=shown.run_id, title=None)
    store.create_run(made, ck_row(made.run_id, 0, parent_id=root.tip, step="human"))
    for view in (store, other):
        assert view.get_run(made.run_id).made_from == shown.run_id
        assert [r.made_from for r in view.session_runs(root.run_id)] == [None, None, shown.run_id]
        assert [r.made_from for r in view.list_runs()] == [None, None, shown.run_id]
    grow(store, made, 1, status=RUNNING)  # the writes that move a run keep it
    store.set_status(made.run_id, WAITING, error=None, owner=None, at=T0 + 5)
    store.set_titles({made.run_id: "Ship v3"})
    assert other.get_run(made.run_id).made_from == shown.run_id


def test_a_run_id_is_taken_once(store):
    run = run_row()
    store.create_run(run)
    with pytest.raises(ConflictError):
        store.create_run(run._replace(flow="other"), ck_row(run.run_id, 0))
    assert store.get_run(run.run_id) == run
    assert store.run_checkpoints(run.run_id) == []


def test_a_branch_from_a_checkpoint_no_longer_stored_is_refused(store):
    root = started(store)
    store.delete_run(root.run_id)
    branch = run_row(session=root.run_id, branched_from=root.tip)
    with pytest.raises(ConflictError):
        store.create_run(branch, ck_row(branch.run_id, 0, parent_id=root.tip))
    assert store.get_run(branch.run_id) is None
    assert store.get_session(root.run_id) is None


def test_a_branch_must_be_of_its_origins_session(store):
    one, two = started(store), started(store)
    stray = run_row(session=two.run_id, branched_from=one.tip)
    with pytest.raises(ConflictError):
        store.create_run(stray)
    assert store.get_run(stray.run_id) is None
    assert store.get_session(two.run_id).branches == 1


def test_runs_are_listed_in_the_order_created(store):
    ids = [started(store, flow="survey" if i % 2 else "echo").run_id for i in range(7)]
    assert [r.run_id for r in store.list_runs()] == ids
    assert [r.run_id for r in store.list_runs("echo")] == ids[0::2]
    assert store.list_runs("nothing") == []


def test_a_sessions_runs_in_the_order_created(store):
    root = started(store)
    grow(store, root, 2)
    first = store.run_checkpoints(root.run_id)
    branches = []
    for origin in (first[2], first[0], first[1]):
        branch = run_row(session=root.run_id, branched_from=origin.id)
        store.create_run(branch)
        branches.append(branch.run_id)
    started(store)  # another session
    assert [r.run_id for r in store.session_runs(root.run_id)] == [root.run_id, *branches]
    assert all(store.session_of(b) == root.run_id for b in branches)
    assert store.session_runs("no-such-session") == []


def test_checkpoints_in_order_and_by_id(store):
    run = started(store)
    grow(store, run, 4)
    stored = store.run_checkpoints(run.run_id)
    assert [c.seq for c in stored] == [0, 1, 2, 3, 4]
    assert [c.parent_id for c in stored[1:]] == [c.id for c in stored[:-1]]
    for c in stored:
        assert store.get_checkpoint(c.id) == c
    assert store.get_checkpoint("no-such-checkpoint") is None
    assert store.run_checkpoints("no-such-run") == []
    assert store.get_run(run.run_id).tip == stored[-1].id


def test_run_id_prefixes_are_looked_up_in_id_order(store):
    prefixes = ("3f2a", "3f2a", "3f2b", "3f", "a")
    ids = sorted(started(store, run_id=new_id(p)).run_id for p in prefixes)
    assert store.run_ids("3f2a", limit=10) == [i for i in ids if i.startswith("3f2a")]
    assert store.run_ids("3f", limit=10) == [i for i in ids if i.startswith("3f")]
    assert store.run_ids("3f", limit=2) == [i for i in ids if i.startswith("3f")][:2]
    assert store.run_ids(ids[-1], limit=5) == [ids[-1]]
    assert store.run_ids("3F2A", limit=10) == []  # exact, case and all
    assert store.run_ids("%", limit=10) == []  # no pattern characters
    assert store.run_ids("3f2c", limit=10) == []
    with pytest.raises(ValueError):
        store.run_ids("", limit=10)


def test_prefixes_at_the_edges_of_the_alphabet(store):
    high = started(store, run_id="z\U0010ffff-high").run_id
    low = started(store, run_id="z-low").run_id
    beyond = started(store, run_id="{after-z").run_id
    assert store.run_ids("z", limit=10) == sorted([high, low])
    assert store.run_ids("z\U0010ffff", limit=10) == [high]
    assert store.run_ids("{", limit=10) == [beyond]


def test_set_status_with_and_without_the_tip_guard(store):
    run = started(store)
    grow(store, run, 1)
    assert not store.set_status(run.run_id, FAILED, error="stale", owner=None, at=T0 + 5, tip_seq=0)
    assert store.get_run(run.run_id).status == WAITING
    assert store.set_status(run.run_id, FAILED, error="boom", owner=None, at=T0 + 5, tip_seq=1)
    stored = store.get_run(run.run_id)
    assert (stored.status, stored.error, stored.owner, stored.updated_at) == (
        FAILED, "boom", None, T0 + 5,
    )  # fmt: skip
    assert store.set_status(
        run.run_id, RUNNING, error=None, owner="host-b:2", at=T0 + 6, lease_until=T0 + 36
    )
    stored = store.get_run(run.run_id)
    assert (stored.status, stored.error, stored.owner, stored.lease_until) == (
        RUNNING, None, "host-b:2", T0 + 36,
    )  # fmt: skip
    assert not store.set_status("no-such-run", COMPLETED, error=None, owner=None, at=T0)


def test_an_append_sets_the_runs_status_and_clears_its_error(store):
    run = started(store)
    store.set_status(run.run_id, FAILED, error="boom", owner=None, at=T0 + 1)
    grow(store, run, 1, status=RUNNING)
    stored = store.get_run(run.run_id)
    assert (stored.status, stored.error, stored.owner) == (RUNNING, None, "host-a:1")
    store.append(ck_row(run.run_id, 2, parent_id=stored.tip), COMPLETED, None)
    assert store.get_run(run.run_id).status == COMPLETED


def test_a_lease_is_renewed_only_by_its_owner_while_running(store):
    run = started(store, status=RUNNING, lease_until=T0 + 30)
    assert store.renew_lease(run.run_id, "host-a:1", T0 + 90)
    stored = store.get_run(run.run_id)
    assert stored.lease_until == T0 + 90
    assert stored.updated_at == run.updated_at  # a renewal is not a change
    assert store.get_session(run.session).lease_until == T0 + 90
    assert not store.renew_lease(run.run_id, "host-b:9", T0 + 200)
    grow(store, run, 1, status=WAITING)
    assert not store.renew_lease(run.run_id, "host-a:1", T0 + 300)
    assert store.get_run(run.run_id).lease_until is None
    assert not store.renew_lease("no-such-run", "host-a:1", T0)


def test_titles_are_set_where_unknown(store):
    unknown = started(store, title=None)
    known = started(store, title="Kept")
    store.set_titles({unknown.run_id: "Filled", known.run_id: "Not this", "gone": "x"})
    assert store.get_run(unknown.run_id).title == "Filled"
    assert store.get_run(known.run_id).title == "Kept"
    assert store.get_session(unknown.session).title == "Filled"
    assert store.get_run("gone") is None
