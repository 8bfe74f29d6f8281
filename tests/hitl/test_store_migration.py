"""A store file written by the first release (schema 1) opens with this one:
migrated in place, in one transaction, every session and answer kept, authors
and titles unknown until the engine fills titles in.

``tests/data/store-v1.db`` was made by that release through its public API:
two gather sessions, the first with a branch that changed the resources.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from flows.gather import GatherFlow
from hitl import WorkflowCheckpointer
from hitl.errors import StoreError
from hitl.store import SqliteStore
from tests.hitl.helpers import sql

V1 = __import__("pathlib").Path(__file__).parent.parent / "data" / "store-v1.db"
FIRST = "ae335334-4f92-4fa4-ad2a-02258f9f5c40"
BRANCH = "475e8692-efea-4d2e-b129-2fb9f1f63cd4"
SECOND = "f0f25e79-edf1-4dd1-91c7-c3d143900648"


@pytest.fixture
def v1(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V1, path)
    assert sql(path, "PRAGMA user_version") == [(1,)]
    return path


async def test_a_schema_1_file_is_migrated_and_goes_on(v1):
    with SqliteStore(v1) as store:
        assert sql(v1, "PRAGMA user_version") == [(2,)]
        ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store)
        runs = {r.run_id: r for r in ckptr.runs()}
        assert list(runs) == [FIRST, BRANCH, SECOND]  # the order created, kept
        assert [r.status for r in runs.values()] == ["waiting"] * 3
        assert runs[BRANCH].session == FIRST
        assert len(ckptr.checkpoints[FIRST]) == 5
        sessions = store.sessions(now=0.0)
        assert [s.session for s in sessions.sessions] == [SECOND, FIRST]
        assert sessions.sessions[1].run_id == BRANCH and sessions.sessions[1].branches == 2
        assert store.count_sessions(now=0.0)["waiting"] == 2
        await ckptr.answer(BRANCH, approach="Pair on it")
        assert ckptr.pending_question(BRANCH) is not None
    with SqliteStore(v1) as store:  # and opens again as schema 2
        assert store.get_run(BRANCH).tip_seq == 3


def test_a_migration_that_fails_changes_nothing(v1):
    db = sqlite3.connect(v1, isolation_level=None)
    db.execute("CREATE TABLE sessions (x)")  # in the way of the migration
    db.close()
    with pytest.raises(StoreError, match=str(v1)):
        SqliteStore(v1)
    assert sql(v1, "PRAGMA user_version") == [(1,)]
    assert sql(v1, "SELECT count(*) FROM runs") == [(3,)]
