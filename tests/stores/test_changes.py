"""The change feed: which sessions were written or deleted since a token, cheap
to poll, seen by every other view of the store."""

from __future__ import annotations

import threading

from hitl.store.base import COMPLETED, WAITING
from tests.stores.records import T0, ck_row, grow, run_row, started


def test_a_new_store_has_token_zero_and_nothing_to_tell(store):
    assert store.change_token() == 0
    assert store.changes(0) == (0, [], [], True)
    start = store.changes(None)
    assert (start.token, start.complete) == (0, False)


def test_every_write_is_a_change_of_its_session(store, other):
    token = other.change_token()
    one = started(store)
    two = started(store)
    seen = other.changes(token)
    assert seen.complete and seen.changed == [one.session, two.session] and seen.deleted == []
    assert seen.token == other.change_token() == store.change_token() > token
    token = seen.token
    assert other.changes(token) == (token, [], [], True)

    grow(store, one, 1)  # append
    assert other.changes(token).changed == [one.session]
    token = other.change_token()
    store.set_status(two.run_id, COMPLETED, error=None, owner=None, at=T0 + 5)
    assert other.changes(token).changed == [two.session]
    token = other.change_token()
    b = run_row(session=one.session, branched_from=one.tip)
    store.create_run(b)  # a branch
    assert other.changes(token).changed == [one.session]
    token = other.change_token()
    store.delete_run(b.run_id)  # a run of a session that stays
    assert other.changes(token) == (other.change_token(), [one.session], [], True)
    token = other.change_token()
    store.delete_session(two.session)
    assert other.changes(token) == (other.change_token(), [], [two.session], True)
    token = other.change_token()
    store.set_titles({one.run_id: "ignored: titled already"})
    assert other.changes(token).changed == []


def test_changes_oldest_first_each_session_once(store, other):
    runs = [started(store) for _ in range(3)]
    token = other.change_token()
    for r in (runs[2], runs[0], runs[2]):
        grow(store, r, 1)
    assert other.changes(token).changed == [runs[0].session, runs[2].session]


def test_a_lease_renewal_is_not_a_change(store, other):
    run = started(store, status="running", lease_until=T0 + 30)
    token = other.change_token()
    assert store.renew_lease(run.run_id, run.owner, T0 + 60)
    assert other.changes(token) == (token, [], [], True)


def test_a_token_the_store_never_gave_or_too_many_changes_is_incomplete(store):
    for _ in range(5):
        started(store)
    token = store.change_token()
    assert not store.changes(token + 100).complete
    assert store.changes(token + 100).token == token
    assert not store.changes(0, limit=4).complete
    assert store.changes(0, limit=5).complete


def test_a_prune_is_told_as_deletions(store, other):
    old = [started(store, status=COMPLETED, at=T0) for _ in range(3)]
    kept = started(store, status=WAITING)
    token = other.change_token()
    store.prune_sessions(before=T0 + 1)
    seen = other.changes(token)
    assert seen.complete and sorted(seen.deleted) == sorted(r.session for r in old)
    assert seen.changed == []
    assert kept


def test_appending_to_a_branch_tells_its_session(store, other):
    root = started(store)
    b = run_row(session=root.session, branched_from=root.tip)
    store.create_run(b, ck_row(b.run_id, 0, parent_id=root.tip))
    token = other.change_token()
    store.append(ck_row(b.run_id, 1, parent_id=store.get_run(b.run_id).tip), WAITING, None)
    assert other.changes(token).changed == [root.session]


# -- waiting for a change ----------------------------------------------------------------


def _waiting(store, token: int, timeout: float) -> tuple[threading.Thread, list[int]]:
    """A thread blocked in ``store.wait_for_change(token, timeout)``; what it returned."""
    got: list[int] = []
    thread = threading.Thread(target=lambda: got.append(store.wait_for_change(token, timeout)))
    thread.start()
    return thread, got


def test_a_wait_behind_the_store_returns_the_token_at_once(store, other):
    token = other.change_token()
    started(store)
    assert other.wait_for_change(token, 30) == store.change_token() > token


def test_a_wait_with_nothing_written_ends_at_its_timeout_with_the_same_token(store):
    started(store)
    token = store.change_token()
    assert store.wait_for_change(token, 0.3) == token


def test_a_write_by_another_view_wakes_a_waiter(store, other):
    token = other.change_token()
    assert other.wait_for_change(token, 0) == token  # settled: the wait below is a real one
    thread, got = _waiting(other, token, 60)
    run = started(store)
    thread.join(60)
    assert got == [store.change_token()] and got[0] > token
    assert other.changes(token).changed == [run.session]


def test_a_waiter_returns_when_its_store_is_closed(kind, request, tmp_path):
    store = kind.open(request, tmp_path)
    token = store.change_token()
    thread, got = _waiting(store, token, 600)
    store.close()
    thread.join(30)
    assert not thread.is_alive() and got == [token]
