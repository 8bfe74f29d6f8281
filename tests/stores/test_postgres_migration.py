"""A PostgreSQL store written by schema 1 opens with this hitl: migrated to the
latest schema in one transaction, every run, answer, session, count and change
kept, and it goes on.

``tests/data/pg-store-v1.sql`` is pg_dump's text of a schema-1 store written by
that release through its public API: gather sessions FIRST (with a branch that
changed the resources), SECOND and DONE (completed), and one deleted.

``tests/data/pg-store-v3.sql`` is the same of a schema-3 store, made before runs
kept what they were made from: gather session V3_A answered A1, A2, A3 and
waiting on its notes; V3_B branched from its answer 3 (B3) and completed with
B4; V3_C, a change of answer 1 (C1) made while on V3_B, waiting on resources.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from flows.gather import GatherFlow
from hitl import PostgresStore, StoreError, WorkflowCheckpointer
from hitl.store.pg_schema import SCHEMA_VERSION
from tests import pg
from tests.hitl.helpers import branch_on_migrated_v3, check_reopened_v3

V1 = Path(__file__).parent.parent / "data" / "pg-store-v1.sql"
FIRST = "7e1ac3c9-6b7b-4b66-951d-0e1633919be1"
BRANCH = "1cb50c0c-8519-43e4-9b3b-aaba4694105e"
SECOND = "c31e0f96-4e96-4e3b-8257-703774a68751"
GONE = "95749078-7156-48d5-bfeb-7e1c597f8ecd"
DONE = "9f46c687-e63f-42bc-8592-7f80fd548553"
LAST_CHANGE = 25

V3 = V1.parent / "pg-store-v3.sql"
V3_A = "3630f30e-8909-42e6-bbad-d62c15165edc"
V3_B = "1ca38fec-31f0-4f3e-86b8-702a066e0537"
V3_C = "da5488be-81c9-4944-896c-a8f7dd381a52"
V3_RUNS = [V3_A, V3_B, V3_C]


def loaded(server: pg.PgServer, dsn: str, dump: Path, at: int) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(dump.read_text())
    assert version(server, dsn) == at
    return dsn


@pytest.fixture
def v1(pg_server: pg.PgServer, fresh_db: str) -> str:
    return loaded(pg_server, fresh_db, V1, 1)


@pytest.fixture
def v3(pg_server: pg.PgServer, fresh_db: str) -> str:
    return loaded(pg_server, fresh_db, V3, 3)


def version(server: pg.PgServer, dsn: str) -> int:
    return server.sql("SELECT version FROM hitl_store", database=dsn.rsplit("/", 1)[1])[0][0]


async def test_a_schema_1_store_is_migrated_and_goes_on(pg_server, v1):
    with PostgresStore(v1) as store:
        assert version(pg_server, v1) == SCHEMA_VERSION
        ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store)
        runs = {r.run_id: r for r in ckptr.runs()}
        assert list(runs) == [FIRST, BRANCH, SECOND, DONE]  # the order created, kept
        assert [r.status for r in runs.values()] == ["waiting"] * 3 + ["completed"]
        assert [r.made_from for r in runs.values()] == [None] * 4
        assert runs[BRANCH].session == FIRST
        assert len(ckptr.checkpoints[FIRST]) == 5 and len(ckptr.checkpoints[DONE]) == 9
        page = store.sessions(now=0.0)
        assert [s.session for s in page.sessions] == [DONE, SECOND, FIRST]
        assert (page.sessions[2].run_id, page.sessions[2].branches) == (BRANCH, 2)
        assert [s.title for s in page.sessions] == ["Tidy", "Write the post-mortem", "Ship v3"]
        waiting = store.sessions(now=0.0, status="waiting", flow="gather", limit=1)
        assert [s.session for s in waiting.sessions] == [SECOND]
        more = store.sessions(now=0.0, status="waiting", limit=1, cursor=waiting.cursor)
        assert [s.session for s in more.sessions] == [FIRST]
        assert [s.session for s in store.sessions(now=0.0, text="POST-MORTEM").sessions] == [SECOND]
        counts = store.count_sessions(now=0.0)
        assert (counts["waiting"], counts["completed"]) == (2, 1)
        assert store.change_token() == LAST_CHANGE
        since_start = store.changes(0)
        assert since_start.complete and since_start.deleted == [GONE]
        assert sorted(since_start.changed) == sorted([FIRST, SECOND, DONE])

        await ckptr.answer(BRANCH, approach="Pair on it")
        assert ckptr.pending_question(BRANCH) is not None
        after = store.changes(LAST_CHANGE)
        assert after.complete and after.changed == [FIRST] and after.deleted == []
        assert store.sessions(now=0.0).sessions[0].session == FIRST
    with PostgresStore(v1) as store:  # and opens again as the latest schema
        assert store.get_run(BRANCH).tip_seq == 3
        assert store.get_session(FIRST).change == store.change_token()
        second = store.get_run(SECOND)  # schema 3's conditional delete is there
        assert store.delete_unchanged_session(
            SECOND, tip_seq=second.tip_seq, status=second.status
        )
        assert store.get_session(SECOND) is None


def test_a_migration_that_fails_changes_nothing(pg_server, v1):
    db = v1.rsplit("/", 1)[1]
    pg_server.sql("DROP INDEX hitl_sessions_by_flow", database=db)  # in the migration's way
    with pytest.raises(StoreError, match="hitl_sessions_by_flow"):
        PostgresStore(v1)
    assert version(pg_server, v1) == 1
    assert pg_server.sql("SELECT count(*) FROM hitl_runs", database=db) == [(4,)]
    assert pg_server.sql(
        "SELECT count(*) FROM pg_indexes WHERE indexname = 'hitl_sessions_by_status'", database=db
    ) == [(1,)]  # the migration's first step was undone with the rest


async def test_a_schema_3_store_is_migrated_its_branches_made_from_unknown(pg_server, v3):
    with PostgresStore(v3) as store:
        assert version(pg_server, v3) == SCHEMA_VERSION
        d_id = await branch_on_migrated_v3(store, V3_RUNS)
    with PostgresStore(v3) as store:  # and opens again as the latest schema
        check_reopened_v3(store, V3_RUNS, d_id)


def test_a_schema_3_migration_that_fails_changes_nothing(pg_server, v3):
    db = v3.rsplit("/", 1)[1]
    pg_server.sql("DROP FUNCTION hitl_create_run", database=db)  # in the migration's way
    with pytest.raises(StoreError, match="hitl_create_run"):
        PostgresStore(v3)
    assert version(pg_server, v3) == 3
    assert pg_server.sql("SELECT count(*) FROM hitl_runs", database=db) == [(3,)]
    assert pg_server.sql(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'hitl_runs' AND column_name = 'made_from'", database=db
    ) == [(0,)]  # the migration's first step was undone with the rest
