"""Sessions: one row a session, kept by every write, and the pages, counts and
filters a face shows, answered by the store."""

from __future__ import annotations

import pytest

from hitl.store.base import (
    COMPLETED,
    FAILED,
    INTERRUPTED,
    RUNNING,
    SESSION_STATUSES,
    WAITING,
)
from tests.stores.records import T0, ck_row, grow, run_row, started

NOW = T0 + 1000


def pages(store, *, limit: int, **filters) -> list[list[str]]:
    """Every page of sessions, as lists of session ids."""
    out, cursor = [], None
    while True:
        page = store.sessions(now=NOW, limit=limit, cursor=cursor, **filters)
        assert page.damaged == []
        out.append([s.session for s in page.sessions])
        if page.cursor is None:
            return out
        assert page.cursor == page.sessions[-1].change
        cursor = page.cursor


def test_a_new_session_row_mirrors_its_root(store):
    run = started(store, title="Ann", status=WAITING)
    row = store.get_session(run.session)
    assert row.session == row.run_id == run.run_id
    assert (row.flow, row.status, row.error, row.title, row.branches) == (
        run.flow, WAITING, None, "Ann", 1,
    )  # fmt: skip
    assert (row.created_at, row.updated_at) == (run.created_at, run.updated_at)
    assert row.change == store.change_token() > 0
    assert store.get_session("no-such-session") is None


def test_the_latest_run_is_the_one_written_last(store):
    root = started(store, title="First")
    grow(store, root, 2, at=T0 + 10)
    origin = store.run_checkpoints(root.run_id)[1]
    branch = run_row(session=root.run_id, branched_from=origin.id, at=T0 + 20, title="Changed")
    store.create_run(branch, ck_row(branch.run_id, 0, parent_id=origin.id, at=T0 + 20))
    row = store.get_session(root.session)
    assert (row.run_id, row.title, row.branches, row.updated_at) == (
        branch.run_id, "Changed", 2, T0 + 20,
    )  # fmt: skip
    before = row.change
    grow(store, root, 1, status=COMPLETED, at=T0 + 30)  # back on the first run
    row = store.get_session(root.session)
    assert (row.run_id, row.status, row.title, row.updated_at) == (
        root.run_id, COMPLETED, "First", T0 + 30,
    )  # fmt: skip
    assert row.change > before
    store.set_status(branch.run_id, FAILED, error="boom", owner=None, at=T0 + 40)
    row = store.get_session(root.session)
    assert (row.run_id, row.status, row.error, row.updated_at) == (
        branch.run_id, FAILED, "boom", T0 + 40,
    )  # fmt: skip
    assert row.created_at == root.created_at


def test_latest_sessions_first_in_pages(store):
    ids = [started(store, at=T0 + i).session for i in range(23)]
    grow(store, store.get_run(ids[3]), 1)  # written last: now the latest
    expected = [ids[3], *reversed(ids[:3] + ids[4:])]
    for limit in (1, 5, 23, 50):
        got = pages(store, limit=limit)
        assert [s for page in got for s in page] == expected
        assert all(len(page) == limit for page in got[:-1])
    assert store.sessions(now=NOW, limit=23).cursor is None
    with pytest.raises(ValueError):
        store.sessions(now=NOW, limit=0)
    with pytest.raises(ValueError):
        store.sessions(now=NOW, status="bogus")


def test_paging_on_while_sessions_are_added_shows_each_once(store, other):
    first = [started(store).session for _ in range(12)]
    seen, cursor, added = [], None, []
    while True:
        page = other.sessions(now=NOW, limit=5, cursor=cursor)
        seen += [s.session for s in page.sessions]
        added.append(started(store).session)  # written between pages: comes before page 1
        if page.cursor is None:
            break
        cursor = page.cursor
    assert seen == list(reversed(first))
    top = [s.session for s in other.sessions(now=NOW, limit=100).sessions]
    assert top == list(reversed(first + added))


def test_a_session_written_between_pages_moves_to_the_top(store):
    ids = [started(store).session for _ in range(10)]
    page = store.sessions(now=NOW, limit=4)
    moved = ids[2]  # not shown yet
    grow(store, store.get_run(moved), 1)
    later, cursor = [], page.cursor
    while cursor is not None:
        p = store.sessions(now=NOW, limit=4, cursor=cursor)
        later += [s.session for s in p.sessions]
        cursor = p.cursor
    shown = [s.session for s in page.sessions] + later
    assert moved not in shown
    assert sorted([*shown, moved]) == sorted(ids)
    assert len(set(shown)) == len(shown)
    assert store.sessions(now=NOW, limit=1).sessions[0].session == moved


def statuses(store) -> dict[str, str]:
    """A session in every status (at NOW), keyed by status."""
    made = {
        WAITING: started(store, status=WAITING),
        COMPLETED: started(store, status=COMPLETED),
        FAILED: started(store, status=FAILED),
        RUNNING: started(store, status=RUNNING, lease_until=NOW + 30),
        INTERRUPTED: started(store, status=RUNNING, lease_until=NOW - 1),
        "no lease": started(store, status=RUNNING, lease_until=None),
    }
    return {k: v.session for k, v in made.items()}


def test_pages_by_status_tell_interrupted_from_running_by_lease(store):
    made = statuses(store)
    expected = {
        WAITING: [made[WAITING]],
        COMPLETED: [made[COMPLETED]],
        FAILED: [made[FAILED]],
        RUNNING: [made[RUNNING]],
        INTERRUPTED: [made["no lease"], made[INTERRUPTED]],
    }
    for status in SESSION_STATUSES:
        got = pages(store, limit=1, status=status)
        assert [s for page in got for s in page] == expected[status], status
    # the running one's lease expires: it is interrupted from then on
    later = store.sessions(now=NOW + 31, status=INTERRUPTED).sessions
    assert [s.session for s in later] == [made["no lease"], made[INTERRUPTED], made[RUNNING]]
    assert store.sessions(now=NOW + 31, status=RUNNING).sessions == []


def test_counts_by_status_match_the_pages(store):
    made = statuses(store)
    started(store, status=WAITING, flow="echo")
    counts = store.count_sessions(now=NOW)
    assert counts == {WAITING: 2, COMPLETED: 1, FAILED: 1, RUNNING: 1, INTERRUPTED: 2}
    assert store.count_sessions(now=NOW, flow="echo") == {
        WAITING: 1, COMPLETED: 0, FAILED: 0, RUNNING: 0, INTERRUPTED: 0,
    }  # fmt: skip
    assert store.count_sessions(now=NOW + 31)[INTERRUPTED] == 3
    for status in SESSION_STATUSES:
        listed = store.sessions(now=NOW, status=status, limit=100).sessions
        assert len(listed) == counts[status]
    assert made


def test_pages_by_flow(store):
    survey = [started(store, flow="survey").session for _ in range(4)]
    echo = [started(store, flow="echo", status=COMPLETED).session for _ in range(3)]
    assert pages(store, limit=2, flow="echo") == [echo[::-1][:2], echo[::-1][2:]]
    assert [s for p in pages(store, limit=3, flow="survey") for s in p] == survey[::-1]
    assert pages(store, limit=3, flow="echo", status=COMPLETED) == [echo[::-1]]
    assert pages(store, limit=3, flow="echo", status=WAITING) == [[]]
    assert pages(store, limit=3, flow="nothing") == [[]]


def test_the_text_filter_is_a_case_insensitive_substring_of_the_title(store):
    titled = {
        t: started(store, title=t).session
        for t in ("Ship v2", "ship the docs", "Émile's plan", "STRASSE", "100% done", "a_b")
    }
    started(store, title=None)  # unknown: never matches
    started(store, title="")

    def found(text: str) -> set[str]:
        return {s.title for s in store.sessions(now=NOW, text=text, limit=100).sessions}

    assert found("ship") == {"Ship v2", "ship the docs"}
    assert found("SHIP V") == {"Ship v2"}
    assert found("émile") == {"Émile's plan"}
    assert found("straße") == {"STRASSE"}  # casefold: ß is ss
    assert found("%") == {"100% done"}  # no pattern characters
    assert found("_") == {"a_b"}
    assert found("nothing like it") == set()
    assert found("") == {*titled, ""}  # every known title holds ""
    assert [s for p in pages(store, limit=1, text="ship") for s in p] == [
        titled["ship the docs"], titled["Ship v2"],
    ]  # fmt: skip
    assert store.count_sessions(now=NOW, text="ship")[WAITING] == 2


def test_updated_before(store):
    old = started(store, at=T0, status=COMPLETED).session
    started(store, at=T0 + 50, status=COMPLETED)
    assert pages(store, limit=5, updated_before=T0 + 10) == [[old]]
    assert pages(store, limit=5, updated_before=T0 + 10, status=COMPLETED) == [[old]]
    assert pages(store, limit=5, updated_before=T0) == [[]]
