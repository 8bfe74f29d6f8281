"""The SQL of the SQLite store: statements it runs as they are, and the
queries it puts together from a caller's filters (pages, counts, finds)."""

from __future__ import annotations

from hitl.store.base import COMPLETED, INTERRUPTED, RUNNING

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
SELECT_RUN = f"SELECT {RUN_COLUMNS} FROM runs"
SELECT_CHECKPOINT = f"SELECT {CK_COLUMNS} FROM checkpoints"
SELECT_SESSION = f"SELECT {SESSION_COLUMNS} FROM sessions"

INSERT_RUN = f"INSERT INTO runs ({RUN_COLUMNS}) VALUES ({','.join('?' * 16)})"
INSERT_CHECKPOINT = f"INSERT INTO checkpoints ({CK_COLUMNS}) VALUES ({','.join('?' * 13)})"

# Every change has its own number, one more than the last: the highest of the
# live sessions' and the tombstones' (a tombstone is kept for the last
# deletion), or of what was forgotten.
NEXT_CHANGE = (
    "SELECT max(coalesce((SELECT max(change) FROM sessions), 0), "
    "coalesce((SELECT max(change) FROM gone), 0), "
    "(SELECT value FROM meta WHERE key='forgotten')) + 1"
)

# A new session's row, mirroring its root run (params: the run), with one
# branch and the next change number.
INSERT_SESSION = (
    "INSERT INTO sessions (session, flow, run_id, status, error, owner, lease_until, title, "
    "branches, created_at, updated_at, change) "
    "SELECT session, flow, run_id, status, error, owner, lease_until, title, 1, created_at, "
    f"updated_at, ({NEXT_CHANGE}) FROM runs WHERE run_id = ?"
)

# The session row mirrors its latest run and takes the next change number, in
# the same statement (params: keep the run's time?, run, session). TOUCH also
# counts the session's branches again (one more param: the session), for a
# write that made or deleted a run; TOUCH_RUN, after a write that only moved
# one (an append, a status), does not.
_MIRROR = f"""
UPDATE sessions SET (run_id, status, error, owner, lease_until, title, updated_at) = (
    SELECT r.run_id, r.status, r.error, r.owner, r.lease_until, r.title,
           CASE WHEN ? THEN r.updated_at ELSE sessions.updated_at END
    FROM runs r WHERE r.run_id = ?),
  change = ({NEXT_CHANGE})"""
TOUCH = f"""{_MIRROR},
  branches = (SELECT count(*) FROM runs WHERE session = ?)
WHERE session = ?
"""
TOUCH_RUN = f"{_MIRROR}\nWHERE session = ?\n"

# Compare-and-set on the tip: the run moves only from the tip the writer read.
MOVE_TIP = (
    "UPDATE runs SET tip=?, tip_seq=?, status=?, error=NULL, owner=?, lease_until=?, "
    "updated_at=max(updated_at, ?), title=coalesce(?, title) "
    "WHERE run_id=? AND tip_seq=? RETURNING session"
)
SET_STATUS = (
    "UPDATE runs SET status=?, error=?, owner=?, lease_until=?, updated_at=max(updated_at, ?) "
    "WHERE run_id=? AND (? IS NULL OR tip_seq=?) RETURNING session"
)
RENEW_LEASE = (
    "UPDATE runs SET lease_until=? WHERE run_id=? AND status=? AND owner=? RETURNING session"
)
SET_TITLE = (
    "UPDATE runs SET title=? WHERE run_id=? AND title IS NULL "
    "RETURNING session, (SELECT s.run_id FROM sessions s WHERE s.session = runs.session)"
)

ORIGIN_SESSION = (
    "SELECT r.session FROM checkpoints c JOIN runs r ON r.run_id = c.run_id WHERE c.id = ?"
)
# A session's runs in the order created, each with the run its origin is on.
FAMILY = (
    "SELECT r.run_id, c.run_id FROM runs r LEFT JOIN checkpoints c ON c.id = r.branched_from "
    "WHERE r.session = ? ORDER BY r.rowid"
)
SESSION_RUN_IDS = "SELECT run_id FROM runs WHERE session = ? ORDER BY rowid"
UNCHANGED_RUN_SESSION = "SELECT session FROM runs WHERE run_id = ? AND tip_seq = ? AND status = ?"
LATEST_RUN = (
    "SELECT run_id FROM runs WHERE session = ? "
    "ORDER BY updated_at DESC, created_at DESC, rowid DESC LIMIT 1"
)
CHANGED = "SELECT session FROM sessions WHERE change > ? ORDER BY change LIMIT ?"
DELETED = "SELECT session FROM gone WHERE change > ? ORDER BY change LIMIT ?"


def _session_filters(
    now: float, status: str | None, flow: str | None, text: str | None
) -> tuple[list[str], list[object]]:
    where: list[str] = []
    params: list[object] = []
    if flow is not None:
        where.append("flow = ?")
        params.append(flow)
    if status in (RUNNING, INTERRUPTED):
        where.append(f"status = '{RUNNING}'")
        if status == RUNNING:
            where.append("lease_until >= ?")
        else:
            where.append("(lease_until IS NULL OR lease_until < ?)")
        params.append(now)
    elif status is not None:
        where.append("status = ?")
        params.append(status)
    if text is not None:
        where.append("hitl_has(title, ?)")
        params.append(text.casefold())
    return where, params


def page_sql(
    now: float,
    status: str | None,
    flow: str | None,
    text: str | None,
    updated_before: float | None,
    cursor: int | None,
) -> tuple[str, tuple[object, ...]]:
    """A page of sessions, latest first (the caller adds LIMIT): walked down one
    of the (status|flow, change) indexes."""
    where, params = _session_filters(now, status, flow, text)
    if updated_before is not None:
        where.append("updated_at < ?")
        params.append(updated_before)
    if cursor is not None:
        where.append("change < ?")
        params.append(cursor)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return f"{SELECT_SESSION}{clause} ORDER BY change DESC", tuple(params)


def count_sql(now: float, flow: str | None, text: str | None) -> tuple[str, tuple[object, ...]]:
    """Rows of (stored status, how many, how many of them hold a live lease)."""
    where, params = _session_filters(now, None, flow, text)
    live_where = [*where, f"status = '{RUNNING}'", "lease_until >= ?"]
    live = f"(SELECT count(*) FROM sessions WHERE {' AND '.join(live_where)})"
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    sql = (
        f"SELECT status, count(*), CASE WHEN status = '{RUNNING}' THEN {live} ELSE 0 END "
        f"FROM sessions{clause} GROUP BY status"
    )
    return sql, (*params, now, *params)


def prune_sql(flow: str | None, before: float) -> tuple[str, tuple[object, ...]]:
    """The completed sessions last written before ``before``, oldest change first."""
    where = [f"status = '{COMPLETED}'", "updated_at < ?"]
    params: list[object] = [before]
    if flow is not None:
        where.append("flow = ?")
        params.append(flow)
    return f"{SELECT_SESSION} WHERE {' AND '.join(where)} ORDER BY change", tuple(params)


def find_sql(
    flow: str,
    run_id: str | None,
    step: str | None,
    input_type: str | None,
    output_type: str | None,
    shapes: list[tuple[str, str]] | None,
) -> tuple[str, tuple[object, ...]]:
    """The query behind ``find_checkpoints``: by run, through UNIQUE (run_id, seq);
    otherwise through the shape index, one seek for each (step, input type)."""
    filters = [("flow", flow), ("step", step), ("input_type", input_type)]
    filters.append(("output_type", output_type))
    if run_id is not None:  # one run's checkpoints: "+" keeps SQLite on the run index
        where = ["run_id=?"] + [f"+{c}=?" for c, v in filters if v is not None]
        params = [run_id] + [v for _, v in filters if v is not None]
        order = "seq"
    elif shapes is not None:  # seek each (step, input type) the workflow allows
        steps = sorted({shape[0] for shape in shapes}) or [None]
        inputs = sorted({shape[1] for shape in shapes}) or [None]
        where = [
            "flow=?",
            f"step IN ({','.join('?' * len(steps))})",
            f"input_type IN ({','.join('?' * len(inputs))})",
        ]
        where += [f"{c}=?" for c, v in filters[1:] if v is not None]
        params = [flow, *steps, *inputs, *(v for _, v in filters[1:] if v is not None)]
        order = "n"
    else:
        where = [f"{c}=?" for c, v in filters if v is not None]
        params = [v for _, v in filters if v is not None]
        order = "n"
    sql = f"SELECT {CK_COLUMNS} FROM checkpoints WHERE {' AND '.join(where)} ORDER BY {order}"
    return sql, tuple(params)
