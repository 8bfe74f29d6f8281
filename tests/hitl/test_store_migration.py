"""A store file written by an older release opens with this one: migrated in
place, in one transaction, every session and answer kept.

``tests/data/store-v1.db`` was made by the first release (schema 1) through its
public API: two gather sessions, the first with a branch that changed the
resources. Its authors and titles are unknown until the engine fills titles in.

``tests/data/store-v2.sql`` is the SQL text (``iterdump``, with the file's
application id and version) of a schema-2 file written by that release through
its public API: gather sessions FIRST (with a branch that changed the
resources), SECOND and DONE (completed), and one deleted.

``tests/data/store-v3.sql`` is the same for a schema-3 file, made before runs
kept what they were made from: gather session V3_A answered A1, A2, A3 and
waiting on its notes; V3_B branched from its answer 3 (B3) and completed with
B4; V3_C, a change of answer 1 (C1) made while on V3_B, waiting on resources.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from flows.gather import GatherFlow
from hitl import WorkflowCheckpointer
from hitl.errors import StoreError
from hitl.store import SqliteStore
from hitl.store.sqlite_schema import SCHEMA_VERSION
from tests.hitl.helpers import branch_on_migrated_v3, check_reopened_v3, sql

V1 = __import__("pathlib").Path(__file__).parent.parent / "data" / "store-v1.db"
FIRST = "ae335334-4f92-4fa4-ad2a-02258f9f5c40"
BRANCH = "475e8692-efea-4d2e-b129-2fb9f1f63cd4"
SECOND = "f0f25e79-edf1-4dd1-91c7-c3d143900648"

V2 = V1.parent / "store-v2.sql"
V2_FIRST = "bdcd3e37-ebe9-4642-9e9c-cc967682a934"
V2_BRANCH = "4ea6eae0-b364-4cf5-b1e4-72e3eb596013"
V2_SECOND = "655c5c6d-5d2a-468e-b542-f3d4d2fd3de6"
V2_GONE = "7a28b767-a713-4116-badd-0a330c67ec9c"
V2_DONE = "f389c73e-b353-4b7e-a066-dafb7e140836"
V2_LAST_CHANGE = 27

V3 = V1.parent / "store-v3.sql"
V3_A = "8a5d0b72-9eac-4400-80d1-6011b87df6f7"
V3_B = "b5875708-8ad5-4e10-9fbf-16606e724b71"
V3_C = "0af51377-e70c-452b-ac87-9808aa690fec"
V3_RUNS = [V3_A, V3_B, V3_C]


@pytest.fixture
def v1(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    assert sql(path, "PRAGMA user_version") == [(1,)]
    return path


async def test_a_schema_1_file_is_migrated_and_goes_on(v1):
    with SqliteStore(v1) as store:
        assert sql(v1, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store)
        runs = {r.run_id: r for r in ckptr.runs()}
        assert list(runs) == [FIRST, BRANCH, SECOND]  # the order created, kept
        assert [r.status for r in runs.values()] == ["waiting"] * 3
        assert [r.made_from for r in runs.values()] == [None] * 3
        assert runs[BRANCH].session == FIRST
        assert len(ckptr.checkpoints[FIRST]) == 5
        sessions = store.sessions(now=0.0)
        assert [s.session for s in sessions.sessions] == [SECOND, FIRST]
        assert sessions.sessions[1].run_id == BRANCH and sessions.sessions[1].branches == 2
        assert store.count_sessions(now=0.0)["waiting"] == 2
        await ckptr.answer(BRANCH, approach="Pair on it")
        assert ckptr.pending_question(BRANCH) is not None
    with SqliteStore(v1) as store:  # and opens again as it is now
        assert store.get_run(BRANCH).tip_seq == 3


def test_a_migration_that_fails_changes_nothing(v1):
    db = sqlite3.connect(v1, isolation_level=None)
    db.execute("CREATE TABLE sessions (x)")  # in the way of the migration
    db.close()
    with pytest.raises(StoreError, match=str(v1)):
        SqliteStore(v1)
    assert sql(v1, "PRAGMA user_version") == [(1,)]
    assert sql(v1, "SELECT count(*) FROM runs") == [(3,)]


@pytest.fixture
def v2(tmp_path):
    path = tmp_path / "v2.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(V2.read_text())
    db.close()
    assert sql(path, "PRAGMA user_version") == [(2,)]
    return path


def schema_of(path) -> list[tuple]:
    return sql(path, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")


async def test_a_schema_2_file_is_migrated_and_goes_on(v2, tmp_path):
    with SqliteStore(v2) as store:
        assert sql(v2, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        with SqliteStore(tmp_path / "new.db"):
            pass
        assert schema_of(v2) == schema_of(tmp_path / "new.db")  # as a new file is made
        ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store)
        runs = {r.run_id: r for r in ckptr.runs()}
        assert list(runs) == [V2_FIRST, V2_BRANCH, V2_SECOND, V2_DONE]  # the order created
        assert [r.status for r in runs.values()] == ["waiting"] * 3 + ["completed"]
        assert [r.made_from for r in runs.values()] == [None] * 4
        assert runs[V2_BRANCH].session == V2_FIRST
        assert [len(ckptr.checkpoints[r]) for r in runs] == [5, 2, 3, 9]
        assert ckptr.checkpoints[V2_FIRST][3].output_event.resources == "Two people"
        assert ckptr.checkpoints[V2_BRANCH][0].output_event.resources == "Three people"
        page = store.sessions(now=0.0)
        assert [s.session for s in page.sessions] == [V2_DONE, V2_SECOND, V2_FIRST]
        assert (page.sessions[2].run_id, page.sessions[2].branches) == (V2_BRANCH, 2)
        assert [s.title for s in page.sessions] == ["Tidy", "Write the post-mortem", "Ship v3"]
        waiting = store.sessions(now=0.0, status="waiting", flow="gather", limit=1)
        assert [s.session for s in waiting.sessions] == [V2_SECOND]
        more = store.sessions(now=0.0, status="waiting", flow="gather", cursor=waiting.cursor)
        assert [s.session for s in more.sessions] == [V2_FIRST]
        by_flow = store.sessions(now=0.0, flow="gather", limit=2)
        assert [s.session for s in by_flow.sessions] == [V2_DONE, V2_SECOND]
        assert [s.session for s in store.sessions(now=0.0, text="POST-MORTEM").sessions] == [
            V2_SECOND
        ]
        counts = store.count_sessions(now=0.0, flow="gather")
        assert (counts["waiting"], counts["completed"]) == (2, 1)
        assert store.change_token() == V2_LAST_CHANGE
        since_start = store.changes(0)
        assert since_start.complete and since_start.deleted == [V2_GONE]
        assert sorted(since_start.changed) == sorted([V2_FIRST, V2_SECOND, V2_DONE])

        await ckptr.answer(V2_BRANCH, approach="Pair on it")
        assert ckptr.pending_question(V2_BRANCH) is not None
        after = store.changes(V2_LAST_CHANGE)
        assert after.complete and after.changed == [V2_FIRST] and after.deleted == []
        assert store.sessions(now=0.0, flow="gather").sessions[0].session == V2_FIRST
    with SqliteStore(v2) as store:  # and opens again as it is now
        assert store.get_run(V2_BRANCH).tip_seq == 3
        assert store.get_session(V2_FIRST).change == store.change_token()


def test_a_schema_2_migration_that_fails_changes_nothing(v2):
    sql(v2, "DROP INDEX sessions_by_flow_status")  # in the way of the migration
    with pytest.raises(StoreError, match=str(v2)):
        SqliteStore(v2)
    assert sql(v2, "PRAGMA user_version") == [(2,)]
    assert sql(v2, "SELECT count(*) FROM runs") == [(4,)]
    assert sql(v2, "SELECT count(*) FROM sqlite_master WHERE name = 'sessions_by_flow'") == [(1,)]


@pytest.fixture
def v3(tmp_path):
    path = tmp_path / "v3.db"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(V3.read_text())
    db.close()
    assert sql(path, "PRAGMA user_version") == [(3,)]
    return path


async def test_a_schema_3_file_is_migrated_its_branches_made_from_unknown(v3, tmp_path):
    with SqliteStore(v3) as store:
        assert sql(v3, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
        with SqliteStore(tmp_path / "new.db"):
            pass
        assert schema_of(v3) == schema_of(tmp_path / "new.db")  # as a new file is made
        d_id = await branch_on_migrated_v3(store, V3_RUNS)
    with SqliteStore(v3) as store:  # and opens again as it is now
        check_reopened_v3(store, V3_RUNS, d_id)


def test_a_schema_3_migration_that_fails_changes_nothing(v3):
    sql(v3, "CREATE TABLE runs_v3 (x)")  # in the way of the migration
    with pytest.raises(StoreError, match=str(v3)):
        SqliteStore(v3)
    assert sql(v3, "PRAGMA user_version") == [(3,)]
    assert sql(v3, "SELECT count(*) FROM runs") == [(3,)]
    assert "made_from" not in [row[1] for row in sql(v3, "PRAGMA table_info(runs)")]
