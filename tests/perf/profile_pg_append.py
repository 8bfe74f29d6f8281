"""Where PostgresStore's append spends its time: one questionnaire's store calls,
replayed against variants of ``hitl_append`` that leave out one part of its work
each, on one throwaway server (fsync on), alternated so that all meet the same
disk. No engine runs in the loop: what is printed is the server's work and the
round trips, per questionnaire (one new run and nine appends).

    python -m tests.perf.profile_pg_append [--rounds N]

The variants are for measuring only and store rows a real store would refuse
(no session row moves, no change number is taken). Read it beside
bench_postgres.py, which times the whole questionnaire against nine raw inserts.
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import asyncio
import statistics
import time
import uuid

import psycopg

from hitl import PostgresStore
from hitl.store.pg_schema import _APPEND
from tests import pg
from tests.perf._common import new_checkpointer, questionnaire

_LOCK = "    PERFORM 1 FROM hitl_sessions WHERE session = s FOR UPDATE;\n"
_SESSION = _APPEND[_APPEND.index("    WITH n AS"):_APPEND.index("    RETURN NULL;")]
_CAS = _APPEND[_APPEND.index("    SELECT session INTO s"):_APPEND.index("    INSERT INTO")]


def _variant(name: str, *cut: str) -> str:
    body = _APPEND.replace("hitl_append(", f"{name}(")
    for part in cut:
        assert part in body, part
        body = body.replace(part, "")
    return body


VARIANTS = {
    "hitl_append": "as stored (lock the session, CAS the run, insert, session row, NOTIFY)",
    "no_session_row": "without the session row, the change number and the NOTIFY",
    "no_session": "without those and the session's lock: the CAS and the insert",
    "insert_only": "the checkpoint's insert alone",
}
SQL = {
    "no_session_row": _variant("no_session_row", _SESSION),
    "no_session": _variant("no_session", _SESSION, _LOCK),
    "insert_only": _variant("insert_only", _SESSION, _CAS),
}


def recorded_calls(store: PostgresStore) -> list[tuple[str, tuple]]:
    """The statements (and their parameters) of one questionnaire on ``store``."""
    calls: list[tuple[str, tuple]] = []
    execute = psycopg.Connection.execute

    def recording(self, query, params=None, **kw):
        if params and "hitl_" in str(query):
            calls.append((str(query), tuple(params)))
        return execute(self, query, params, **kw)

    psycopg.Connection.execute = recording  # type: ignore[method-assign]
    try:
        asyncio.run(questionnaire(new_checkpointer(store)))
    finally:
        psycopg.Connection.execute = execute  # type: ignore[method-assign]
    return calls


def replay(conn: psycopg.Connection, calls: list[tuple[str, tuple]], function: str) -> None:
    """The same calls with fresh ids (a new session each time), appends by ``function``."""
    fresh: dict[str, str] = {}
    for query, params in calls:
        values = tuple(
            fresh.setdefault(v, str(uuid.uuid4()) if "-" in v else uuid.uuid4().hex)
            if isinstance(v, str) and len(v) in (32, 36) else v
            for v in params
        )
        row = conn.execute(query.replace("hitl_append(", f"{function}("), values).fetchone()
        assert row[0] in (None, 0), (function, row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    server = pg.PgServer()
    try:
        server.start("fsync=on", "synchronous_commit=on")
        server.create_database()
        store = PostgresStore(server.dsn())
        for _ in range(20):  # a store with some sessions in it, its plans warm
            asyncio.run(questionnaire(new_checkpointer(store)))
        calls = recorded_calls(store)
        conn = psycopg.connect(server.dsn(), autocommit=True, prepare_threshold=None)
        for sql in SQL.values():
            conn.execute(sql)
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for n in range(args.rounds + 1):
            for name in VARIANTS:
                t0 = time.perf_counter()
                for _ in range(20):
                    replay(conn, calls, name)
                if n:  # the first round warms up
                    times[name].append((time.perf_counter() - t0) / 20)
        print(f"{len(calls)} calls a questionnaire; median of {args.rounds} rounds of 20")
        base = statistics.median(times["hitl_append"])
        for name, what in VARIANTS.items():
            ms = statistics.median(times[name]) * 1e3
            print(f"  {ms:6.3f} ms  ({ms - base * 1e3:+.3f})  {what}")
        conn.close()
        store.close()
    finally:
        server.destroy()


if __name__ == "__main__":
    main()
