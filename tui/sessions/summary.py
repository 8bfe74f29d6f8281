"""Sessions as a person sees them: one line each, for the CLI's list and the home screen.

A session is the tree of runs that share a root. What a person continues is the
run changed last in it; its status, progress and pending question stand for the
session. Headless: no textual here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from hitl import (
    HUMAN,
    Checkpoint,
    CheckpointLoadError,
    CheckpointStore,
    InputRequiredEvent,
    RunInfo,
    Workflow,
    WorkflowCheckpointer,
)

INTERRUPTED = "interrupted"
UNKNOWN_FLOW = "unknown flow"

# Waiting and interrupted sessions come first: they are what a person came back for.
_STATUS_ORDER = {"waiting": 0, INTERRUPTED: 0, "running": 1, "failed": 2, "completed": 3}


@dataclass(frozen=True, slots=True)
class SessionSummary:
    session: str
    flow: str
    title: str
    status: str
    """waiting, interrupted (a crash cut a step off), running, completed, failed,
    or 'unknown flow' when the flow is no longer installed."""
    run_id: str
    """The run to continue: the one changed last in the session."""
    answered: int
    total: int
    branches: int
    updated_at: datetime
    question: str | None
    error: str | None

    @property
    def progress(self) -> str:
        if self.status == "completed":
            return f"{self.answered} answers"
        return f"question {min(self.answered + 1, self.total)} of {self.total}"


def status_of(run: RunInfo) -> str:
    return INTERRUPTED if run.interrupted else run.status


def answer_checkpoints(
    lineage: list[Checkpoint], workflow: Workflow | None = None
) -> list[Checkpoint]:
    """The answer checkpoints of a lineage that still stand, in the order asked.

    An answer changed on a branch (a ``human`` checkpoint whose parent is the
    answer it replaces) stands in the place of the one it changed. A ``human``
    checkpoint that edits a step's output that is not a question is no answer.
    Given the ``workflow``, that is told from the event's type name and nothing
    is decoded; without it, each ``human`` checkpoint's output event is read.
    """
    questions = None if workflow is None else {q.__name__ for q in workflow.spec.questions}
    standing: list[Checkpoint] = []
    place: dict[str, int] = {}  # answer checkpoint id -> its index in standing
    for checkpoint in lineage:
        if checkpoint.last_completed_step != HUMAN:
            continue
        if questions is None:
            if not isinstance(checkpoint.output_event, InputRequiredEvent):
                continue
        elif checkpoint.output_event_type not in questions:
            continue
        index = place.pop(checkpoint.parent_id or "", None)
        if index is None:
            index = len(standing)
            standing.append(checkpoint)
        else:
            standing[index] = checkpoint
        place[checkpoint.id] = index
    return standing


def progress(ckptr: WorkflowCheckpointer, run_id: str) -> tuple[int, int]:
    """(questions answered, questions in all) on the way to the run's tip."""
    return _progress(ckptr, ckptr.lineage(run_id))[1:]


def _progress(
    ckptr: WorkflowCheckpointer, lineage: list[Checkpoint]
) -> tuple[list[Checkpoint], int, int]:
    workflow = ckptr.workflow
    answers = answer_checkpoints(lineage, workflow)
    total = len(workflow.spec.questions)
    if lineage:
        state = workflow.state_type.model_validate(lineage[-1].ctx_state.get("state", {}))
        total = workflow.question_total(state)
    return answers, len(answers), max(total, len(answers))


def _title(ckptr: WorkflowCheckpointer, run_id: str) -> tuple[str, int, int]:
    """The first answer (the session's title), answers given, questions in all."""
    answers, answered, total = _progress(ckptr, ckptr.lineage(run_id))
    title = ""
    for checkpoint in answers[:1]:
        event = checkpoint.output_event
        if isinstance(event, InputRequiredEvent):
            title = " ".join(str(v) for v in event.answers().values() if v not in ("", None))
    return " ".join(title.split()), answered, total


def summarize(store: CheckpointStore, workflows: Mapping[str, Workflow]) -> list[SessionSummary]:
    """Every session in ``store``: waiting and interrupted first, then the latest first."""
    families: dict[str, list[RunInfo]] = {}
    for record in store.list_runs():
        families.setdefault(record.session, []).append(RunInfo.from_record(record))
    checkpointers: dict[str, WorkflowCheckpointer | None] = {}

    def checkpointer(flow: str) -> WorkflowCheckpointer | None:
        # Only the flows the store holds runs of are built, each once.
        if flow not in checkpointers:
            workflow = workflows.get(flow)
            checkpointers[flow] = (
                None if workflow is None else WorkflowCheckpointer(workflow=workflow, store=store)
            )
        return checkpointers[flow]

    summaries = []
    for session, runs in families.items():
        latest = max(runs, key=lambda r: (r.updated_at, r.created_at))
        ckptr = checkpointer(latest.flow)
        status, title, answered, total, question = status_of(latest), "", 0, 0, None
        error = latest.error
        if ckptr is None:
            status = UNKNOWN_FLOW
        else:
            try:
                title, answered, total = _title(ckptr, latest.run_id)
                pending = ckptr.pending_question(latest.run_id)
                question = pending[1].message if pending else None
            except CheckpointLoadError as exc:
                error = str(exc)
        summaries.append(SessionSummary(
            session=session, flow=latest.flow, title=title, status=status,
            run_id=latest.run_id, answered=answered, total=total, branches=len(runs),
            updated_at=latest.updated_at, question=question, error=error,
        ))
    summaries.sort(key=lambda s: s.updated_at, reverse=True)
    summaries.sort(key=lambda s: _STATUS_ORDER.get(s.status, 2))
    return summaries
