"""The errors the engine raises. Every one of them is exported from ``hitl``."""

from __future__ import annotations


class HitlError(Exception):
    """Base of the engine's own errors."""


class WorkflowValidationError(HitlError):
    """A workflow whose events cannot flow (raised at definition or instantiation)."""


class RunNotFound(HitlError, KeyError):
    """No run with that id is known to the checkpointer."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "run not found"


class CheckpointNotFound(HitlError, KeyError):
    """No checkpoint with that id is in the store."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "checkpoint not found"


class RunNotWaiting(HitlError):
    """The run has no question pending: a step is still running, or it has ended."""


class ConflictError(HitlError):
    """Someone else moved the run on first: the writer's view of the run's tip is stale."""


class CheckpointLoadError(HitlError):
    """A stored checkpoint or run could not be loaded (corrupt, or the flow changed).

    The message names the run, the event and the field; other runs are unaffected.
    """


class UnknownEventType(CheckpointLoadError):
    """A stored event names a type the workflow does not know. Nothing is imported."""


class PayloadTooLarge(HitlError, ValueError):
    """An event is over the size cap (1 MiB by default)."""


class StoreError(HitlError):
    """The store cannot be used: not a hitl store, written by another version, or its
    server refused what was asked. The message names the store, never its password."""


class StoreUnavailable(StoreError):
    """The store's server cannot be reached (down, restarting, or the network between).
    A later call may succeed: the store reconnects by itself. A write cut off this way
    went in whole or not at all, and trying it again never stores it twice."""
