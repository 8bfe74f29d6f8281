"""Stores: MemoryStore by default, SqliteStore's file, compare-and-set appends."""

import os
import sqlite3
from pathlib import Path

import pytest
from pydantic import ValidationError

from hitl import (
    ConflictError,
    MemoryStore,
    RunNotFound,
    RunNotWaiting,
    SqliteStore,
    StoreError,
    WorkflowCheckpointer,
)
from hitl.store import CheckpointRecord
from hitl.store.sqlite_queries import find_sql
from tests.hitl.helpers import (
    AgeQuestion,
    EchoFlow,
    Gate,
    Hooks,
    SurveyFlow,
    count_checkpoints,
    sql,
)

FIND_FILTERS = ("run_id", "step", "input_type", "output_type", "shapes")


def test_a_bare_checkpointer_keeps_its_runs_in_memory():
    one = WorkflowCheckpointer(workflow=EchoFlow())
    other = WorkflowCheckpointer(workflow=EchoFlow())
    assert isinstance(one.store, MemoryStore)
    assert one.store is not other.store


# -- the SQLite file -------------------------------------------------------------------------


def test_sqlite_store_uses_wal_and_is_durable_by_default(tmp_path):
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        assert sql(path, "PRAGMA journal_mode") == [("wal",)]  # a property of the file
        assert store.synchronous == "FULL"


def test_sqlite_store_synchronous_normal_as_an_option(tmp_path):
    path = tmp_path / "s.db"
    with SqliteStore(path, synchronous="NORMAL") as store:
        assert store.synchronous == "NORMAL"
        assert sql(path, "PRAGMA journal_mode") == [("wal",)]
    with pytest.raises(ValueError, match="synchronous"):
        SqliteStore(path, synchronous="OFF")


def stored(path) -> int:
    """Checkpoints in the file, as another connection sees them."""
    return sql(path, "SELECT count(*) FROM checkpoints")[0][0]


class FsyncLog:
    """Records each flush of the store's log to disk, with how many checkpoints
    the file held then."""

    def __init__(self, monkeypatch, path):
        self.path = path
        self.flushed: list[int] = []
        for name in ("fsync", "fdatasync"):
            if hasattr(os, name):
                monkeypatch.setattr(os, name, self._wrap(getattr(os, name)))

    def _wrap(self, real):
        def flush(fd):
            real(fd)
            if os.readlink(f"/proc/self/fd/{fd}") == f"{self.path}-wal":
                self.flushed.append(stored(self.path))

        return flush


async def test_what_answer_stored_is_on_disk_before_it_returns(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    log = FsyncLog(monkeypatch, path)
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
        handler = ckptr.run()
        await handler
        assert log.flushed[-1] == stored(path) == 1
        ckptr.answer(handler.run_id, name="Ann")  # the answer and the next step: one flush
        assert log.flushed[-1] == stored(path) == 3
        assert len(log.flushed) == 2


@pytest.mark.parametrize("made_again", [False, True], ids=["deleted", "made-again"])
async def test_a_log_deleted_under_a_live_store_is_an_error_never_an_ack(tmp_path, made_again):
    # Deleting SQLite's files is outside its contract; acknowledging an answer that
    # was never flushed is ours. Another process opening the store after the deletion
    # makes a new, empty log at the same path: flushing that one flushes nothing.
    path = tmp_path / "s.db"
    store = SqliteStore(path)
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = ckptr.run()
    await handler
    os.unlink(f"{path}-wal")
    other = SqliteStore(path) if made_again else None
    with pytest.raises(StoreError, match=rf"^{path}: the store's log .* was deleted"):
        await ckptr.answer(handler.run_id, name="Ann")
    with pytest.raises(StoreError, match="was deleted"):  # and every answer after it
        await ckptr.answer(handler.run_id, age=30)
    with pytest.raises(StoreError, match="was deleted"):  # what it holds cannot be flushed
        store.close()
    store.close()  # said once
    if other is not None:
        other.close()


async def test_an_answer_is_on_disk_before_a_step_that_waits_returns_control(
    tmp_path, monkeypatch
):
    path = tmp_path / "s.db"
    log = FsyncLog(monkeypatch, path)
    hooks = Hooks()
    gate = hooks.actions["take_name"] = Gate()
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=SurveyFlow(hooks), store=store)
        handler = ckptr.run()
        await handler
        handler = ckptr.answer(handler.run_id, name="Ann")
        await gate.entered.wait()  # the next step is running, and waiting
        assert log.flushed[-1] == stored(path) == 2
        gate.release.set()
        await handler
        assert log.flushed[-1] == stored(path) == 3


async def test_a_normal_store_never_waits_for_the_disk(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    log = FsyncLog(monkeypatch, path)
    with SqliteStore(path, synchronous="NORMAL") as store:
        ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
        handler = ckptr.run()
        await handler
        ckptr.answer(handler.run_id, name="Ann")
    assert log.flushed == []


async def test_sqlite_store_answers_every_filter_from_an_index(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    plans: list[str] = []
    real = SqliteStore.find_checkpoints

    def explained(self, flow, **filters):
        sql_text, params = find_sql(flow, *(filters.get(k) for k in FIND_FILTERS))
        plans.append(" ".join(r[-1] for r in sql(path, "EXPLAIN QUERY PLAN " + sql_text, params)))
        return real(self, flow, **filters)

    monkeypatch.setattr(SqliteStore, "find_checkpoints", explained)
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
        handler = ckptr.run()
        await handler
        ckptr.filter_checkpoints(last_completed_step="human")
        ckptr.filter_checkpoints(input_event_type=AgeQuestion)
        ckptr.filter_checkpoints(output_event_type="AgeQuestion")
        ckptr.filter_checkpoints(run_id=handler.run_id, last_completed_step="begin")
    assert len(plans) == 4
    for plan in plans:
        assert "USING INDEX" in plan and "SCAN checkpoints" not in plan, plan
    assert "run_id=?" in plans[-1]


async def test_sqlite_store_keeps_runs_across_reopening(tmp_path):
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        handler = ckptr.run(topic="kept")
        await handler
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        assert [r.run_id for r in ckptr.runs()] == [handler.run_id]
        assert ckptr.checkpoints[handler.run_id][-1].output_event.result == "NOTE ABOUT KEPT"


def test_a_text_file_is_not_a_store_and_is_left_alone(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("my notes\nnot a database\n")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a hitl store"):
        SqliteStore(path)
    assert path.read_bytes() == before


def test_another_apps_database_is_not_a_store_and_is_left_alone(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE contacts (name TEXT)")
    db.execute("INSERT INTO contacts VALUES ('Ann')")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a hitl store"):
        SqliteStore(path)
    assert path.read_bytes() == before
    assert sql(path, "SELECT name FROM sqlite_master") == [("contacts",)]
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_a_database_marked_by_another_app_is_not_a_store(tmp_path):
    path = tmp_path / "other.db"
    sql(path, "PRAGMA application_id=12345")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a hitl store"):
        SqliteStore(path)
    assert path.read_bytes() == before


def test_a_store_of_another_schema_version_is_refused(tmp_path):
    path = tmp_path / "s.db"
    SqliteStore(path).close()
    sql(path, "PRAGMA user_version=99")
    with pytest.raises(StoreError, match="newer version of hitl") as info:
        SqliteStore(path)
    assert "99" in str(info.value)


def test_a_store_held_locked_elsewhere_is_busy_not_foreign(tmp_path):
    path = tmp_path / "s.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # a new file, held by another connection
    try:
        with pytest.raises(StoreError, match="the store is busy") as info:
            SqliteStore(path, busy_timeout=0.05)
        assert "not a hitl store" not in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    SqliteStore(path).close()  # free again: it opens


def test_a_store_in_a_missing_folder_is_a_store_error(tmp_path):
    with pytest.raises(StoreError):
        SqliteStore(tmp_path / "no" / "such" / "folder" / "s.db")


# -- compare-and-set ---------------------------------------------------------------------------


@pytest.fixture
def other_view(store):
    """Another process's view of the same store: for SQLite, a second connection to the file."""
    if isinstance(store, SqliteStore):
        other = SqliteStore(store.path)
        yield other
        other.close()
    else:
        yield store


async def test_two_checkpointers_answering_one_question_one_wins(store, other_view):
    mine = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = mine.run()
    await handler
    question_id = mine.checkpoints[handler.run_id][-1].id
    theirs = WorkflowCheckpointer(workflow=SurveyFlow(), store=other_view)
    # both saw the question at the same checkpoint; one answers first
    assert await theirs.answer(handler.run_id, at=question_id, name="Bea") == AgeQuestion(
        message="How old are you, Bea?"
    )
    with pytest.raises(ConflictError):
        mine.answer(handler.run_id, at=question_id, name="Ann")
    humans = mine.filter_checkpoints(run_id=handler.run_id, last_completed_step="human")
    assert [h.output_event.name for h in humans] == ["Bea"]
    assert [c.last_completed_step for c in mine.checkpoints[handler.run_id]] == [
        "begin",
        "human",
        "take_name",
    ]


async def test_an_answer_is_taken_against_the_question_pending_now(store, other_view):
    """The process that stored a question answers it without reading the run again;
    if another answered it meanwhile, the answer meets the question pending now."""
    mine = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    theirs = WorkflowCheckpointer(workflow=SurveyFlow(), store=other_view)
    first, second = mine.run(), mine.run()
    await first
    await second
    await theirs.answer(first.run_id, name="Bea")
    await theirs.answer(second.run_id, name="Cy")
    # an answer to the question pending now goes in
    assert await mine.answer(first.run_id, age=41) == {"name": "Bea", "nickname": "", "age": 41}
    with pytest.raises(RunNotWaiting):
        theirs.answer(first.run_id, age=42)
    # one to the question answered elsewhere is checked against the one pending now
    with pytest.raises(ValidationError) as caught:
        mine.answer(second.run_id, name="Ann")
    assert [e["loc"] for e in caught.value.errors()] == [("name",)]
    humans = mine.filter_checkpoints(last_completed_step="human")
    assert sorted((h.run_id == first.run_id, h.output_event_type) for h in humans) == [
        (False, "NameQuestion"),
        (True, "AgeQuestion"),
        (True, "NameQuestion"),
    ]


async def test_answering_a_question_whose_run_was_deleted_elsewhere(store, other_view):
    mine = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = mine.run()
    await handler
    WorkflowCheckpointer(workflow=SurveyFlow(), store=other_view).delete_run(handler.run_id)
    with pytest.raises(RunNotFound):
        mine.answer(handler.run_id, name="Ann")
    assert store.get_run(handler.run_id) is None
    assert store.run_checkpoints(handler.run_id) == []


async def test_appends_are_compare_and_set_on_the_runs_tip(store, other_view):
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    handler = ckptr.run(topic="cas")
    await handler
    first, last = store.run_checkpoints(handler.run_id)
    other = other_view
    fields = (
        list(CheckpointRecord._fields)
        if hasattr(CheckpointRecord, "_fields")
        else [f for f in CheckpointRecord.__dataclass_fields__]
    )

    def like(record, **changes):
        return CheckpointRecord(**{f: changes.get(f, getattr(record, f)) for f in fields})

    stale = like(
        last, id="stale-writer", output='{"type":"StopEvent","v":1,"data":{"result":"mine"}}'
    )
    with pytest.raises(ConflictError):
        other.append(stale, "completed", None)  # seq 1 is taken
    behind = like(last, id="far-behind", seq=0, parent_id=None)
    with pytest.raises(ConflictError):
        other.append(behind, "completed", None)
    assert store.run_checkpoints(handler.run_id) == [first, last]
    assert store.get_checkpoint("stale-writer") is None
    assert store.get_run(handler.run_id).tip == last.id
    assert ckptr.checkpoints[handler.run_id][-1].output_event.result == "NOTE ABOUT CAS"
    # the next seq is accepted, once
    following = like(last, id="next-one", seq=2, parent_id=last.id)
    other.append(following, "completed", None)
    with pytest.raises(ConflictError):
        other.append(like(following, id="next-two"), "completed", None)
    assert [c.id for c in store.run_checkpoints(handler.run_id)] == [first.id, last.id, "next-one"]
    assert count_checkpoints(ckptr) == 3
