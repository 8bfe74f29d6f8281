"""Branching from a checkpoint, as the history and review screens do it.

Headless (no textual) and blocking (store I/O, the flow's steps): the screens
call it from thread workers. The old run is always kept as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hitl import RunInfo, WorkflowCheckpointer
from tui.sessions.run_view import drive


def branch(
    ckptr: WorkflowCheckpointer,
    checkpoint_id: str,
    changes: Mapping[str, Any] | None = None,
) -> RunInfo:
    """A new run from ``checkpoint_id``, driven until it waits, completes or fails.

    ``changes`` (field -> value) edit the checkpoint's output event first; the
    engine checks them like an answer and raises ``pydantic.ValidationError``
    naming the field, storing nothing. Without ``changes`` the new run goes on
    from the checkpoint as it was (resume from here). A step that fails leaves
    the new run ``failed`` with its error: read it from the ``RunInfo``.
    """
    checkpoint = ckptr.get_checkpoint(checkpoint_id)
    if changes:
        checkpoint.output_event = checkpoint.output_event.model_copy(update=dict(changes))
    handler = ckptr.run_from(checkpoint)
    drive(handler)
    return ckptr.get_run(handler.run_id)
