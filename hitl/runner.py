"""The run loop and the RunHandler.

A run is one line of execution: take the cursor's event, find the step that
accepts it, run it, store a checkpoint, go on with what it returned, until a
question (the run waits) or a StopEvent (the run completes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from hitl.checkpoint import OWNER, Checkpoint
from hitl.context import Context
from hitl.errors import ConflictError
from hitl.events import Event, InputRequiredEvent, StopEvent
from hitl.serde import Serde
from hitl.store.base import (
    COMPLETED,
    FAILED,
    RUNNING,
    WAITING,
    CheckpointRecord,
    CheckpointStore,
)
from hitl.workflow import Workflow


@dataclass(frozen=True, slots=True)
class Engine:
    """What a run needs besides its store: the workflow and how to encode, time and name."""

    workflow: Workflow
    serde: Serde
    clock: Callable[[], float]
    new_id: Callable[[], str]


@dataclass(slots=True)
class Cursor:
    """Where a run stands: the event to handle next and the state it meets.

    ``answered`` is true when ``event`` is a person's answer (it goes to the
    step that accepts it, rather than pausing the run again).
    """

    event: Event
    event_text: str
    state: BaseModel
    answered: bool
    parent_id: str | None
    next_seq: int
    tip: CheckpointRecord | None


def status_after(event: Event, answered: bool = False) -> str:
    if isinstance(event, StopEvent):
        return COMPLETED
    if isinstance(event, InputRequiredEvent) and not answered:
        return WAITING
    return RUNNING


class RunHandler:
    """A run being driven. Await it for the result, or the pending question.

    ``run_id`` is known (and the run recorded) before it is awaited. The run
    goes on in a task of the running event loop; with no loop running it goes
    on when awaited.
    """

    def __init__(self, engine: Engine, store: CheckpointStore, run_id: str, cursor: Cursor):
        self.run_id = run_id
        self._engine = engine
        self._store = store
        self._cursor = cursor
        self.status = status_after(cursor.event, cursor.answered)
        self._task: asyncio.Task[Any] | None = None
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self._start()

    def _start(self) -> asyncio.Task[Any]:
        if self._task is None:
            self._task = asyncio.ensure_future(self._drive())
        return self._task

    def __await__(self) -> Generator[Any, None, Any]:
        return self._start().__await__()

    def done(self) -> bool:
        return self._task is not None and self._task.done()

    @property
    def checkpoint(self) -> Checkpoint | None:
        """The run's latest checkpoint, or None if it has none yet."""
        tip = self._cursor.tip
        return None if tip is None else Checkpoint(tip, self._engine.serde)

    @property
    def question(self) -> InputRequiredEvent | None:
        """The pending question when the run is waiting."""
        event = self._cursor.event
        return event if self.status == WAITING else None  # type: ignore[return-value]

    async def _drive(self) -> Any:
        engine, store, cursor = self._engine, self._store, self._cursor
        workflow, serde, clock, new_id = engine.workflow, engine.serde, engine.clock, engine.new_id
        flow = workflow.flow_name
        run_id = self.run_id
        event, answered = cursor.event, cursor.answered
        while True:
            if isinstance(event, StopEvent):
                self.status = COMPLETED
                return event.result
            if not answered and isinstance(event, InputRequiredEvent):
                self.status = WAITING
                return event
            answered = False
            self.status = RUNNING
            try:
                spec = workflow.route(event)
                state = cursor.state
                if spec.wants_ctx:
                    out = await spec.fn(workflow, Context(run_id, state), event)
                else:
                    out = await spec.fn(workflow, event)
                if not isinstance(out, spec.emits):
                    raise TypeError(
                        f"step {spec.name!r} returned {type(out).__name__}, but its annotation "
                        f"says {' | '.join(t.__name__ for t in spec.emits)}"
                    )
                out_text = serde.dump(out)
                record = CheckpointRecord(
                    new_id(), run_id, cursor.parent_id, cursor.next_seq, flow, spec.name,
                    type(event).__name__, cursor.event_text, type(out).__name__, out_text,
                    serde.dump_state(state), clock(),
                )
            except Exception as exc:
                self.status = FAILED
                store.set_status(
                    run_id, FAILED, error=f"{type(exc).__name__}: {exc}", owner=None, at=clock()
                )
                raise
            try:
                store.append(record, status_after(out), OWNER)
            except ConflictError:
                self.status = FAILED
                raise
            cursor.event, cursor.event_text, cursor.tip = out, out_text, record
            cursor.parent_id, cursor.next_seq = record.id, record.seq + 1
            event = out
