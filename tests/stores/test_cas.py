"""Compare-and-set appends: of any number of writers of one seq, exactly one wins,
and a writer whose view is stale changes nothing."""

from __future__ import annotations

import threading

import pytest

from hitl.errors import ConflictError
from hitl.store.base import COMPLETED, RUNNING, WAITING
from tests.stores.records import ck_row, grow, started

WRITERS = 8


def test_a_stale_append_is_refused_and_changes_nothing(store, other):
    run = started(store)
    last = grow(store, run, 1)
    before = store.run_checkpoints(run.run_id)
    stale = ck_row(run.run_id, 1, parent_id=run.tip, output='{"stale":true}')
    with pytest.raises(ConflictError):
        other.append(stale, COMPLETED, None)
    behind = ck_row(run.run_id, 0)
    with pytest.raises(ConflictError):
        other.append(behind, COMPLETED, None)
    ahead = ck_row(run.run_id, 5, parent_id=last.id)
    with pytest.raises(ConflictError):
        other.append(ahead, COMPLETED, None)  # the engine never skips a seq
    assert store.run_checkpoints(run.run_id) == before
    assert store.get_checkpoint(stale.id) is None
    stored = store.get_run(run.run_id)
    assert (stored.tip, stored.status) == (last.id, WAITING)
    following = ck_row(run.run_id, 2, parent_id=last.id)
    other.append(following, COMPLETED, None)
    with pytest.raises(ConflictError):
        other.append(ck_row(run.run_id, 2, parent_id=last.id), COMPLETED, None)
    ids = [c.id for c in store.run_checkpoints(run.run_id)]
    assert ids == [*(c.id for c in before), following.id]
    assert store.get_run(run.run_id).status == COMPLETED


def test_an_append_to_a_run_no_longer_stored_is_refused(store, other):
    run = started(store)
    other.delete_run(run.run_id)
    with pytest.raises(ConflictError):
        store.append(ck_row(run.run_id, 1, parent_id=run.tip), WAITING, None)
    assert store.get_run(run.run_id) is None
    assert store.run_checkpoints(run.run_id) == []


def race(append, run, n: int) -> tuple[list[str], int]:
    """``n`` threads append seq 1 at once through ``append(i, record)``; the ids of
    the winners and how many got ConflictError."""
    barrier = threading.Barrier(n)
    won: list[str] = []
    lost: list[int] = []

    def writer(i: int) -> None:
        record = ck_row(run.run_id, 1, parent_id=run.tip, output=f'{{"writer":{i}}}')
        barrier.wait()
        try:
            append(i, record)
        except ConflictError:
            lost.append(i)
        else:
            won.append(record.id)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return won, len(lost)


def test_threads_on_one_store_one_wins(store):
    for _ in range(5):
        run = started(store)
        won, lost = race(lambda i, r: store.append(r, RUNNING, f"host:{i}"), run, WRITERS)
        assert (len(won), lost) == (1, WRITERS - 1)
        assert [c.id for c in store.run_checkpoints(run.run_id)] == [run.tip, won[0]]
        assert store.get_run(run.run_id).tip == won[0]


def test_threads_each_with_its_own_view_one_wins(kind, store):
    views = [kind.view(store) for _ in range(WRITERS)]
    try:
        for _ in range(3):
            run = started(store)
            won, lost = race(lambda i, r: views[i].append(r, RUNNING, f"host:{i}"), run, WRITERS)
            assert (len(won), lost) == (1, WRITERS - 1)
            assert [c.id for c in store.run_checkpoints(run.run_id)] == [run.tip, won[0]]
    finally:
        for v in views:
            if v is not store:
                v.close()
