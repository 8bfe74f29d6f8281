"""Stores: MemoryStore by default, SqliteStore's file, compare-and-set appends."""

import sqlite3
from pathlib import Path

import pytest

from hitl import (
    CheckpointStore,
    ConflictError,
    MemoryStore,
    SqliteStore,
    StoreError,
    WorkflowCheckpointer,
)
from hitl.store import CheckpointRecord
from tests.hitl.helpers import AgeQuestion, EchoFlow, SurveyFlow, count_checkpoints, sql


def test_a_bare_checkpointer_keeps_its_runs_in_memory():
    one = WorkflowCheckpointer(workflow=EchoFlow())
    other = WorkflowCheckpointer(workflow=EchoFlow())
    assert isinstance(one.store, MemoryStore)
    assert one.store is not other.store


def test_both_stores_meet_the_protocol(tmp_path):
    assert isinstance(MemoryStore(), CheckpointStore)
    with SqliteStore(tmp_path / "s.db") as store:
        assert isinstance(store, CheckpointStore)


# -- the SQLite file -------------------------------------------------------------------------


def test_sqlite_store_uses_wal_and_synchronous_full_by_default(tmp_path):
    path = tmp_path / "s.db"
    with SqliteStore(path) as store:
        assert sql(path, "PRAGMA journal_mode") == [("wal",)]  # a property of the file
        # synchronous is a property of a connection: read the store's own
        assert store._db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_sqlite_store_synchronous_normal_as_an_option(tmp_path):
    path = tmp_path / "s.db"
    with SqliteStore(path, synchronous="NORMAL") as store:
        assert store._db.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
        assert sql(path, "PRAGMA journal_mode") == [("wal",)]
    with pytest.raises(ValueError, match="synchronous"):
        SqliteStore(path, synchronous="OFF")


def test_sqlite_store_indexes_runs_steps_and_event_types(tmp_path):
    path = tmp_path / "s.db"
    SqliteStore(path).close()
    indexed = set()
    for (name,) in sql(
        path, "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='checkpoints'"
    ):
        columns = [row[2] for row in sql(path, f"PRAGMA index_info('{name}')")]
        indexed.update(columns)
    assert {"run_id", "step", "input_type", "output_type", "id"} <= indexed
    for column in ("step", "input_type", "output_type"):
        plan = " ".join(
            row[-1]
            for row in sql(
                path,
                f"EXPLAIN QUERY PLAN SELECT * FROM checkpoints WHERE flow='f' AND {column}='x'",
            )
        )
        assert "USING INDEX" in plan, plan


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
    with pytest.raises(StoreError, match="another version of hitl") as info:
        SqliteStore(path)
    assert "99" in str(info.value)


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
