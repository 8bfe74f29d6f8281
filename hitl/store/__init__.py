"""Stores: where runs and checkpoints are kept.

Each store is imported on first use: a command imports only the store it opens,
and importing hitl never imports a database driver (``PostgresStore`` needs the
``postgres`` extra: psycopg).
"""

from typing import TYPE_CHECKING, Any

from hitl.store.base import CheckpointRecord, CheckpointStore, RunRecord
from hitl.store.spec import is_postgres, open_store, redact

if TYPE_CHECKING:
    from hitl.store.memory import MemoryStore
    from hitl.store.postgres import PostgresStore
    from hitl.store.sqlite import SqliteStore

__all__ = [
    "CheckpointRecord",
    "CheckpointStore",
    "MemoryStore",
    "PostgresStore",
    "RunRecord",
    "SqliteStore",
    "is_postgres",
    "open_store",
    "redact",
]


def __getattr__(name: str) -> Any:
    match name:
        case "MemoryStore":
            from hitl.store.memory import MemoryStore

            return MemoryStore
        case "SqliteStore":
            from hitl.store.sqlite import SqliteStore

            return SqliteStore
        case "PostgresStore":
            from hitl.store.postgres import PostgresStore

            return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
