"""Branching, as every face does it: from a checkpoint (history, review, the
question screen's back-and-change), what a branch changed, which branch a run
is ("branch 2 of 3 · objective changed"), and the earlier branch's answers
offered again to the questions the branch asks after it forked.

Headless (no textual) and blocking (store I/O, the flow's steps): the screens
call it from thread workers. The old run is always kept as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hitl import WAITING, Event, InputRequiredEvent, RunInfo, RunNotFound, WorkflowCheckpointer
from hitl.lineage import standing_answers
from tui.sessions import branches
from tui.sessions.branches import NOTHING_CHANGED
from tui.sessions.driving import drive

Key = tuple[str, str]
"""A question as branches share it: its event type and its prompt."""


def question_key(event: InputRequiredEvent) -> Key:
    return type(event).__name__, event.message


def branch(
    ckptr: WorkflowCheckpointer,
    checkpoint_id: str,
    changes: Mapping[str, Any] | None = None,
    *,
    on: str | None = None,
) -> RunInfo:
    """A new run from ``checkpoint_id``, driven until it waits, completes or fails.

    ``changes`` (field -> value) edit the checkpoint's output event first; the
    engine checks them like an answer and raises ``pydantic.ValidationError``
    naming the field, storing nothing. Without ``changes`` the new run goes on
    from the checkpoint as it was. A step that fails leaves the new run
    ``failed`` with its error: read it from the ``RunInfo``.

    ``on`` is the run the person was on (the question screen's, the
    review's, the history line's): the branch is recorded as made from it
    (:func:`made_from`), and offers its later answers again. None: the
    checkpoint's own run.
    """
    checkpoint = ckptr.get_checkpoint(checkpoint_id)
    if changes:
        checkpoint.output_event = checkpoint.output_event.model_copy(update=dict(changes))
    handler = ckptr.run_from(checkpoint, made_from=made_from(ckptr, on))
    drive(handler)
    return ckptr.get_run(handler.run_id)


def changes_anything(event: Event, changes: Mapping[str, Any]) -> bool:
    """Whether ``changes`` (field -> value, as :func:`branch` takes them) make
    ``event`` other than it is: saved as it was, an edit is no branch."""
    return event.model_copy(update=dict(changes)).model_dump() != event.model_dump()


def preview(
    ckptr: WorkflowCheckpointer, checkpoint_id: str, *, on: str | None = None
) -> RunInfo:
    """"Branch from here": go on from ``checkpoint_id`` unchanged on a new branch
    that is not stored (``store_checkpoints=False``) while it waits on its first
    question, so that looking around leaves nothing behind; :func:`keep` stores
    it when the person answers. A branch that completes or fails at once (there
    is nothing to answer) is kept at once, as :func:`branch` keeps it.
    ``on``: as :func:`branch`'s."""
    handler = ckptr.run_from(
        ckptr.get_checkpoint(checkpoint_id), store_checkpoints=False,
        made_from=made_from(ckptr, on),
    )
    drive(handler)
    info = ckptr.get_run(handler.run_id)
    return info if info.status == WAITING else ckptr.keep(info.run_id)


def made_from(ckptr: WorkflowCheckpointer, run_id: str | None) -> str | None:
    """What a branch made on ``run_id`` records as made from: ``run_id`` itself
    when it is stored; for a branch not stored yet (a :func:`preview`), the
    stored run it would branch from, whose answers it shows."""
    if run_id is None or ckptr.store.get_run(run_id) is not None:
        return run_id
    return earlier_run(ckptr, ckptr.get_run(run_id))


def earlier_run(ckptr: WorkflowCheckpointer, info: RunInfo) -> str | None:
    """The run a branch was made on, whose answers it offers again: the one it
    records (``made_from``) while that is still stored, else the run of the
    checkpoint it branched from (as for branches made before runs recorded
    it); None for a root."""
    if info.branched_from is None:
        return None
    return _made_from_stored(ckptr, info) or ckptr.get_checkpoint(info.branched_from).run_id


def _made_from_stored(ckptr: WorkflowCheckpointer, info: RunInfo) -> str | None:
    if info.made_from is None:
        return None
    try:
        ckptr.get_run(info.made_from)
    except RunNotFound:  # deleted since, and its answers with it
        return None
    return info.made_from


def keep(ckptr: WorkflowCheckpointer, run_id: str) -> None:
    """Store a :func:`preview` branch as it is (its steps are not run again); a
    stored run is left as it is."""
    if ckptr.store.get_run(run_id) is None:
        ckptr.keep(run_id)


# -- which branch, what it changed, what it offers again ---------------------------------


@dataclass(frozen=True, slots=True)
class Fork:
    """Where a run stands among its session's branches."""

    number: int
    """The run's number in its session, 1 for the root, in the order created
    (as ``hitl log`` counts); 0 for a branch not stored yet."""
    total: int
    """How many runs the session stores."""
    changed: tuple[str, ...] = ()
    """The answer fields this branch answered differently from the earlier one."""
    earlier: str | None = None
    """The run it was made on (:func:`earlier_run`), whose answers it offers again."""
    carried: Mapping[Key, dict[str, Any]] = field(default_factory=dict)
    """The earlier branch's answers to the questions this one has not answered
    since it forked, and what the earlier branch offers in turn to those it has
    not answered: filled in when it asks them, for the person to check."""
    earlier_question: tuple[str, Key] | None = None
    """The checkpoint of the question the earlier branch waits on, and that
    question (what was typed there and not sent is offered too)."""

    @property
    def saved(self) -> bool:
        return self.number > 0

    @property
    def label(self) -> str:
        return branch_label(self.number, self.total, self.changed)

    def offered(self, question: InputRequiredEvent) -> dict[str, Any] | None:
        return self.carried.get(question_key(question))


def branch_label(number: int, total: int, changed: Sequence[str] = ()) -> str:
    """Which branch a run is, in the words of ``branches.branch_label`` ("branch 2
    of 3 · objective changed"), from the fields it ``changed``; number 0 is a
    branch not stored until its first answer. A session of one run is no branch: ""."""
    if number <= 0:
        return "new branch · kept when you answer"
    if total <= 1:
        return ""
    if number == 1 or not changed:
        return branches.branch_label(number, total, "" if number == 1 else NOTHING_CHANGED)
    shown = ", ".join(changed[:2]) + (f" and {len(changed) - 2} more" if len(changed) > 2 else "")
    return branches.branch_label(number, total, f"{shown} changed")


def fork_of(ckptr: WorkflowCheckpointer, info: RunInfo) -> Fork | None:
    """Where ``info``'s run stands among its session's branches (None for a
    session of one run), what it changed and what it offers again: the later
    answers of the run it was made on (:func:`earlier_run`; a change on branch B
    of an answer from before B's fork offers B's, not those of the run the
    answer belongs to). Blocking: a few store reads, none for a lone run."""
    runs = ckptr.store.session_runs(info.session)
    numbers = {r.run_id: i for i, r in enumerate(runs, start=1)}
    number = numbers.get(info.run_id, 0)
    if info.branched_from is None:
        return Fork(number, len(runs)) if len(runs) > 1 else None
    origin = ckptr.get_checkpoint(info.branched_from)
    earlier = _made_from_stored(ckptr, info) or origin.run_id
    theirs_lineage = ckptr.lineage(earlier)
    ids = [c.id for c in theirs_lineage]
    at = ids.index(origin.id) if origin.id in ids else len(ids)
    place = {c: i for i, c in enumerate(ids)}
    theirs: dict[Key, dict[str, Any]] = {}
    for answer in standing_answers(theirs_lineage, ckptr.workflow):
        if place[answer.id] >= at and isinstance(answer.output_event, InputRequiredEvent):
            theirs[question_key(answer.output_event)] = answer.output_event.answers()
    shared = set(ids[: at + 1])
    changed: list[str] = []
    answered: set[Key] = set()
    for answer in standing_answers(ckptr.lineage(info.run_id), ckptr.workflow):
        event = answer.output_event
        if answer.id in shared or not isinstance(event, InputRequiredEvent):
            continue
        key = question_key(event)
        answered.add(key)
        before = theirs.get(key)
        if before is not None:
            changed += [n for n, v in event.answers().items()
                        if before.get(n) != v and n not in changed]  # fmt: skip
    carried = {k: v for k, v in (_offered_by(ckptr, earlier) | theirs).items()
               if k not in answered}  # fmt: skip
    pending = ckptr.pending_question(earlier)
    return Fork(
        number, len(runs), tuple(changed), earlier, carried,
        (pending[0].id, question_key(pending[1])) if pending is not None else None,
    )


def _offered_by(ckptr: WorkflowCheckpointer, run_id: str) -> Mapping[Key, dict[str, Any]]:
    """What the branch ``run_id`` offers to the questions it has not answered yet
    (from the run it was made on, in turn): a branch made on it offers them
    too, as the person saw them there. Nothing from a run that is not waiting:
    it answered what it asked, and ``fork_of`` reads those answers."""
    info = ckptr.get_run(run_id)
    if info.status != WAITING or info.branched_from is None:
        return {}
    fork = fork_of(ckptr, info)
    return {} if fork is None else fork.carried
