"""The stores the reliability tests run on: a SQLite file, and a database of its
own on the throwaway PostgreSQL server (tests/pg.py)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """What a store is opened from (``open_store``, a worker's DB argument): a new
    SQLite file, or a new, empty PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    server = request.getfixturevalue("pg_server")
    name = f"reliability_{next(_databases)}"
    server.create_database(name)
    return server.dsn(name)
