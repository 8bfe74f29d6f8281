"""The stores the conformance suite runs on, and how it reaches each.

Every test here is written against the CheckpointStore protocol alone
(hitl/store/base.py), never through the engine, so any store can run it. A
store joins the suite by adding a ``Kind`` to ``KINDS``:

- ``open(request, tmp_path)``: a fresh, empty store;
- ``view(store)``: a second handle on the same data, as another process would
  have it (another connection); the store itself for an in-process store;
- ``spec(store)``: for a store other processes can open, the text a child
  process opens it from (see ``child.py``); None for an in-process store;
- ``damage_run`` / ``damage_session``: write a wrong-typed value into a stored
  row behind the store's back (None for a store whose rows cannot be damaged).

PostgresStore joins with a kind whose ``open`` takes the ``pg_dsn`` fixture
(``request.getfixturevalue("pg_dsn")``, a real server started with pgserver),
empties the database, and opens ``PostgresStore(dsn)``; ``spec`` is the DSN.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hitl.store import MemoryStore, SqliteStore
from tests import pg


@dataclass(frozen=True)
class Kind:
    name: str
    open: Callable[[pytest.FixtureRequest, Path], Any]
    view: Callable[[Any], Any]
    spec: Callable[[Any], str] | None = None
    damage_run: Callable[[Any, str, str, object], None] | None = None
    damage_session: Callable[[Any, str, str, object], None] | None = None


def _sqlite_damage(table: str, key: str) -> Callable[[Any, str, str, object], None]:
    def damage(store: Any, row_id: str, column: str, value: object) -> None:
        db = sqlite3.connect(store.path, isolation_level=None)
        try:
            changed = db.execute(
                f"UPDATE {table} SET {column}=? WHERE {key}=?", (value, row_id)
            ).rowcount
        finally:
            db.close()
        assert changed == 1

    return damage


def _pg_open(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    from hitl.store.postgres import PostgresStore

    dsn = request.getfixturevalue("pg_dsn")
    pg.empty(dsn)
    return PostgresStore(dsn)


def _pg_view(store: Any) -> Any:
    from hitl.store.postgres import PostgresStore

    return PostgresStore(store._dsn)


def _pg_damage(table: str, key: str) -> Callable[[Any, str, str, object], None]:
    """Write ``value`` into a typed column as near as it goes: text as text, a
    number into a number column, anything else there as NaN (not a time)."""

    def damage(store: Any, row_id: str, column: str, value: object) -> None:
        import psycopg

        with psycopg.connect(store._dsn, autocommit=True) as db:
            kind = db.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = %s",
                (table, column),
            ).fetchone()[0]
            if kind == "text":
                value = None if value is None else str(value)
            elif not isinstance(value, int | float) or isinstance(value, bool):
                value = float("nan")
            changed = db.execute(
                f"UPDATE {table} SET {column} = %s WHERE {key} = %s", (value, row_id)
            ).rowcount
        assert changed == 1

    return damage


KINDS: dict[str, Kind] = {
    "memory": Kind("memory", lambda request, tmp_path: MemoryStore(), lambda store: store),
    "sqlite": Kind(
        "sqlite",
        lambda request, tmp_path: SqliteStore(tmp_path / "store.db"),
        lambda store: SqliteStore(store.path),
        spec=lambda store: str(store.path),
        damage_run=_sqlite_damage("runs", "run_id"),
        damage_session=_sqlite_damage("sessions", "session"),
    ),
    "postgres": Kind(
        "postgres",
        _pg_open,
        _pg_view,
        spec=lambda store: store._dsn,
        damage_run=_pg_damage("hitl_runs", "run_id"),
        damage_session=_pg_damage("hitl_sessions", "session"),
    ),
}


@pytest.fixture(params=list(KINDS))
def kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]


@pytest.fixture
def store(kind: Kind, request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh store of each kind."""
    s = kind.open(request, tmp_path)
    yield s
    s.close()


@pytest.fixture
def other(kind: Kind, store):
    """Another process's view of ``store`` (for an in-process store, the store)."""
    view = kind.view(store)
    yield view
    if view is not store:
        view.close()


@pytest.fixture(params=[k for k, v in KINDS.items() if v.damage_run is not None])
def damageable(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh store of each kind whose rows can be damaged by hand, and its kind."""
    k = KINDS[request.param]
    s = k.open(request, tmp_path)
    yield s, k
    s.close()


@pytest.fixture(params=[k for k, v in KINDS.items() if v.spec is not None])
def shared(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh store of each kind that other processes can open, and its spec."""
    k = KINDS[request.param]
    s = k.open(request, tmp_path)
    assert k.spec is not None
    yield s, k.spec(s)
    s.close()


@pytest.fixture
def fresh_db(pg_server: pg.PgServer, request: pytest.FixtureRequest) -> str:
    """A new, empty database of its own on ``pg_server`` (named after the test); its DSN."""
    name = "t_" + "".join(ch for ch in request.node.name.lower() if ch.isalnum())[:50]
    pg_server.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', database="postgres")
    pg_server.create_database(name)
    return pg_server.dsn(name)
