"""Sessions as a person sees them: one line each, for the CLI's list and the home screen.

A session is the tree of runs that share a root. What a person continues is the
run changed last in it; its status, progress and pending question stand for the
session. Headless: no textual here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from hitl import (
    Checkpoint,
    CheckpointLoadError,
    CheckpointStore,
    HitlError,
    RunInfo,
    Workflow,
    WorkflowCheckpointer,
)
from hitl.checkpoint import interrupted, timestamp
from hitl.lineage import standing_answers, title_of
from hitl.store.base import FAILED, INTERRUPTED, WAITING, SessionRecord

UNKNOWN_FLOW = "unknown flow"
PAGE = 50
"""Sessions a page holds unless asked otherwise: what `hitl list` and home show first."""


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
        """"question 2 of 4", "4 answers"; empty when the flow's questions are not
        known (its flow is not installed, or its checkpoints cannot be read)."""
        if self.total == 0 and self.status != "completed":
            return ""
        if self.status == "completed":
            return "1 answer" if self.answered == 1 else f"{self.answered} answers"
        return f"question {min(self.answered + 1, self.total)} of {self.total}"


def status_of(run: RunInfo) -> str:
    return INTERRUPTED if run.interrupted else run.status


def progress(ckptr: WorkflowCheckpointer, run_id: str) -> tuple[int, int]:
    """(questions answered, questions in all) on the way to the run's tip."""
    return _progress(ckptr, ckptr.lineage(run_id))[1:]


def _progress(
    ckptr: WorkflowCheckpointer, lineage: list[Checkpoint]
) -> tuple[list[Checkpoint], int, int]:
    workflow = ckptr.workflow
    answers = standing_answers(lineage, workflow)
    total = len(workflow.spec.questions)
    if lineage:
        state = workflow.state_type.model_validate(lineage[-1].ctx_state.get("state", {}))
        total = workflow.question_total(state)
    return answers, len(answers), max(total, len(answers))


@dataclass(frozen=True, slots=True)
class SummaryPage:
    """One page of sessions, latest first: ``cursor`` is where the next begins
    (None: this is the last); ``damaged`` names stored session rows that could
    not be read, one line each (the rows around them are listed as usual)."""

    summaries: list[SessionSummary]
    cursor: int | None
    damaged: list[str]


class Summaries:
    """Sessions of one store as a person sees them, a page at a time: each page
    is one store query, and only its sessions are read further (progress and
    pending question). A flow's checkpointer is built once, when a session of it
    is first shown. ``clock`` is what leases are read against (real time)."""

    def __init__(
        self,
        store: CheckpointStore,
        workflows: Mapping[str, Workflow],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self._workflows = workflows
        self._clock = clock
        self._checkpointers: dict[str, WorkflowCheckpointer | None] = {}

    def checkpointer(self, flow: str) -> WorkflowCheckpointer | None:
        if flow not in self._checkpointers:
            workflow = self._workflows.get(flow)
            self._checkpointers[flow] = (
                None
                if workflow is None
                else WorkflowCheckpointer(workflow=workflow, store=self.store)
            )
        return self._checkpointers[flow]

    def page(
        self,
        *,
        status: str | None = None,
        flow: str | None = None,
        text: str | None = None,
        limit: int = PAGE,
        cursor: int | None = None,
    ) -> SummaryPage:
        page = self.store.sessions(
            now=self._clock(), status=status, flow=flow, text=text or None, limit=limit,
            cursor=cursor,
        )  # fmt: skip
        titles: dict[str, str] = {}
        summaries = [self.summary(record, titles) for record in page.sessions]
        if titles:
            try:
                self.store.set_titles(titles)  # rows older than titles: filled in once
            except HitlError:
                pass  # a store opened read-only: worked out again next time
        return SummaryPage(summaries, page.cursor, page.damaged)

    def pages(self, **filters: object) -> Iterator[SummaryPage]:
        """Every page, one after another (``page``'s filters)."""
        cursor = None
        while True:
            page = self.page(cursor=cursor, **filters)  # type: ignore[arg-type]
            yield page
            if page.cursor is None:
                return
            cursor = page.cursor

    def counts(self, *, flow: str | None = None, text: str | None = None) -> dict[str, int]:
        """Sessions in each status, counted by the store."""
        return self.store.count_sessions(now=self._clock(), flow=flow, text=text or None)

    def summary(
        self, record: SessionRecord, titles: dict[str, str] | None = None
    ) -> SessionSummary:
        """One session's line; a title the store does not know yet is worked out
        and put in ``titles`` (run id -> title)."""
        ckptr = self.checkpointer(record.flow)
        status = INTERRUPTED if interrupted(record, self._clock()) else record.status
        title, answered, total, question, error = record.title or "", 0, 0, None, record.error
        if ckptr is None:
            status = UNKNOWN_FLOW
        else:
            try:
                answers, answered, total = _progress(ckptr, ckptr.lineage(record.run_id))
                if record.title is None:
                    title = title_of(answers)
                    if titles is not None:
                        titles[record.run_id] = title
                pending = ckptr.pending_question(record.run_id)
                question = pending[1].message if pending else None
            except CheckpointLoadError as exc:
                error = str(exc)
        return SessionSummary(
            session=record.session, flow=record.flow, title=title, status=status,
            run_id=record.run_id, answered=answered, total=total, branches=record.branches,
            updated_at=timestamp(record.updated_at), question=question, error=error,
        )  # fmt: skip


GOES_ON = (WAITING, INTERRUPTED, FAILED)
"""Sessions a person can go on with: waiting on a question, interrupted (a crash
cut a step off, run again on resume) or failed (going on runs the failed step again)."""


def to_go_on(summaries: Summaries, limit: int) -> list[SessionSummary]:
    """The latest ``limit`` sessions a person can go on with (:data:`GOES_ON`), the
    one changed last first: what ``hitl resume`` without a run opens and what
    ``hitl --plain`` alone offers. A session whose flow is not installed here
    cannot go on, and is left out."""
    found: list[SessionSummary] = []
    for status in GOES_ON:
        kept: list[SessionSummary] = []
        for page in summaries.pages(status=status, limit=limit):
            kept += [s for s in page.summaries if s.status != UNKNOWN_FLOW]
            if len(kept) >= limit:
                break
        found += kept[:limit]
    found.sort(key=lambda s: s.updated_at, reverse=True)
    return found[:limit]
