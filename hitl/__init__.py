"""hitl: a small, durable workflow engine for human-in-the-loop runs.

Import everything public from here::

    from hitl import Workflow, step, StartEvent, StopEvent, WorkflowCheckpointer
"""

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from hitl.answers import Rules, answer_field
from hitl.checkpoint import Checkpoint, RunInfo
from hitl.checkpointer import WorkflowCheckpointer
from hitl.context import Context, DictState
from hitl.errors import (
    CheckpointLoadError,
    CheckpointNotFound,
    ConflictError,
    HitlError,
    PayloadTooLarge,
    RunNotFound,
    RunNotWaiting,
    StoreError,
    StoreUnavailable,
    UnknownEventType,
    WorkflowValidationError,
)
from hitl.events import Event, InputRequiredEvent, StartEvent, StopEvent
from hitl.runner import RunHandler, watch_steps
from hitl.store import CheckpointStore, MemoryStore, SqliteStore, open_store, redact
from hitl.store.base import COMPLETED, FAILED, RUNNING, WAITING
from hitl.workflow import HUMAN, Workflow, step

if TYPE_CHECKING:
    from hitl.store.postgres import PostgresStore

__version__ = "0.1.0"

__all__ = [
    "COMPLETED",
    "FAILED",
    "HUMAN",
    "RUNNING",
    "WAITING",
    "Checkpoint",
    "CheckpointLoadError",
    "CheckpointNotFound",
    "CheckpointStore",
    "ConflictError",
    "Context",
    "DictState",
    "Event",
    "HitlError",
    "InputRequiredEvent",
    "MemoryStore",
    "PayloadTooLarge",
    "PostgresStore",
    "Rules",
    "RunHandler",
    "RunInfo",
    "RunNotFound",
    "RunNotWaiting",
    "SqliteStore",
    "StartEvent",
    "StopEvent",
    "StoreError",
    "StoreUnavailable",
    "UnknownEventType",
    "ValidationError",
    "Workflow",
    "WorkflowCheckpointer",
    "WorkflowValidationError",
    "answer_field",
    "open_store",
    "redact",
    "step",
    "watch_steps",
]


def __getattr__(name: str) -> Any:
    """``PostgresStore`` is imported on first use: importing hitl imports no driver."""
    if name == "PostgresStore":
        from hitl.store.postgres import PostgresStore

        return PostgresStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
