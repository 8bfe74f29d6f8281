"""The SQLite store's schema (version 4) and the migrations from versions 1, 2 and 3.

Tables:

- ``runs``: one row per run, holding its tip (``tip``, ``tip_seq``) and its
  status as of the latest write; appends are compare-and-set on ``tip_seq``.
  Runs are listed in the order recorded (rowid).
- ``checkpoints``: one row per checkpoint, UNIQUE (run_id, seq) as a second
  guard; the shape index answers ``find_checkpoints``.
- ``sessions``: one row per session mirroring its latest run, with its change
  number. Every write gives the row a new change number, so each of its indexes
  takes a new entry each time: it has three besides its key, the change order
  (pages of every session, ``changes``), (status, change) and (flow, change,
  status). Pages by status or by flow walk theirs latest first; a page by both
  walks the status one and checks each row's flow; the counts by flow read the
  statuses from the flow one.
- ``gone``: tombstones of deleted sessions, the last ``TOMBSTONES_KEPT``.
- ``meta``: ``forgotten``, the change number up to which tombstones were
  dropped (``changes`` since then is answered incomplete).

A file made by schema 1 (no sessions, status kept on checkpoints, no lease,
author or title) is migrated in place in one transaction as it is opened: its
runs keep their order, their titles and authors read as unknown (None). Schema 2
had two indexes on flow, (flow, change) and (flow, status, change), that every
write of a session updated: schema 3 has the one (flow, change, status) in their
place, so an append changes nine b-trees, not ten. Schema 4 keeps a branch's
``made_from`` (the run the person was on when they made it) on its run's row;
the runs of an older file read it as unknown (None).
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 4
APPLICATION_ID = 0x6869746C  # "hitl": marks the file as ours
TOMBSTONES_KEPT = 10_000

_RUNS = """
CREATE TABLE runs (
    run_id        TEXT PRIMARY KEY,
    flow          TEXT NOT NULL,
    session       TEXT NOT NULL,
    branched_from TEXT,
    start         TEXT,
    status        TEXT NOT NULL,
    error         TEXT,
    owner         TEXT,
    lease_until   REAL,
    tip           TEXT,
    tip_seq       INTEGER NOT NULL,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    author        TEXT,
    title         TEXT,
    made_from     TEXT
)"""
_RUNS_BY_SESSION = "CREATE INDEX runs_by_session ON runs (session)"

_REST = f"""
{_RUNS_BY_SESSION};
CREATE TABLE sessions (
    session     TEXT PRIMARY KEY,
    flow        TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    status      TEXT NOT NULL,
    error       TEXT,
    owner       TEXT,
    lease_until REAL,
    title       TEXT,
    branches    INTEGER NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    change      INTEGER NOT NULL UNIQUE
);
CREATE INDEX sessions_by_status ON sessions (status, change);
CREATE INDEX sessions_by_flow ON sessions (flow, change, status);
CREATE TABLE gone (change INTEGER PRIMARY KEY, session TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
INSERT INTO meta VALUES ('forgotten', 0);
"""

_CHECKPOINTS = """
CREATE TABLE checkpoints (
    n           INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    run_id      TEXT NOT NULL,
    parent_id   TEXT,
    seq         INTEGER NOT NULL,
    flow        TEXT NOT NULL,
    step        TEXT NOT NULL,
    input_type  TEXT NOT NULL,
    input       TEXT NOT NULL,
    output_type TEXT NOT NULL,
    output      TEXT NOT NULL,
    state       TEXT NOT NULL,
    created_at  REAL NOT NULL,
    author      TEXT,
    UNIQUE (run_id, seq)
);
CREATE INDEX checkpoints_by_shape ON checkpoints (flow, step, input_type, output_type);
"""


def _run_all(db: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def create(db: sqlite3.Connection) -> None:
    """Make the current schema in an empty file (inside the caller's transaction)."""
    _run_all(db, _RUNS + ";" + _REST + _CHECKPOINTS)
    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


# Schema 1 kept a run's status on its row only when set by hand, and otherwise
# on its tip checkpoint (status_seq told which was newer).
_V1_RUNS = """
SELECT r.run_id, r.flow, r.session, r.branched_from, r.start,
       CASE WHEN c.seq IS NULL OR r.status_seq >= c.seq THEN r.status ELSE c.status END,
       CASE WHEN c.seq IS NULL OR r.status_seq >= c.seq THEN r.error END,
       CASE WHEN c.seq IS NULL OR r.status_seq >= c.seq THEN r.owner ELSE c.owner END,
       NULL, c.id, coalesce(c.seq, -1), r.created_at,
       max(r.updated_at, coalesce(c.created_at, 0)), NULL, NULL, NULL
FROM runs r LEFT JOIN checkpoints c ON c.run_id = r.run_id
     AND c.seq = (SELECT max(seq) FROM checkpoints WHERE run_id = r.run_id)
ORDER BY r.rowid
"""


def migrate_from_1(db: sqlite3.Connection) -> None:
    """Schema 1 -> the current one, inside the caller's transaction."""
    rows = db.execute(_V1_RUNS).fetchall()
    db.execute("ALTER TABLE runs RENAME TO runs_v1")
    db.execute(_RUNS)
    db.executemany(f"INSERT INTO runs VALUES ({','.join('?' * 16)})", rows)
    db.execute("DROP TABLE runs_v1")
    _run_all(db, _REST)
    db.execute("ALTER TABLE checkpoints DROP COLUMN status")
    db.execute("ALTER TABLE checkpoints DROP COLUMN owner")
    db.execute("ALTER TABLE checkpoints ADD COLUMN author TEXT")
    # One session row per root, mirroring its latest run; change numbers in the
    # order the sessions were last written.
    latest: dict[str, tuple] = {}
    branches: dict[str, int] = {}
    created: dict[str, float] = {}
    for row in rows:
        session = row[2]
        branches[session] = branches.get(session, 0) + 1
        if row[0] == session:
            created[session] = row[11]
        best = latest.get(session)
        if best is None or (row[12], row[11]) >= (best[12], best[11]):
            latest[session] = row
    ordered = sorted(latest.items(), key=lambda item: (item[1][12], item[1][11]))
    db.executemany(
        "INSERT INTO sessions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (session, r[1], r[0], r[5], r[6], r[7], None, None, branches[session],
             created.get(session, r[11]), r[12], change)
            for change, (session, r) in enumerate(ordered, start=1)
        ],
    )  # fmt: skip
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def migrate_from_2(db: sqlite3.Connection) -> None:
    """Schema 2 -> the current one, inside the caller's transaction: the two
    indexes on flow become one, then as from schema 3."""
    db.execute("DROP INDEX sessions_by_flow_status")
    db.execute("DROP INDEX sessions_by_flow")
    db.execute("CREATE INDEX sessions_by_flow ON sessions (flow, change, status)")
    migrate_from_3(db)


_V3_RUN_COLUMNS = (
    "rowid, run_id, flow, session, branched_from, start, status, error, owner, lease_until, "
    "tip, tip_seq, created_at, updated_at, author, title"
)


def migrate_from_3(db: sqlite3.Connection) -> None:
    """Schema 3 -> 4, inside the caller's transaction: runs gain ``made_from``,
    None for every run stored before it. The table is made again as a new file
    makes it (rowids kept, so runs keep their order), not altered: a file
    migrated holds the same schema as a new one."""
    db.execute("ALTER TABLE runs RENAME TO runs_v3")
    db.execute(_RUNS)
    db.execute(
        f"INSERT INTO runs ({_V3_RUN_COLUMNS}) SELECT {_V3_RUN_COLUMNS} FROM runs_v3 ORDER BY rowid"
    )
    db.execute("DROP TABLE runs_v3")
    db.execute(_RUNS_BY_SESSION)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
