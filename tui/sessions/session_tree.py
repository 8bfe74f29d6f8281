"""A session as the history screen shows it: its runs (numbered branches, each
with what it changed), their checkpoints, and where each branch forked.
Headless (no textual): read in a thread worker.

A checkpoint's row holds what the store keeps beside its events (step, event
type names, author, time). Only what a person reads first is decoded: each
answer (the answered question) and a waiting run's question; the rest of a
checkpoint is read when it is picked (:func:`load_checkpoint`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from hitl import (
    HUMAN,
    WAITING,
    Checkpoint,
    Event,
    HitlError,
    InputRequiredEvent,
    RunInfo,
    WorkflowCheckpointer,
)
from tui.sessions.branches import answer_to, branch_label, change_of
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
    author: str | None = None
    """Who made it (an answer, an edit); None for a step's, or not recorded."""
    question: InputRequiredEvent | None = None
    """For an answer, the question as answered; for a waiting run's tip, the
    question it waits on (None otherwise, or when it cannot be read)."""
    number: int = 0
    """The number of the question it asks or answers on its way (1 the first); 0 none."""
    changed: bool = False
    """An answer that replaced an earlier one (an edit, or a branch's first answer)."""

    @property
    def step_label(self) -> str:
        """The step as a person reads it, keeping the stored name visible."""
        return "answer (human)" if self.step == HUMAN else self.step

    @property
    def is_answer(self) -> bool:
        return self.step == HUMAN and self.question is not None

    @property
    def is_result(self) -> bool:
        return self.output_type == "StopEvent" and self.step != HUMAN

    @property
    def is_edit(self) -> bool:
        """A person's edit of a step's output that is not a question (a result)."""
        return self.step == HUMAN and self.question is None

    @property
    def plain(self) -> bool:
        """Whether the answers view shows it: an answer, a pending question, an
        edit, the result. The steps' own checkpoints are the technical view's."""
        return self.step == HUMAN or self.question is not None or self.is_result

    @classmethod
    def of(cls, checkpoint: Checkpoint, *, question: InputRequiredEvent | None = None,
           number: int = 0, changed: bool = False) -> CheckpointRow:
        return cls(
            id=checkpoint.id, run_id=checkpoint.run_id, seq=checkpoint.seq,
            step=checkpoint.last_completed_step, input_type=checkpoint.input_event_type,
            output_type=checkpoint.output_event_type, created_at=checkpoint.created_at,
            author=checkpoint.author, question=question, number=number, changed=changed,
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
    number: int = 1
    """The branch's number in its session, 1 for the first run, in the order made."""
    change: str = ""
    """What the branch changed where it forked ("objective changed"); "" for the first run."""

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

    def label(self, run_id: str) -> str:
        """ "branch 2 of 3 · objective changed", the wording every face uses."""
        run = self.runs[run_id]
        return branch_label(run.number, len(self.runs), run.change)

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
    family = [RunInfo.from_record(r) for r in ckptr.store.session_runs(info.session)]
    if all(r.run_id != info.run_id for r in family):
        family.append(info)
    width = short_width([r.run_id for r in family])
    stored = {r.run_id: ckptr.checkpoints.get(r.run_id, []) for r in family}
    by_id = {c.id: c for run in stored.values() for c in run}
    questions = {q.__name__ for q in ckptr.workflow.spec.questions}
    numbers: dict[str, int] = {}  # checkpoint id -> the question number on its way
    checkpoints: dict[str, tuple[CheckpointRow, ...]] = {}
    for r in family:  # in the order made: a branch's origin is numbered before it
        number = numbers.get(r.branched_from or "", 0)
        rows = []
        for i, c in enumerate(stored[r.run_id]):
            human = c.last_completed_step == HUMAN
            asks = c.output_event_type in questions
            if asks and not human:
                number += 1
            numbers[c.id] = number
            tip = i == len(stored[r.run_id]) - 1
            question = _question(c) if asks and (human or (tip and r.status == WAITING)) else None
            parent = by_id.get(c.parent_id or "")
            changed = human and parent is not None and (
                parent.last_completed_step == HUMAN or (parent.run_id != c.run_id and answer_to(
                    parent, stored.get(parent.run_id, [])) is not None))
            rows.append(CheckpointRow.of(c, question=question, number=number if asks else 0,
                                         changed=changed))
        checkpoints[r.run_id] = tuple(rows)
    rows_by_id = {row.id: row for rows in checkpoints.values() for row in rows}
    runs: dict[str, RunRow] = {}
    forks: dict[str, list[str]] = {}
    roots: list[str] = []
    for number, r in enumerate(family, start=1):
        origin = rows_by_id.get(r.branched_from) if r.branched_from else None
        runs[r.run_id] = RunRow(
            info=r, status=status_of(r), short_id=r.run_id[:width],
            checkpoints=checkpoints[r.run_id], origin=origin, number=number,
            change=_change(stored, by_id, r),
        )
        if origin is None:
            roots.append(r.run_id)
        else:
            forks.setdefault(origin.id, []).append(r.run_id)
    return SessionTree(
        current=info.run_id, runs=runs, roots=tuple(roots),
        forks={k: tuple(v) for k, v in forks.items()},
    )


def _question(checkpoint: Checkpoint) -> InputRequiredEvent | None:
    """The question a checkpoint asks or answers, if it can be read (else the
    technical view shows why)."""
    try:
        event = checkpoint.output_event
    except HitlError:
        return None
    return event if isinstance(event, InputRequiredEvent) else None


def _change(stored: dict[str, list[Checkpoint]], by_id: dict[str, Checkpoint], run: RunInfo) -> str:
    origin = by_id.get(run.branched_from or "")
    if origin is None:
        return ""
    own = stored[run.run_id]
    answered = None
    if origin.last_completed_step != HUMAN:
        answered = answer_to(origin, stored.get(origin.run_id, []))
    return change_of(own[0] if own else None, origin, answered)


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
    input_event: Event | None = None
    """The input event (for a changed answer, the answer before; None when it cannot
    be read)."""


def load_checkpoint(ckptr: WorkflowCheckpointer, checkpoint_id: str) -> CheckpointDetail:
    """Decode one checkpoint (``CheckpointNotFound`` for an unknown id).

    A part that no longer loads (the flow changed) is shown with its error;
    the other parts still show.
    """
    checkpoint = ckptr.get_checkpoint(checkpoint_id)
    row = CheckpointRow.of(checkpoint)
    sections = []
    output: Event | None = None
    given: Event | None = None
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
            else:
                given = value
            value = value.model_dump(mode="json")
        sections.append(Section(title, pretty_json(value)))
    return CheckpointDetail(row=row, sections=tuple(sections), output_event=output,
                            input_event=given)


def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
