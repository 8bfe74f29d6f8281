"""Checkpoint and RunInfo: the read side of the store, as a person's code sees it.

A ``Checkpoint`` is a copy: its events are decoded from the stored JSON the
first time they are read, so listing thousands costs no parsing, and changing
one (the seed's ``checkpoint.output_event.user_input = ...``) never changes
what is stored. Hand the changed one to ``run_from`` to branch with the edit.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hitl.errors import CheckpointLoadError
from hitl.events import Event
from hitl.serde import Serde
from hitl.store.base import RUNNING, CheckpointRecord, CheckpointStore, RunRecord

_HOST = socket.gethostname()
_owner = [f"{_HOST}:{os.getpid()}"]
os.register_at_fork(after_in_child=lambda: _owner.__setitem__(0, f"{_HOST}:{os.getpid()}"))


def owner() -> str:
    """Who drives a run: this host and process (named again in a forked child,
    so it is itself), so a run left 'running' by a dead process reads as interrupted."""
    return _owner[0]


LEASE_SECONDS = 30.0
"""How long a run's owner vouches for a running run: renewed while a step waits
on I/O; past it, with no renewal, the run reads as interrupted on any machine.
Leases are real time (``time.time()``), whatever clock stamps the checkpoints."""


def lease(status: str) -> float | None:
    """The lease a write with ``status`` takes: only a running run has one."""
    return time.time() + LEASE_SECONDS if status == RUNNING else None


def interrupted(run: RunRecord, now: float) -> bool:
    """Whether a running run's process is gone: its lease ran out, or it was a
    process of this host that no longer lives (rows older than leases: only that)."""
    if run.status != RUNNING:
        return False
    if run.lease_until is not None and run.lease_until < now:
        return True
    return not _alive(run.owner)


def timestamp(value: float) -> datetime:
    return datetime.fromtimestamp(value, tz=UTC)


class Checkpoint:
    """One completed step of a run, or one answer (``last_completed_step == "human"``)."""

    __slots__ = ("_ctx_state", "_input", "_output", "_record", "_serde")

    def __init__(self, record: CheckpointRecord, serde: Serde) -> None:
        self._record = record
        self._serde = serde
        self._input: Event | None = None
        self._output: Event | None = None
        self._ctx_state: dict[str, Any] | None = None

    @property
    def id(self) -> str:
        return self._record.id

    id_ = id

    @property
    def run_id(self) -> str:
        return self._record.run_id

    @property
    def parent_id(self) -> str | None:
        return self._record.parent_id

    @property
    def seq(self) -> int:
        return self._record.seq

    @property
    def author(self) -> str | None:
        """Who made this checkpoint (an answer or an edit); None for a step's, and
        for checkpoints stored before authors were."""
        return self._record.author

    @property
    def last_completed_step(self) -> str:
        return self._record.step

    @property
    def input_event_type(self) -> str:
        """The input event's type name, read without decoding the event."""
        return self._record.input_type

    @property
    def output_event_type(self) -> str:
        """The output event's type name, read without decoding the event."""
        return self._record.output_type

    @property
    def created_at(self) -> datetime:
        return timestamp(self._record.created_at)

    def _where(self, which: str) -> str:
        r = self._record
        return f"run {r.run_id}, checkpoint {r.seq} ({r.id}), {which}"

    @property
    def input_event(self) -> Event:
        if self._input is None:
            self._input = self._serde.load(self._record.input, self._where("input_event"))
        return self._input

    @property
    def output_event(self) -> Event:
        if self._output is None:
            self._output = self._serde.load(self._record.output, self._where("output_event"))
        return self._output

    @output_event.setter
    def output_event(self, event: Event) -> None:
        if not isinstance(event, Event):
            raise TypeError(f"output_event must be an Event, not {type(event).__name__}")
        self._output = event

    @property
    def ctx_state(self) -> dict[str, Any]:
        """The run's saved state after this step, as a JSON dict (a copy)."""
        if self._ctx_state is None:
            self._ctx_state = self._serde.parse_object(self._record.state, self._where("ctx_state"))
        return self._ctx_state

    @property
    def edited_output(self) -> Event | None:
        """The output event as the caller left it, if they ever read or set it."""
        return self._output

    @property
    def record(self) -> CheckpointRecord:
        """The stored row behind this checkpoint (immutable)."""
        return self._record

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Checkpoint) and other._record == self._record

    def __hash__(self) -> int:
        return hash(self._record.id)

    def __repr__(self) -> str:
        def shown(read: Any) -> str:
            try:
                return repr(read())
            except CheckpointLoadError as exc:
                return f"<unreadable: {exc}>"

        return (
            f"Checkpoint(id_={self.id!r}, run_id={self.run_id!r}, seq={self.seq}, "
            f"last_completed_step={self.last_completed_step!r}, "
            f"input_event={shown(lambda: self.input_event)}, "
            f"output_event={shown(lambda: self.output_event)}, "
            f"ctx_state={shown(lambda: self.ctx_state)})"
        )


def _alive(owner: str | None) -> bool:
    if not owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != _HOST or not pid.isdigit():
        return True  # another machine's process: we cannot tell, so assume it lives
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True, slots=True)
class RunInfo:
    """One run as ``runs()`` lists it. The runs that share a ``session`` form a tree."""

    run_id: str
    flow: str
    status: str
    branched_from: str | None
    session: str
    created_at: datetime
    updated_at: datetime
    error: str | None
    checkpoint_count: int
    tip: str | None
    interrupted: bool
    """True when the run was left running by a process that is gone (a crash, on
    any machine: its lease ran out): ``resume`` re-runs the step it was in."""
    author: str | None = None
    """Who started the run (None: not recorded)."""
    title: str | None = None
    """The text of the first answer on its way ("" none yet, None not known)."""
    made_from: str | None = None
    """For a branch, the run the person was on when they made it (``run_from``'s
    ``made_from``); None for a root, or a branch that did not say (made before
    runs kept it): read it as the run of the checkpoint ``branched_from``."""

    @classmethod
    def from_record(cls, run: RunRecord) -> RunInfo:
        return cls(
            run_id=run.run_id,
            flow=run.flow,
            status=run.status,
            branched_from=run.branched_from,
            session=run.session,
            created_at=timestamp(run.created_at),
            updated_at=timestamp(run.updated_at),
            error=run.error,
            checkpoint_count=run.tip_seq + 1,
            tip=run.tip,
            interrupted=interrupted(run, time.time()),
            author=run.author,
            title=run.title,
            made_from=run.made_from,
        )


class CheckpointsView(Mapping[str, list[Checkpoint]]):
    """``ckptr.checkpoints``: run_id -> that run's checkpoints, for one flow's runs.

    Read-only; each access reads the store afresh and hands out copies.
    """

    def __init__(
        self,
        store: CheckpointStore,
        flow: str,
        checkpoint: Callable[[CheckpointRecord], Checkpoint],
    ) -> None:
        self._store = store
        self._flow = flow
        self._checkpoint = checkpoint

    def __getitem__(self, run_id: str) -> list[Checkpoint]:
        if run_id not in self:
            raise KeyError(run_id)
        return [self._checkpoint(r) for r in self._store.run_checkpoints(run_id)]

    def __iter__(self) -> Iterator[str]:
        return iter([r.run_id for r in self._store.list_runs(self._flow)])

    def __len__(self) -> int:
        return len(self._store.list_runs(self._flow))

    def __contains__(self, run_id: object) -> bool:
        if not isinstance(run_id, str):
            return False
        run = self._store.get_run(run_id)
        return run is not None and run.flow == self._flow

    def __repr__(self) -> str:
        return repr(dict(self.items()))
