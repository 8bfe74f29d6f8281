"""PostgresStore's schema: its tables, indexes and the functions that write them.

Every write of the store protocol is one call of one function here, so it is
one statement, one round trip and one transaction (autocommit): there is no
half-done write to clean up, and behind PgBouncer in transaction mode nothing
outlives the transaction.

Locks are always taken in one order, so two writes never deadlock: the rows of
the sessions written (in session order), then their runs, then the change
counter (the one row of ``hitl_store``), which is taken last and held to the
commit. Change numbers are that counter's: a writer that holds it commits
before the next one can take a number, so numbers commit in order and no
change below one a reader has seen can still commit (see base.py, "change").
A NOTIFY on channel ``hitl`` with the change number goes out as each write
commits.

The schema is made on first use under an advisory lock and carries a version
(``hitl_store.version``): an older one is migrated in one transaction, a newer
one refused. The tables live in the first schema of the connection's
``search_path`` (the DSN's ``options=-csearch_path=...`` gives a team its own).

Past 400 lines on purpose: most of it is the SQL of the tables and of the
functions that write them, which read as one schema under one version number.
"""

from __future__ import annotations

from psycopg import Connection
from psycopg import errors as pg_errors

from hitl.errors import StoreError

SCHEMA_VERSION = 4
LOCK_KEY = 0x6869746C  # "hitl": the advisory lock taken while the schema is made
CHANNEL = "hitl"
TOMBSTONES_KEPT = 10_000  # as MemoryStore: deleted sessions remembered for changes()

TABLES = ("hitl_store", "hitl_runs", "hitl_checkpoints", "hitl_sessions", "hitl_deleted")

# Ids are compared as bytes (COLLATE "C"): run id order is code point order, as
# Python sorts str, and the primary key answers prefix look-ups.
#
# A session's row is rewritten with a new change number on every write, so each
# of its indexes takes a new entry each time (no update of it can be HOT): it has
# two, its key and the change order that pages and changes() read newest first.
# A page filtered by status or flow walks that order and skips what does not
# match; the counts beside every page read all the rows anyway. (Schema 1 had
# three more, on status and flow, that every append wrote too.)
#
# hitl_store's one row is rewritten by every write: each version stays on its page
# until the page is pruned, and each write reads past them. A fillfactor of 10
# has the page pruned once it is a tenth full, not when it is full.
_TABLES = """
CREATE TABLE hitl_store (
    one       boolean PRIMARY KEY DEFAULT true CHECK (one),
    version   integer NOT NULL,
    change    bigint NOT NULL DEFAULT 0,
    forgotten bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 10);
CREATE TABLE hitl_runs (
    n             bigint GENERATED ALWAYS AS IDENTITY,
    run_id        text COLLATE "C" PRIMARY KEY,
    flow          text NOT NULL,
    session       text COLLATE "C" NOT NULL,
    branched_from text COLLATE "C",
    start         text,
    status        text NOT NULL,
    error         text,
    owner         text,
    lease_until   double precision,
    tip           text COLLATE "C",
    tip_seq       integer NOT NULL DEFAULT -1,
    created_at    double precision NOT NULL,
    updated_at    double precision NOT NULL,
    author        text,
    title         text,
    folded        text,
    made_from     text COLLATE "C"
);
CREATE INDEX hitl_runs_by_session ON hitl_runs (session, n);
CREATE TABLE hitl_checkpoints (
    n           bigint GENERATED ALWAYS AS IDENTITY,
    id          text COLLATE "C" PRIMARY KEY,
    run_id      text COLLATE "C" NOT NULL,
    parent_id   text COLLATE "C",
    seq         integer NOT NULL,
    flow        text NOT NULL,
    step        text NOT NULL,
    input_type  text NOT NULL,
    input       text NOT NULL,
    output_type text NOT NULL,
    output      text NOT NULL,
    state       text NOT NULL,
    created_at  double precision NOT NULL,
    author      text,
    UNIQUE (run_id, seq)
);
CREATE INDEX hitl_checkpoints_by_shape
    ON hitl_checkpoints (flow, step, input_type, output_type, n);
CREATE TABLE hitl_sessions (
    session     text COLLATE "C" PRIMARY KEY,
    flow        text NOT NULL,
    run_id      text COLLATE "C" NOT NULL,
    status      text NOT NULL,
    error       text,
    owner       text,
    lease_until double precision,
    title       text,
    folded      text,
    branches    integer NOT NULL,
    created_at  double precision NOT NULL,
    updated_at  double precision NOT NULL,
    change      bigint NOT NULL UNIQUE
);
CREATE TABLE hitl_deleted (
    change  bigint PRIMARY KEY,
    session text COLLATE "C" NOT NULL
);
"""

# hitl_touch: give a session (its row locked by the caller, or new) a change
# number, with p_run as its latest run. p_latest false keeps its updated_at (a
# title filled in); p_branches NULL keeps its count of runs.
_TOUCH = """
CREATE FUNCTION hitl_touch(p_session text, p_run text, p_latest boolean, p_branches integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE c bigint;
BEGIN
    UPDATE hitl_store SET change = change + 1 RETURNING change INTO c;
    INSERT INTO hitl_sessions AS x (session, flow, run_id, status, error, owner, lease_until,
                                    title, folded, branches, created_at, updated_at, change)
    SELECT p_session, r.flow, r.run_id, r.status, r.error, r.owner, r.lease_until, r.title,
           r.folded, coalesce(p_branches, 1), r.created_at, r.updated_at, c
    FROM hitl_runs r WHERE r.run_id = p_run
    ON CONFLICT (session) DO UPDATE SET
        run_id = excluded.run_id, status = excluded.status, error = excluded.error,
        owner = excluded.owner, lease_until = excluded.lease_until, title = excluded.title,
        folded = excluded.folded, branches = coalesce(p_branches, x.branches),
        updated_at = CASE WHEN p_latest THEN excluded.updated_at ELSE x.updated_at END,
        change = c;
    PERFORM pg_notify('hitl', c::text);
END $$;
"""

# hitl_settle: after runs were deleted, each of these sessions (rows locked)
# gets its latest run recomputed, or is deleted with a tombstone if it has none.
_SETTLE = f"""
CREATE FUNCTION hitl_settle(p_sessions text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE s text; latest text; left_ integer; c bigint; gone boolean := false;
BEGIN
    FOR s IN SELECT unnest(p_sessions) ORDER BY 1 LOOP
        SELECT run_id INTO latest FROM hitl_runs WHERE session = s
            ORDER BY updated_at DESC, created_at DESC, n DESC LIMIT 1;
        IF FOUND THEN
            SELECT count(*) INTO left_ FROM hitl_runs WHERE session = s;
            PERFORM hitl_touch(s, latest, true, left_);
        ELSE
            DELETE FROM hitl_sessions WHERE session = s;
            IF FOUND THEN
                UPDATE hitl_store SET change = change + 1 RETURNING change INTO c;
                INSERT INTO hitl_deleted (change, session) VALUES (c, s);
                PERFORM pg_notify('hitl', c::text);
                gone := true;
            END IF;
        END IF;
    END LOOP;
    IF gone THEN
        SELECT change INTO c FROM hitl_deleted ORDER BY change DESC
            OFFSET {TOMBSTONES_KEPT} LIMIT 1;
        IF FOUND THEN
            DELETE FROM hitl_deleted WHERE change <= c;
            UPDATE hitl_store SET forgotten = c;
        END IF;
    END IF;
END $$;
"""

# hitl_create_run: 0 done, 1 the run id is taken, 2 the origin is gone or of
# another session. p_ck_id NULL: no first checkpoint. Schema 4 added p_made_from.
_CREATE_RUN = """
CREATE FUNCTION hitl_create_run(
    p_run text, p_flow text, p_session text, p_branched_from text, p_start text,
    p_status text, p_error text, p_owner text, p_lease double precision,
    p_created double precision, p_updated double precision, p_author text, p_title text,
    p_folded text, p_made_from text,
    p_ck_id text, p_ck_parent text, p_ck_step text, p_ck_input_type text, p_ck_input text,
    p_ck_output_type text, p_ck_output text, p_ck_state text, p_ck_created double precision,
    p_ck_author text
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE b integer;
BEGIN
    IF p_branched_from IS NOT NULL THEN
        SELECT branches INTO b FROM hitl_sessions WHERE session = p_session FOR UPDATE;
        IF NOT FOUND THEN RETURN 2; END IF;
        PERFORM 1 FROM hitl_checkpoints c JOIN hitl_runs r ON r.run_id = c.run_id
            WHERE c.id = p_branched_from AND r.session = p_session;
        IF NOT FOUND THEN RETURN 2; END IF;
    END IF;
    INSERT INTO hitl_runs (run_id, flow, session, branched_from, start, status, error, owner,
                           lease_until, created_at, updated_at, author, title, folded,
                           made_from)
    VALUES (p_run, p_flow, p_session, p_branched_from, p_start, p_status, p_error, p_owner,
            p_lease, p_created, p_updated, p_author, p_title, p_folded, p_made_from)
    ON CONFLICT (run_id) DO NOTHING;
    IF NOT FOUND THEN RETURN 1; END IF;
    IF p_ck_id IS NOT NULL THEN
        INSERT INTO hitl_checkpoints (id, run_id, parent_id, seq, flow, step, input_type,
                                      input, output_type, output, state, created_at, author)
        VALUES (p_ck_id, p_run, p_ck_parent, 0, p_flow, p_ck_step, p_ck_input_type,
                p_ck_input, p_ck_output_type, p_ck_output, p_ck_state, p_ck_created,
                p_ck_author);
        UPDATE hitl_runs SET tip = p_ck_id, tip_seq = 0,
                             updated_at = greatest(updated_at, p_ck_created)
            WHERE run_id = p_run;
    END IF;
    PERFORM hitl_touch(p_session, p_run, true, CASE WHEN b IS NULL THEN 1 ELSE b + 1 END);
    RETURN 0;
END $$;
"""

# hitl_append: NULL done; else the run's tip seq (-2: the run is not stored).
# The session's row is written here, not by hitl_touch: one UPDATE with the
# change number, from what the CAS on the run returned (schema 1 called
# hitl_touch, which read the run again and upserted the row).
_APPEND = """
CREATE OR REPLACE FUNCTION hitl_append(
    p_id text, p_run text, p_parent text, p_seq integer, p_flow text, p_step text,
    p_input_type text, p_input text, p_output_type text, p_output text, p_state text,
    p_created double precision, p_author text,
    p_status text, p_owner text, p_lease double precision, p_title text, p_folded text
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE s text; t integer; c bigint; r_title text; r_folded text; r_at double precision;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN -2; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    UPDATE hitl_runs SET tip = p_id, tip_seq = p_seq, status = p_status, error = NULL,
        owner = p_owner, lease_until = p_lease, updated_at = greatest(updated_at, p_created),
        title = coalesce(p_title, title),
        folded = CASE WHEN p_title IS NULL THEN folded ELSE p_folded END
    WHERE run_id = p_run AND tip_seq = p_seq - 1
    RETURNING title, folded, updated_at INTO r_title, r_folded, r_at;
    IF NOT FOUND THEN
        SELECT tip_seq INTO t FROM hitl_runs WHERE run_id = p_run;
        RETURN coalesce(t, -2);
    END IF;
    INSERT INTO hitl_checkpoints (id, run_id, parent_id, seq, flow, step, input_type, input,
                                  output_type, output, state, created_at, author)
    VALUES (p_id, p_run, p_parent, p_seq, p_flow, p_step, p_input_type, p_input,
            p_output_type, p_output, p_state, p_created, p_author);
    WITH n AS (UPDATE hitl_store SET change = change + 1 RETURNING change)
    UPDATE hitl_sessions SET run_id = p_run, status = p_status, error = NULL, owner = p_owner,
        lease_until = p_lease, title = r_title, folded = r_folded, updated_at = r_at,
        change = n.change
    FROM n WHERE session = s
    RETURNING n.change INTO c;
    PERFORM pg_notify('hitl', c::text);
    RETURN NULL;
END $$;
"""

_SET_STATUS = """
CREATE FUNCTION hitl_set_status(
    p_run text, p_status text, p_error text, p_owner text, p_at double precision,
    p_lease double precision, p_tip_seq integer
) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE s text;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    UPDATE hitl_runs SET status = p_status, error = p_error, owner = p_owner,
        lease_until = p_lease, updated_at = greatest(updated_at, p_at)
    WHERE run_id = p_run AND (p_tip_seq IS NULL OR tip_seq = p_tip_seq);
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM hitl_touch(s, p_run, true, NULL);
    RETURN true;
END $$;
"""

# A renewal is not a change: no number, no updated_at, no NOTIFY.
_RENEW_LEASE = """
CREATE FUNCTION hitl_renew_lease(p_run text, p_owner text, p_lease double precision)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE s text;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    UPDATE hitl_runs SET lease_until = p_lease
        WHERE run_id = p_run AND status = 'running' AND owner = p_owner;
    IF NOT FOUND THEN RETURN false; END IF;
    UPDATE hitl_sessions SET lease_until = p_lease WHERE session = s AND run_id = p_run;
    RETURN true;
END $$;
"""

_SET_TITLES = """
CREATE FUNCTION hitl_set_titles(p_runs text[], p_titles text[], p_folded text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE x record;
BEGIN
    PERFORM 1 FROM hitl_sessions WHERE session IN
        (SELECT session FROM hitl_runs WHERE run_id = ANY(p_runs))
        ORDER BY session FOR UPDATE;
    FOR x IN
        WITH titled AS (
            UPDATE hitl_runs r SET title = t.title, folded = t.folded
            FROM unnest(p_runs, p_titles, p_folded) AS t(run_id, title, folded)
            WHERE r.run_id = t.run_id AND r.title IS NULL
            RETURNING r.run_id, r.session
        )
        SELECT t.run_id, t.session FROM titled t
            JOIN hitl_sessions s ON s.session = t.session AND s.run_id = t.run_id
            ORDER BY t.session
    LOOP
        PERFORM hitl_touch(x.session, x.run_id, false, NULL);
    END LOOP;
END $$;
"""

# The deletes: lock the sessions' rows, delete runs and checkpoints, settle.
_DELETES = """
CREATE FUNCTION hitl_delete_runs(p_runs text[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE ss text[]; gone integer;
BEGIN
    SELECT array_agg(DISTINCT session) INTO ss FROM hitl_runs WHERE run_id = ANY(p_runs);
    IF ss IS NULL THEN RETURN 0; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = ANY(ss) ORDER BY session FOR UPDATE;
    DELETE FROM hitl_checkpoints WHERE run_id = ANY(p_runs);
    DELETE FROM hitl_runs WHERE run_id = ANY(p_runs);
    GET DIAGNOSTICS gone = ROW_COUNT;
    PERFORM hitl_settle(ss);
    RETURN gone;
END $$;

CREATE FUNCTION hitl_delete_run(p_run text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE s text; doomed text[]; x record;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN '{}'; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    PERFORM 1 FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN '{}'; END IF;  -- deleted while we waited
    doomed := ARRAY[p_run];
    FOR x IN SELECT r.run_id, c.run_id AS origin FROM hitl_runs r
             LEFT JOIN hitl_checkpoints c ON c.id = r.branched_from
             WHERE r.session = s ORDER BY r.n
    LOOP  -- in the order created: a branch's origin comes before it
        IF x.run_id <> p_run AND x.origin = ANY(doomed) THEN
            doomed := doomed || x.run_id;
        END IF;
    END LOOP;
    DELETE FROM hitl_checkpoints WHERE run_id = ANY(doomed);
    DELETE FROM hitl_runs WHERE run_id = ANY(doomed);
    PERFORM hitl_settle(ARRAY[s]);
    RETURN doomed;
END $$;

CREATE FUNCTION hitl_delete_session(p_session text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE doomed text[];
BEGIN
    PERFORM 1 FROM hitl_sessions WHERE session = p_session FOR UPDATE;
    SELECT array_agg(run_id ORDER BY n) INTO doomed FROM hitl_runs WHERE session = p_session;
    IF doomed IS NULL THEN RETURN '{}'; END IF;
    DELETE FROM hitl_checkpoints WHERE run_id = ANY(doomed);
    DELETE FROM hitl_runs WHERE run_id = ANY(doomed);
    PERFORM hitl_settle(ARRAY[p_session]);
    RETURN doomed;
END $$;

CREATE FUNCTION hitl_prune(p_before double precision, p_flow text)
RETURNS SETOF hitl_sessions LANGUAGE plpgsql AS $$
DECLARE doomed hitl_sessions[]; ss text[];
BEGIN
    SELECT array_agg(x ORDER BY x.change) INTO doomed FROM (
        SELECT * FROM hitl_sessions
        WHERE status = 'completed' AND updated_at < p_before
          AND (p_flow IS NULL OR flow = p_flow)
        ORDER BY session FOR UPDATE
    ) x;
    IF doomed IS NULL THEN RETURN; END IF;
    SELECT array_agg(d.session ORDER BY d.change) INTO ss FROM unnest(doomed) d;
    DELETE FROM hitl_checkpoints WHERE run_id IN
        (SELECT run_id FROM hitl_runs WHERE session = ANY(ss));
    DELETE FROM hitl_runs WHERE session = ANY(ss);
    PERFORM hitl_settle(ss);
    RETURN QUERY SELECT * FROM unnest(doomed) ORDER BY change;
END $$;
"""

# hitl_delete_unchanged_session: delete the session of p_run if, once its row is
# locked (as every write of it locks it first), the run is alone in it with its
# tip and status as the caller read them. Schema 3.
_DELETE_UNCHANGED_SESSION = """
CREATE FUNCTION hitl_delete_unchanged_session(p_run text, p_tip_seq integer, p_status text)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE s text;
BEGIN
    SELECT session INTO s FROM hitl_runs WHERE run_id = p_run;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;
    PERFORM 1 FROM hitl_runs WHERE run_id = p_run AND tip_seq = p_tip_seq AND status = p_status;
    IF NOT FOUND THEN RETURN false; END IF;
    PERFORM 1 FROM hitl_runs WHERE session = s AND run_id <> p_run;
    IF FOUND THEN RETURN false; END IF;
    DELETE FROM hitl_checkpoints WHERE run_id = p_run;
    DELETE FROM hitl_runs WHERE run_id = p_run;
    PERFORM hitl_settle(ARRAY[s]);
    RETURN true;
END $$;
"""

SCHEMA = [_TABLES, _TOUCH, _SETTLE, _CREATE_RUN, _APPEND, _SET_STATUS, _RENEW_LEASE,
          _SET_TITLES, _DELETES, _DELETE_UNCHANGED_SESSION]  # fmt: skip
"""What a new store is made of, in order; then ``hitl_store`` gets its one row."""

MIGRATIONS: dict[int, list[str]] = {
    1: [
        "DROP INDEX hitl_sessions_by_status",
        "DROP INDEX hitl_sessions_by_flow",
        "DROP INDEX hitl_sessions_by_flow_status",
        "ALTER TABLE hitl_store SET (fillfactor = 10)",
        _APPEND,
    ],
    2: [_DELETE_UNCHANGED_SESSION],
    3: [  # a branch's made_from: None for the runs stored before it
        'ALTER TABLE hitl_runs ADD COLUMN made_from text COLLATE "C"',
        "DROP FUNCTION hitl_create_run",
        _CREATE_RUN,
    ],
}
"""Version n -> the statements that take a store of version n to n + 1, run in one
transaction with the version bump."""


def ensure(conn: Connection, *, name: str) -> None:
    """Make the schema if the database has none, migrate an older one; refuse a
    newer one, or tables of hitl's names that are not a hitl store."""
    version = _version(conn)
    if version == SCHEMA_VERSION:
        return  # the common case: one read
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        if conn.execute("SELECT to_regclass('hitl_store')").fetchone()[0] is None:
            taken = conn.execute(
                "SELECT to_regclass('hitl_runs') IS NOT NULL OR "
                "to_regclass('hitl_checkpoints') IS NOT NULL"
            ).fetchone()[0]
            if taken:
                raise StoreError(f"{name}: not a hitl store (it has hitl's tables, no version)")
            for statement in SCHEMA:
                conn.execute(statement)
            conn.execute("INSERT INTO hitl_store (version) VALUES (%s)", (SCHEMA_VERSION,))
            return
        row = conn.execute("SELECT version FROM hitl_store FOR UPDATE").fetchone()
        if row is None:
            raise StoreError(f"{name}: not a hitl store (its version row is missing)")
        version = row[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{name}: written by a newer hitl (store schema {version}; this hitl reads "
                f"schema {SCHEMA_VERSION}): upgrade hitl"
            )
        while version < SCHEMA_VERSION:  # in this one transaction: all or nothing
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            version += 1
        conn.execute("UPDATE hitl_store SET version = %s", (version,))


def _version(conn: Connection) -> int | None:
    try:
        row = conn.execute("SELECT version FROM hitl_store").fetchone()
    except pg_errors.UndefinedTable:
        return None
    return None if row is None else row[0]
