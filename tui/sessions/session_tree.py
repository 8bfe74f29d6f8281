"""A session as the history screen shows it: its runs, their checkpoints, and
where each branch forked. Headless (no textual): read in a thread worker.

Nothing is decoded here: a checkpoint's row holds what the store keeps beside
its events (step, event type names, time), so a long session loads fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from hitl import HUMAN, Checkpoint, Event, HitlError, RunInfo, WorkflowCheckpointer
from tui.sessions.summary import status_of
from tui.sessions.workspace import short_width


@dataclass(frozen=True, slots=True)
class CheckpointRow:
    """One checkpoint, as a line of the tree."""

    id: str
    run_id: str
    seq: int
    step: str
    """The stored step name (``human`` for an answer or an edit)."""
    input_type: str
    output_type: str
    created_at: datetime

    @property
    def step_label(self) -> str:
        """The step as a person reads it, keeping the stored name visible."""
        return "answer (human)" if self.step == HUMAN else self.step

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> CheckpointRow:
        return cls(
            id=checkpoint.id, run_id=checkpoint.run_id, seq=checkpoint.seq,
            step=checkpoint.last_completed_step, input_type=checkpoint.input_event_type,
            output_type=checkpoint.output_event_type, created_at=checkpoint.created_at,
        )


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run of the session: its checkpoints and, for a branch, where it forked."""

    info: RunInfo
    status: str
    """waiting, completed, failed, running or interrupted."""
    short_id: str
    checkpoints: tuple[CheckpointRow, ...]
    origin: CheckpointRow | None
    """The checkpoint this run branched from (None for the session's first run)."""

    @property
    def run_id(self) -> str:
        return self.info.run_id

    @property
    def tip(self) -> CheckpointRow | None:
        return self.checkpoints[-1] if self.checkpoints else None


@dataclass(frozen=True, slots=True)
class SessionTree:
    """The runs of one session, and which runs forked from which checkpoint."""

    current: str
    """The run the screen was opened on."""
    runs: dict[str, RunRow]
    roots: tuple[str, ...]
    """Runs with no origin in the session (normally one: the session's first run)."""
    forks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """checkpoint id -> the runs that branched from it, oldest first."""

    def path_to(self, run_id: str) -> list[str]:
        """The runs from a root down to ``run_id`` (to expand them)."""
        path = []
        seen: set[str] = set()
        run: RunRow | None = self.runs.get(run_id)
        while run is not None and run.run_id not in seen:
            seen.add(run.run_id)
            path.append(run.run_id)
            run = self.runs.get(run.origin.run_id) if run.origin else None
        return path[::-1]


def load_session(ckptr: WorkflowCheckpointer, run_id: str) -> SessionTree:
    """The session ``run_id`` belongs to (``RunNotFound`` for an unknown run)."""
    info = ckptr.get_run(run_id)
    family = [r for r in ckptr.runs() if r.session == info.session]
    if all(r.run_id != info.run_id for r in family):
        family.append(info)
    width = short_width([r.run_id for r in family])
    checkpoints = {r.run_id: tuple(CheckpointRow.of(c) for c in ckptr.checkpoints[r.run_id])
                   for r in family}
    by_id = {row.id: row for rows in checkpoints.values() for row in rows}
    runs: dict[str, RunRow] = {}
    forks: dict[str, list[str]] = {}
    roots: list[str] = []
    for r in family:
        origin = by_id.get(r.branched_from) if r.branched_from else None
        runs[r.run_id] = RunRow(
            info=r, status=status_of(r), short_id=r.run_id[:width],
            checkpoints=checkpoints[r.run_id], origin=origin,
        )
        if origin is None:
            roots.append(r.run_id)
        else:
            forks.setdefault(origin.id, []).append(r.run_id)
    return SessionTree(
        current=info.run_id, runs=runs, roots=tuple(roots),
        forks={k: tuple(v) for k, v in forks.items()},
    )


@dataclass(frozen=True, slots=True)
class Section:
    """One of a checkpoint's parts, as pretty JSON (or why it cannot be read)."""

    title: str
    json: str | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class CheckpointDetail:
    """A checkpoint's input event, output event and saved state, read for showing."""

    row: CheckpointRow
    sections: tuple[Section, ...]
    output_event: Event | None
    """The output event, for the edit form (None when it cannot be read)."""


def load_checkpoint(ckptr: WorkflowCheckpointer, checkpoint_id: str) -> CheckpointDetail:
    """Decode one checkpoint (``CheckpointNotFound`` for an unknown id).

    A part that no longer loads (the flow changed) is shown with its error;
    the other parts still show.
    """
    checkpoint = ckptr.get_checkpoint(checkpoint_id)
    row = CheckpointRow.of(checkpoint)
    sections = []
    output: Event | None = None
    for title, read in (
        (f"Input event · {row.input_type}", lambda: checkpoint.input_event),
        (f"Output event · {row.output_type}", lambda: checkpoint.output_event),
        ("State (ctx_state)", lambda: checkpoint.ctx_state),
    ):
        try:
            value = read()
        except HitlError as exc:
            sections.append(Section(title, None, str(exc)))
            continue
        if isinstance(value, Event):
            if title.startswith("Output"):
                output = value
            value = value.model_dump(mode="json")
        sections.append(Section(title, pretty_json(value)))
    return CheckpointDetail(row=row, sections=tuple(sections), output_event=output)


def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
