"""Who changed what: a session's story (``hitl log``), two branches side by side
(``hitl diff``), and changing an earlier answer without the UI (``hitl change``).

Headless (no textual). Every person-made checkpoint carries its author and
time; a checkpoint stored before authors reads as author unknown (None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hitl import HUMAN, Checkpoint, InputRequiredEvent, RunInfo, WorkflowCheckpointer
from hitl.errors import HitlError
from hitl.lineage import standing_answers
from tui.sessions.answering import coerce
from tui.sessions.branching import changes_anything
from tui.sessions.run_view import drive

UNKNOWN_AUTHOR = "unknown"
"""How an author not recorded (a checkpoint older than authors) is shown."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    label: str
    old: Any
    """The value before (None for a first answer); JSON values."""
    new: Any


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One checkpoint a person made: an answer, or a change of an earlier one."""

    at: datetime
    author: str | None
    run_id: str
    branch: int
    """The run's number in its session, 1 for the root, in the order created."""
    question: str
    kind: str
    """"answer" (the question's first answer) or "change" (it had one before)."""
    fields: list[FieldChange]
    checkpoint_id: str


def _values(event: InputRequiredEvent) -> dict[str, Any]:
    dumped = event.model_dump(mode="json")
    return {name: dumped[name] for name in type(event).answer_rules}


def session_log(ckptr: WorkflowCheckpointer, run_id: str) -> list[LogEntry]:
    """Every answer and change in ``run_id``'s session, newest first.

    An answer is to a question checkpoint (the step's output that asked it);
    one to a question answered before, on any branch, is a change, shown as old
    -> new against the answer it replaced (the one it was edited from, else the
    latest before it).
    """
    info = ckptr.get_run(run_id)
    runs = ckptr.store.session_runs(info.session)
    number = {run.run_id: i for i, run in enumerate(runs, start=1)}
    questions = {q.__name__ for q in ckptr.workflow.spec.questions}
    made: list[Checkpoint] = []
    by_id: dict[str, Checkpoint] = {}
    for run in runs:
        for checkpoint in ckptr.checkpoints[run.run_id]:
            by_id[checkpoint.id] = checkpoint
            if (checkpoint.last_completed_step == HUMAN
                    and checkpoint.output_event_type in questions):  # fmt: skip
                made.append(checkpoint)
    made.sort(key=lambda c: (c.created_at, number[c.run_id], c.seq))

    def asked(checkpoint: Checkpoint) -> str:
        """The question checkpoint an answer answers (through edits of answers)."""
        seen = set()
        while checkpoint.last_completed_step == HUMAN and checkpoint.parent_id in by_id:
            if checkpoint.id in seen:
                break
            seen.add(checkpoint.id)
            checkpoint = by_id[checkpoint.parent_id]  # type: ignore[index]
        if checkpoint.last_completed_step != HUMAN:
            return checkpoint.id
        return checkpoint.parent_id or ""

    last: dict[str, dict[str, Any]] = {}  # question checkpoint -> its latest answer's values
    entries = []
    for checkpoint in made:
        event = checkpoint.output_event
        if not isinstance(event, InputRequiredEvent):
            continue
        values = _values(event)
        parent = by_id.get(checkpoint.parent_id or "")
        key = asked(checkpoint)
        if parent is not None and parent.last_completed_step == HUMAN:
            before = _values(parent.output_event)  # type: ignore[arg-type]
        else:
            before = last.get(key)
        rules = type(event).answer_rules
        if before is None:
            fields = [FieldChange(n, rules[n].label or n, None, v) for n, v in values.items()]
        else:
            fields = [
                FieldChange(n, rules[n].label or n, before.get(n), v)
                for n, v in values.items() if before.get(n) != v
            ]  # fmt: skip
        last[key] = values
        entries.append(LogEntry(
            at=checkpoint.created_at, author=checkpoint.author, run_id=checkpoint.run_id,
            branch=number[checkpoint.run_id], question=event.message,
            kind="answer" if before is None else "change", fields=fields,
            checkpoint_id=checkpoint.id,
        ))  # fmt: skip
    entries.reverse()
    return entries


@dataclass(frozen=True, slots=True)
class DiffRow:
    field: str
    label: str
    question: str
    a: Any
    b: Any
    a_author: str | None
    b_author: str | None
    in_a: bool = True
    in_b: bool = True
    """Whether each branch answered it (not: a question it did not reach)."""

    @property
    def changed(self) -> bool:
        return self.a != self.b

    @property
    def one_sided(self) -> bool:
        """Answered on one branch only."""
        return self.in_a != self.in_b


class NotOneSession(HitlError):
    """Two runs to compare that are not branches of one session."""


def branch_diff(ckptr: WorkflowCheckpointer, run_a: str, run_b: str) -> list[DiffRow]:
    """The answers of two branches of one session, field by field, in the order
    asked (a field only one branch reached shows None on the other side)."""
    a, b = ckptr.get_run(run_a), ckptr.get_run(run_b)
    if a.session != b.session:
        raise NotOneSession(
            f"runs {a.run_id[:8]} and {b.run_id[:8]} are of different sessions: "
            "hitl diff compares two branches of one session"
        )
    sides = [_standing(ckptr, a), _standing(ckptr, b)]
    order: list[str] = []
    for side in sides:
        order += [name for name in side if name not in order]
    rows = []
    for name in order:
        (av, aq, al, aa), (bv, bq, bl, ba) = (
            side.get(name, (None, "", "", None)) for side in sides
        )
        rows.append(DiffRow(name, al or bl or name, aq or bq, av, bv, aa, ba,
                            name in sides[0], name in sides[1]))
    return rows


def _standing(
    ckptr: WorkflowCheckpointer, run: RunInfo
) -> dict[str, tuple[Any, str, str, str | None]]:
    """field -> (value, question, label, author) of the run's standing answers."""
    out = {}
    for checkpoint in standing_answers(ckptr.lineage(run.run_id), ckptr.workflow):
        event = checkpoint.output_event
        if isinstance(event, InputRequiredEvent):
            rules = type(event).answer_rules
            for name, value in _values(event).items():
                out[name] = (value, event.message, rules[name].label or name, checkpoint.author)
    return out


class NoSuchAnswer(HitlError):
    """``hitl change`` names a field no answer on the run's way has."""


class NothingChanged(HitlError):
    """``hitl change`` gives the values the answer has already: no branch is made."""


def change_answer(
    ckptr: WorkflowCheckpointer, run_id: str, texts: dict[str, list[str]]
) -> RunInfo:
    """Change the latest earlier answer that has ``texts``' fields (all of one
    question; values as typed, ``--set`` style) and go on from it on a new
    branch made from ``run_id`` (which offers its later answers again), as the
    UI's back-and-change does; the old branch is kept. The new
    run; ``ValidationError`` naming the field, nothing stored, for a value the
    question refuses; ``NothingChanged``, nothing stored, for the values the
    answer has already."""
    values: dict[str, Any] = texts
    answers = standing_answers(ckptr.lineage(run_id), ckptr.workflow)
    for checkpoint in reversed(answers):
        event = checkpoint.output_event
        if not isinstance(event, InputRequiredEvent):
            continue
        rules = type(event).answer_rules
        if all(name in rules for name in values):
            changed = coerce(type(event), texts, text=True)
            if not changes_anything(event, changed):
                raise NothingChanged(
                    f"nothing changed: {', '.join(values)} of run {run_id[:8]} "
                    f"{'is' if len(values) == 1 else 'are'} already as given (no branch made)"
                )
            checkpoint.output_event = event.model_copy(update=changed)
            handler = ckptr.run_from(checkpoint, made_from=run_id)
            drive(handler)
            return ckptr.get_run(handler.run_id)
    known = sorted({n for c in answers if isinstance(c.output_event, InputRequiredEvent)
                    for n in type(c.output_event).answer_rules})  # fmt: skip
    shown = ", ".join(known) or "none yet"
    raise NoSuchAnswer(
        f"no earlier answer of run {run_id[:8]} has {'all of ' if len(values) > 1 else ''}"
        f"{', '.join(values)} (answered so far: {shown})"
    )


def who(author: str | None) -> str:
    return UNKNOWN_AUTHOR if author is None else author
