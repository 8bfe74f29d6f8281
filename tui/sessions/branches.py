"""Which branch a run is and what it changed where it forked, in the words every
face uses: "branch 2 of 3 · objective changed".

Headless (no textual). A session's runs are numbered in the order they were
made, 1 for its first run, as ``hitl log`` numbers them. What a branch changed
is told from its first checkpoint: an answer made where it forked (a changed
answer, or an edited output) against what stood there before.
"""

from __future__ import annotations

from collections.abc import Sequence

from hitl import HUMAN, Checkpoint, HitlError, InputRequiredEvent, StopEvent, WorkflowCheckpointer

NOTHING_CHANGED = "no answer changed yet"


def branch_label(number: int, count: int, change: str = "") -> str:
    """ "branch 2 of 3 · objective changed"; "branch 1 of 3 · the first" for a
    session's first run (no change to tell); "the only branch" for a session of
    one run, which has no other to count or compare it with."""
    if count <= 1:
        return "the only branch"
    label = f"branch {number} of {count}"
    return f"{label} · {change or 'the first'}"


def field_words(label: str) -> str:
    """A field's label inside a sentence: "Objective" -> "objective" (an acronym,
    "API key", stays as written)."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label


def change_of(
    first: Checkpoint | None, origin: Checkpoint | None, answered: Checkpoint | None = None
) -> str:
    """What a branch changed, from its ``first`` checkpoint, the ``origin`` it
    forked from and, when the origin asked a question, the ``answered`` checkpoint
    that answered it on the origin's run (None if it never was).

    "objective changed", "objective answered" (the origin's question had no
    answer), "result changed", "a step's output changed", "no answer changed yet";
    "" for a run that forked from nothing (a session's first run).
    """
    if origin is None:
        return ""
    if first is None or first.last_completed_step != HUMAN or first.parent_id != origin.id:
        return NOTHING_CHANGED
    try:
        after = first.output_event
        before = origin.output_event
        if origin.last_completed_step != HUMAN and answered is not None:
            before = answered.output_event
    except HitlError:
        return "an answer changed"  # an event that no longer loads: the technical view says which
    if not isinstance(after, InputRequiredEvent):
        return "result changed" if isinstance(after, StopEvent) else "a step's output changed"
    rules = type(after).answer_rules
    differ = [
        field_words(rule.label or name) for name, rule in rules.items()
        if getattr(before, name, None) != getattr(after, name)
    ]  # fmt: skip
    if not differ:
        return NOTHING_CHANGED
    had_answer = origin.last_completed_step == HUMAN or answered is not None
    return f"{', '.join(differ)} {'changed' if had_answer else 'answered'}"


def answer_to(question: Checkpoint, run: Sequence[Checkpoint]) -> Checkpoint | None:
    """The checkpoint of ``run`` that answered the question ``question`` asked."""
    for checkpoint in run:
        if checkpoint.parent_id == question.id and checkpoint.last_completed_step == HUMAN:
            return checkpoint
    return None


def run_branch_label(ckptr: WorkflowCheckpointer, run_id: str) -> str:
    """``run_id``'s branch as a person reads it: "branch 2 of 3 · objective changed";
    "" for a session of one run (blocking: reads the store)."""
    info = ckptr.get_run(run_id)
    runs = ckptr.store.session_runs(info.session)
    if len(runs) < 2:
        return ""
    number = next((i for i, r in enumerate(runs, start=1) if r.run_id == info.run_id), len(runs))
    if not info.branched_from:
        return branch_label(number, len(runs))
    origin = ckptr.get_checkpoint(info.branched_from)
    own = ckptr.checkpoints.get(info.run_id, [])
    answered = None
    if origin.last_completed_step != HUMAN:
        answered = answer_to(origin, ckptr.checkpoints.get(origin.run_id, []))
    return branch_label(number, len(runs), change_of(own[0] if own else None, origin, answered))
