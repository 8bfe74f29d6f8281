"""What a flow's step is doing, in the words of the person who answers: shown
while a slow step (a language model, a store far away) holds the run."""

from __future__ import annotations

from hitl import InputRequiredEvent, StopEvent
from hitl.workflow import StepSpec

NEXT_QUESTION = "Working on the next question…"


def doing(spec: StepSpec) -> str:
    """The step's own words (``@step(doing=...)``); else the next question's
    label when the step can ask only that one; else a plain "Working on the next
    question…" (or "…the result" for a last step). Never the step's name."""
    if spec.doing:
        return spec.doing.rstrip(".…") + "…"
    if all(issubclass(t, StopEvent) for t in spec.emits):
        return "Working on the result…"
    questions = [t for t in spec.emits if issubclass(t, InputRequiredEvent)]
    if len(questions) == 1 and len(spec.emits) == 1:
        labels = [rule.label for rule in questions[0].answer_rules.values() if rule.label]
        if labels:
            return f"Working on the next question: {labels[0]}…"
    return NEXT_QUESTION
