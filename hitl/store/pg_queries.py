"""The SQL PostgresStore sends: each write a call of one of the schema's
functions (pg_schema.py), and the reads and filters of pages and counts."""

from __future__ import annotations

from typing import Any

from hitl.store.base import INTERRUPTED, RUNNING

RUN_COLUMNS = (
    "run_id, flow, session, branched_from, start, status, error, owner, lease_until, "
    "tip, tip_seq, created_at, updated_at, author, title, made_from"
)
CK_COLUMNS = (
    "id, run_id, parent_id, seq, flow, step, input_type, input, output_type, output, "
    "state, created_at, author"
)
SESSION_COLUMNS = (
    "session, flow, run_id, status, error, owner, lease_until, title, branches, "
    "created_at, updated_at, change"
)


def _call(function: str, *types: str) -> str:
    return f"SELECT {function}({', '.join(f'%s::{t}' for t in types)})"


_TEXT, _FLOAT, _INT = "text", "float8", "int4"
CREATE_RUN = _call(
    "hitl_create_run", *[_TEXT] * 8, _FLOAT, _FLOAT, _FLOAT, *[_TEXT] * 4,
    *[_TEXT] * 8, _FLOAT, _TEXT,
)  # fmt: skip
APPEND = _call(
    "hitl_append", _TEXT, _TEXT, _TEXT, _INT, *[_TEXT] * 7, _FLOAT, _TEXT,
    _TEXT, _TEXT, _FLOAT, _TEXT, _TEXT,
)  # fmt: skip
# Group commit: a new run and an answer or step the run goes on from are
# committed without waiting for the disk (synchronous_commit off, for that
# transaction only); the write that makes the run wait or end waits for it,
# and so for all the run wrote before (the log is flushed in order); sync()
# flushes what is left, checking it is still there.
LATER = ", set_config('synchronous_commit', 'off', true)"
SYNC = """
SELECT (SELECT count(*) FROM (SELECT 1 FROM hitl_checkpoints WHERE id = ANY(%s::text[])
                              FOR KEY SHARE) c)
     + (SELECT count(*) FROM (SELECT 1 FROM hitl_runs WHERE run_id = ANY(%s::text[])
                              FOR KEY SHARE) r)
"""  # the row locks are written to the log, so the commit waits for the disk
SET_STATUS = _call("hitl_set_status", _TEXT, _TEXT, _TEXT, _TEXT, _FLOAT, _FLOAT, _INT)
RENEW_LEASE = _call("hitl_renew_lease", _TEXT, _TEXT, _FLOAT)
SET_TITLES = _call("hitl_set_titles", "text[]", "text[]", "text[]")
DELETE_RUNS = _call("hitl_delete_runs", "text[]")
DELETE_RUN = _call("hitl_delete_run", _TEXT)
DELETE_SESSION = _call("hitl_delete_session", _TEXT)
DELETE_UNCHANGED_SESSION = _call("hitl_delete_unchanged_session", _TEXT, _INT, _TEXT)
PRUNE = f"SELECT {SESSION_COLUMNS} FROM hitl_prune(%s::float8, %s::text)"
CHANGES = """
SELECT change, forgotten,
    ARRAY(SELECT session FROM hitl_sessions WHERE change > %(since)s ORDER BY change
          LIMIT %(n)s),
    ARRAY(SELECT session FROM hitl_deleted WHERE change > %(since)s ORDER BY change
          LIMIT %(n)s)
FROM hitl_store
"""


def session_filters(
    now: float, status: str | None, flow: str | None, text: str | None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if status == RUNNING:
        where.append("status = 'running' AND lease_until >= %s")
        params.append(now)
    elif status == INTERRUPTED:
        where.append("status = 'running' AND (lease_until IS NULL OR lease_until < %s)")
        params.append(now)
    elif status is not None:
        where.append("status = %s")
        params.append(status)
    if flow is not None:
        where.append("flow = %s")
        params.append(flow)
    if text is not None:  # casefolded by Python, as the titles were: no pattern characters
        where.append("strpos(folded, %s) > 0")
        params.append(text.casefold())
    return where, params
