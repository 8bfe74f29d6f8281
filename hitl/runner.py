"""The run loop and the RunHandler.

A run is one line of execution: take the cursor's event, find the step that
accepts it, run it, store a checkpoint, go on with what it returned, until a
question (the run waits) or a StopEvent (the run completes).
"""

from __future__ import annotations

import asyncio
import time
import types
from collections.abc import Callable, Coroutine, Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import BaseModel

from hitl.checkpoint import LEASE_SECONDS, Checkpoint, lease, owner
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
from hitl.workflow import StepSpec, Workflow

_row = tuple.__new__  # a record made from all its values, in field order

_WATCHER: ContextVar[Callable[[StepSpec], None] | None] = ContextVar("hitl_step_watcher",
                                                                    default=None)


@contextmanager
def watch_steps(told: Callable[[StepSpec], None]) -> Iterator[None]:
    """Within the block (and the event loops and threads it starts, which copy
    its context), ``told(spec)`` is called as each step is about to run: a face
    says what is running (its ``doing``) while a slow step, a language model,
    holds the run. ``told`` must be quick; what it raises stops the run."""
    token = _WATCHER.set(told)
    try:
        yield
    finally:
        _WATCHER.reset(token)


class Waiting(NamedTuple):
    """A question this process just stored, kept so answering it needs no reading
    or decoding. The store's compare-and-set tells if the run moved on since.

    ``values`` is the question's ``model_dump()`` taken when it was stored, so
    nothing done to the event handed to the caller can leak into the answer.
    """

    store: CheckpointStore
    tip: CheckpointRecord
    question_type: type[InputRequiredEvent]
    values: dict[str, Any]
    state: BaseModel
    title: str | None
    """The run's title as this process wrote it ("" before its first answer)."""


WAITING_KEPT = 256


@dataclass(frozen=True, slots=True)
class Engine:
    """What a run needs besides its store: the workflow and how to encode, time and name."""

    workflow: Workflow
    serde: Serde
    clock: Callable[[], float]
    new_id: Callable[[], str]
    waiting: dict[str, Waiting] = field(default_factory=dict)

    def keep_waiting(self, run_id: str, entry: Waiting) -> None:
        waiting = self.waiting
        if len(waiting) >= WAITING_KEPT:
            del waiting[next(iter(waiting))]
        waiting[run_id] = entry


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
    title: str | None = None
    """The run's title as last read or written (None: not known here)."""


@types.coroutine
def _carry_on(
    coro: Coroutine[Any, Any, Any], waiting_on: Any, sync: Callable[[], None]
) -> Generator[Any, Any, Any]:
    """Go on driving ``coro`` from where it first suspended, inside a task.

    Whenever control leaves the run (it waits on I/O, ends or fails), what it
    wrote is made durable first.
    """
    try:
        while True:
            try:
                sent = yield waiting_on
            except BaseException as exc:  # cancellation and the like go to the step
                try:
                    waiting_on = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    waiting_on = coro.send(sent)
                except StopIteration as stop:
                    return stop.value
            sync()
    finally:
        sync()


def status_after(event: Event, answered: bool = False) -> str:
    if isinstance(event, StopEvent):
        return COMPLETED
    if isinstance(event, InputRequiredEvent) and not answered:
        return WAITING
    return RUNNING


class RunHandler:
    """A run being driven. Await it for the result, or the pending question.

    ``run_id`` is known (and the run recorded) before it is awaited. Inside a
    running event loop the run starts at once and eagerly: its steps run inline
    until one really waits (on I/O, a timer), and only then does a task carry
    it on, so a questionnaire's steps cost no trips through the event loop.
    With no loop running, the run goes on when it is awaited.
    """

    def __init__(self, engine: Engine, store: CheckpointStore, run_id: str, cursor: Cursor):
        self.run_id = run_id
        self._engine = engine
        self._store = store
        self._cursor = cursor
        self.status = status_after(cursor.event, cursor.answered)
        self._future: asyncio.Future[Any] | None = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            store.sync()  # what the caller did (an answer) is durable before it returns
            return
        self._future = self._start(loop)

    def _start(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[Any]:
        """Drive the run inline until it ends or waits; durable before returning."""
        coro = self._drive()
        done = loop.create_future()
        try:
            waiting_on = coro.send(None)
        except StopIteration as stop:
            done.set_result(stop.value)
        except Exception as exc:
            done.set_exception(exc)
        else:
            sync = self._store.sync
            renewing = loop.create_task(self._renew_lease())

            async def rest() -> Any:
                try:
                    return await _carry_on(coro, waiting_on, sync)
                finally:
                    renewing.cancel()

            done = loop.create_task(rest())
        try:
            self._store.sync()
        except BaseException:
            done.cancel()  # what could not be made durable goes no further
            raise
        return done

    async def _renew_lease(self) -> None:
        """While a step waits on I/O, keep the run's lease: a third of it at a time."""
        me = owner()
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            if not self._store.renew_lease(self.run_id, me, time.time() + LEASE_SECONDS):
                return

    def __await__(self) -> Generator[Any, None, Any]:
        if self._future is None:
            self._future = self._start(asyncio.get_running_loop())
        return self._future.__await__()

    def done(self) -> bool:
        return self._future is not None and self._future.done()

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
        workflow_spec = workflow.spec
        flow, registry, routes = workflow.flow_name, workflow_spec.registry, workflow_spec.routes
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
                spec = routes.get(type(event)) or workflow.route(event)  # the route, once known
                watcher = _WATCHER.get()
                if watcher is not None:
                    watcher(spec)
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
                if registry.get(type(out).__name__) is not type(out):
                    raise TypeError(
                        f"step {spec.name!r} returned {type(out).__name__}, which no step "
                        "accepts: a stored event must be one of the workflow's own"
                    )
                out_text = serde.dump(out)
                record = _row(CheckpointRecord, (  # made from its values, as the class does
                    new_id(),
                    run_id,
                    cursor.parent_id,
                    cursor.next_seq,
                    flow,
                    spec.name,
                    type(event).__name__,
                    cursor.event_text,
                    type(out).__name__,
                    out_text,
                    serde.dump_state(state),
                    clock(),
                    None,  # author: a step's checkpoint has none
                ))
            except Exception as exc:
                self.status = FAILED
                store.set_status(
                    run_id,
                    FAILED,
                    error=f"{type(exc).__name__}: {exc}",
                    owner=None,
                    at=clock(),
                    tip_seq=cursor.next_seq - 1,
                )
                raise
            status = status_after(out)
            try:
                store.append(record, status, owner(), lease_until=lease(status))
            except ConflictError:
                run = store.get_run(run_id)
                self.status = run.status if run is not None else FAILED
                raise
            if status == WAITING:
                values = type(out).__pydantic_serializer__.to_python(out)  # model_dump()
                engine.keep_waiting(
                    run_id, _row(Waiting, (store, record, type(out), values, state, cursor.title))
                )
            cursor.event, cursor.event_text, cursor.tip = out, out_text, record
            cursor.parent_id, cursor.next_seq = record.id, record.seq + 1
            event = out
