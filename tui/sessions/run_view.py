"""A run as the question screen shows it: its answers so far, its pending question,
its progress. Headless (no textual), so the screen's workers call it off the UI
thread and tests can call it directly.

Also the blocking moves the screen makes: answer, branch with a changed answer,
resume. Each drives the run until it waits, completes or fails, and returns the
run's new view. They block (store I/O, the flow's steps) and belong in a thread
worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hitl import HUMAN, WAITING, InputRequiredEvent, WorkflowCheckpointer
from hitl.lineage import answer_text, standing_answers
from tui.sessions import branching
from tui.sessions.branching import Fork, branch, fork_of
from tui.sessions.driving import drive
from tui.sessions.summary import INTERRUPTED, status_of


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer that stands in the run's lineage."""

    number: int
    """1 for the first question asked."""
    checkpoint_id: str
    """The ``human`` checkpoint holding it (what ``run_from`` branches from)."""
    event: InputRequiredEvent
    """The question as answered: its prompt and the answer's values."""
    author: str | None = None
    """Who gave it (None: not recorded)."""
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RunView:
    run_id: str
    flow: str
    status: str
    """waiting, completed, failed, running or interrupted."""
    answers: tuple[Answer, ...]
    question: InputRequiredEvent | None
    """The pending question, when the run is waiting."""
    question_checkpoint: str | None
    """The checkpoint that asked it: ``answer(at=...)`` names it."""
    total: int
    """How many questions the run asks, as far as its answers tell."""
    error: str | None
    session: str = ""
    """The session the run belongs to (its root run's id)."""
    fork: Fork | None = None
    """Which branch of its session it is, and what it offers again from the
    earlier branch (None for a session of one run)."""

    @property
    def position(self) -> int:
        """The pending question's number (one past the answers)."""
        return len(self.answers) + 1

    @property
    def waiting(self) -> bool:
        return self.question is not None


def load_run(ckptr: WorkflowCheckpointer, run_id: str) -> RunView:
    """Read a run's answers, pending question and progress from the store."""
    info = ckptr.get_run(run_id)
    lineage = ckptr.lineage(run_id)
    answers = tuple(
        Answer(i, c.id, c.output_event, c.author, c.created_at)  # type: ignore[arg-type]
        for i, c in enumerate(standing_answers(lineage, ckptr.workflow), start=1)
    )
    question = checkpoint_id = None
    if info.status == WAITING:
        pending = ckptr.pending_question(run_id)
        if pending is not None:
            checkpoint_id, question = pending[0].id, pending[1]
    workflow = ckptr.workflow
    total = len(workflow.spec.questions)
    if lineage:
        state = workflow.state_type.model_validate(lineage[-1].ctx_state.get("state", {}))
        total = workflow.question_total(state)
    asked = len(answers) + (1 if question is not None else 0)
    return RunView(
        run_id=run_id, flow=info.flow, status=status_of(info), answers=answers,
        question=question, question_checkpoint=checkpoint_id, total=max(total, asked, 1),
        error=info.error, session=info.session, fork=fork_of(ckptr, info),
    )


def answer(
    ckptr: WorkflowCheckpointer, run_id: str, at: str, values: dict[str, Any],
    *, keep: bool = False,
) -> RunView:
    """Answer the question asked at checkpoint ``at`` and go on.

    ``keep`` first stores a branch not stored yet (:func:`branching.preview`,
    "branch from here"), once the answer passed the question's rules: a branch
    is made when the person first answers in it.
    ``ConflictError`` or ``RunNotWaiting`` when the run moved on elsewhere;
    ``pydantic.ValidationError`` (nothing stored) for an answer that breaks the rules.
    """
    if keep:
        pending = ckptr.pending_question(run_id)
        if pending is not None:
            pending[1].answered(values)  # its rules first: a refused answer keeps nothing
        branching.keep(ckptr, run_id)
    handler = ckptr.answer(run_id, at=at, **values)
    drive(handler)
    return load_run(ckptr, run_id)


def change_answer(
    ckptr: WorkflowCheckpointer, checkpoint_id: str, edited: InputRequiredEvent, *, on: str
) -> RunView:
    """Branch: a new run from an earlier answer of run ``on`` (the one shown), with
    ``edited`` in its place.

    The old run is kept as it was; the new one goes on from the changed answer,
    offering ``on``'s later answers again, even when the answer changed is from
    before ``on``'s own fork (:mod:`tui.sessions.branching`, as the review and
    history screens' edits do).
    """
    return load_run(ckptr, branch(ckptr, checkpoint_id, edited.answers(), on=on).run_id)


def start(ckptr: WorkflowCheckpointer) -> RunView:
    """A new session of the checkpointer's flow, driven to its first question."""
    handler = ckptr.run()
    drive(handler)
    return load_run(ckptr, handler.run_id)


def discard_unanswered(ckptr: WorkflowCheckpointer, run_id: str) -> bool:
    """Delete the session of ``run_id`` if nothing was ever answered in it (a session
    opened and left at once): its one run waits, holds no answer and has no branch.
    Whether it was deleted. The store deletes it only if the run is still as read
    here: an answer or a branch stored meanwhile, by this process or another, even
    just before the delete, keeps the session."""
    store = ckptr.store
    run = store.get_run(run_id)
    if run is None or run.branched_from is not None or run.status != WAITING:
        return False
    if any(record.step == HUMAN for record in store.run_checkpoints(run_id)):
        return False
    return store.delete_unchanged_session(run_id, tip_seq=run.tip_seq, status=run.status)


def resume(ckptr: WorkflowCheckpointer, run_id: str) -> RunView:
    """Go on from the run's latest checkpoint (re-runs a step a crash cut off)."""
    drive(ckptr.resume(run_id))
    return load_run(ckptr, run_id)


def needs_resume(view: RunView) -> bool:
    """An interrupted run is resumed as soon as it is opened."""
    return view.status == INTERRUPTED


@dataclass(frozen=True, slots=True)
class AnsweredElsewhere:
    """Who answered a question another screen showed, when, and what."""

    author: str | None
    at: datetime
    text: str


def answered_elsewhere(
    ckptr: WorkflowCheckpointer, run_id: str, question_checkpoint: str
) -> AnsweredElsewhere | None:
    """The answer stored to the question asked at ``question_checkpoint``, if any."""
    for checkpoint in ckptr.checkpoints.get(run_id, []):
        if checkpoint.parent_id == question_checkpoint and checkpoint.last_completed_step == HUMAN:
            return AnsweredElsewhere(
                checkpoint.author, checkpoint.created_at, answer_text(checkpoint.output_event)
            )
    return None


TEXT_KINDS = ("text", "long_text")


def carry_to(values: dict[str, Any], question: InputRequiredEvent) -> dict[str, Any]:
    """What was typed for another question, put in ``question``'s fields: a field
    of the same name takes its value; the other typed texts go, in order, to
    the text fields left."""
    rules = type(question).answer_rules
    carried = {name: value for name, value in values.items() if name in rules}
    texts = [v for name, v in values.items() if name not in rules and isinstance(v, str) and v]
    for name, rule in rules.items():
        if not texts:
            break
        if name not in carried and rule.kind in TEXT_KINDS:
            carried[name] = texts.pop(0)
    return carried
