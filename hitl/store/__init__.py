"""Stores: where runs and checkpoints are kept.

``PostgresStore`` is imported on first use (it needs the ``postgres`` extra:
psycopg), so importing hitl never imports a database driver.
"""

from typing import TYPE_CHECKING, Any

from hitl.store.base import CheckpointRecord, CheckpointStore, RunRecord
from hitl.store.memory import MemoryStore
from hitl.store.spec import is_postgres, open_store, redact
from hitl.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from hitl.store.postgres import PostgresStore

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
    if name == "PostgresStore":
        from hitl.store.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
