"""What a run's lineage says to a person: the answers that still stand, and the
session's title (its first answer).

A lineage is the checkpoints that led to a run's tip, through the runs it
branched from (``WorkflowCheckpointer.lineage``).
"""

from __future__ import annotations

from collections.abc import Iterable

from hitl.checkpoint import Checkpoint
from hitl.events import Event, InputRequiredEvent
from hitl.workflow import HUMAN, Workflow


def standing_answers(
    lineage: Iterable[Checkpoint], workflow: Workflow | None = None
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


def answer_text(event: Event) -> str:
    """An answered question's answers as one line of text ("" for none)."""
    if not isinstance(event, InputRequiredEvent):
        return ""
    text = " ".join(_value_text(v) for v in event.answers().values() if v not in ("", None, []))
    return " ".join(text.split())


def _value_text(value: object) -> str:
    """One answer as a person wrote it: choices and items comma-separated, yes or no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_value_text(v) for v in value)
    return str(value)


def title_of(answers: Iterable[Checkpoint]) -> str:
    """A session's title: the text of its first answer that says something."""
    for checkpoint in answers:
        text = answer_text(checkpoint.output_event)
        if text:
            return text
    return ""
