"""hitl: a small, durable workflow engine for human-in-the-loop runs.

Import everything public from here::

    from hitl import Workflow, step, StartEvent, StopEvent, WorkflowCheckpointer
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from hitl.store.base import COMPLETED, FAILED, RUNNING, WAITING, CheckpointStore
    from hitl.store.memory import MemoryStore
    from hitl.store.postgres import PostgresStore
    from hitl.store.spec import open_store, redact
    from hitl.store.sqlite import SqliteStore
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


_WHERE = {
    "ValidationError": "pydantic",
    **dict.fromkeys(("Rules", "answer_field"), "hitl.answers"),
    **dict.fromkeys(("Checkpoint", "RunInfo"), "hitl.checkpoint"),
    "WorkflowCheckpointer": "hitl.checkpointer",
    **dict.fromkeys(("Context", "DictState"), "hitl.context"),
    **dict.fromkeys((
        "CheckpointLoadError", "CheckpointNotFound", "ConflictError", "HitlError",
        "PayloadTooLarge", "RunNotFound", "RunNotWaiting", "StoreError", "StoreUnavailable",
        "UnknownEventType", "WorkflowValidationError",
    ), "hitl.errors"),
    **dict.fromkeys(("Event", "InputRequiredEvent", "StartEvent", "StopEvent"), "hitl.events"),
    **dict.fromkeys(("RunHandler", "watch_steps"), "hitl.runner"),
    **dict.fromkeys(
        ("COMPLETED", "FAILED", "RUNNING", "WAITING", "CheckpointStore"), "hitl.store.base"),
    "MemoryStore": "hitl.store.memory",
    "PostgresStore": "hitl.store.postgres",
    **dict.fromkeys(("open_store", "redact"), "hitl.store.spec"),
    "SqliteStore": "hitl.store.sqlite",
    **dict.fromkeys(("HUMAN", "Workflow", "step"), "hitl.workflow"),
}
"""Where each public name is defined: it is imported from there on first use (PEP 562),
so importing hitl (or one of its modules) imports no store, engine part or driver it
does not use."""


def _module(where: str) -> Any:
    """The module ``where`` names, each imported by a statement of its own (the engine
    imports nothing by a computed name)."""
    match where:
        case "pydantic":
            import pydantic as module
        case "hitl.answers":
            import hitl.answers as module
        case "hitl.checkpoint":
            import hitl.checkpoint as module
        case "hitl.checkpointer":
            import hitl.checkpointer as module
        case "hitl.context":
            import hitl.context as module
        case "hitl.errors":
            import hitl.errors as module
        case "hitl.events":
            import hitl.events as module
        case "hitl.runner":
            import hitl.runner as module
        case "hitl.store.base":
            import hitl.store.base as module
        case "hitl.store.memory":
            import hitl.store.memory as module
        case "hitl.store.postgres":
            import hitl.store.postgres as module
        case "hitl.store.spec":
            import hitl.store.spec as module
        case "hitl.store.sqlite":
            import hitl.store.sqlite as module
        case "hitl.workflow":
            import hitl.workflow as module
        case _:
            raise AssertionError(where)
    return module


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_module(where), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
