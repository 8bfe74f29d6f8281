"""How a store is named and opened: a SQLite file's path or a PostgreSQL connection
string (``postgresql://`` or ``postgres://``), shown without its password
(``hitl.store.dsn``).

Nothing here imports a driver: ``open_store`` imports psycopg only for a
PostgreSQL spec.
"""

from __future__ import annotations

import os
from pathlib import Path

from hitl.store.base import CheckpointStore
from hitl.store.dsn import SCHEMES, is_postgres, redact

__all__ = ["SCHEMES", "is_postgres", "open_store", "redact"]


def open_store(spec: str | os.PathLike[str]) -> CheckpointStore:
    """The store ``spec`` names: a ``PostgresStore`` for a ``postgresql://`` or
    ``postgres://`` URL, else a ``SqliteStore`` on that path."""
    if is_postgres(spec):
        from hitl.store.postgres import PostgresStore

        return PostgresStore(str(spec))
    from hitl.store.sqlite import SqliteStore

    return SqliteStore(Path(spec))
