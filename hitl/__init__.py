"""hitl: a small, durable workflow engine for human-in-the-loop runs.

Import everything public from here::

    from hitl import Workflow, step, StartEvent, StopEvent, WorkflowCheckpointer
"""

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
    UnknownEventType,
    WorkflowValidationError,
)
from hitl.events import Event, InputRequiredEvent, StartEvent, StopEvent
from hitl.runner import RunHandler
from hitl.store import CheckpointStore, MemoryStore, SqliteStore
from hitl.store.base import COMPLETED, FAILED, RUNNING, WAITING
from hitl.workflow import HUMAN, Workflow, step

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
    "Rules",
    "RunHandler",
    "RunInfo",
    "RunNotFound",
    "RunNotWaiting",
    "SqliteStore",
    "StartEvent",
    "StopEvent",
    "StoreError",
    "UnknownEventType",
    "ValidationError",
    "Workflow",
    "WorkflowCheckpointer",
    "WorkflowValidationError",
    "answer_field",
    "step",
]
