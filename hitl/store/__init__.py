"""Stores: where runs and checkpoints are kept."""

from hitl.store.base import CheckpointRecord, CheckpointStore, RunRecord
from hitl.store.memory import MemoryStore
from hitl.store.sqlite import SqliteStore

__all__ = ["CheckpointRecord", "CheckpointStore", "MemoryStore", "RunRecord", "SqliteStore"]
