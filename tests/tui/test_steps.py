"""What the question screen says while a step runs, for flows that give their
steps no words of their own: the next question's label, the result, or a plain
"Working on the next question…"; never a step's name."""

from __future__ import annotations

from flows.gather import GatherFlow
from flows.joke import JokeFlow
from flows.registry import load_flow
from tui.sessions.steps import doing


def test_a_step_says_what_it_does_in_the_flow_s_words() -> None:
    steps = JokeFlow().spec.steps
    assert doing(steps["generate_joke"]) == "Writing a joke about your topic…"
    assert doing(steps["critique_joke"]) == "Critiquing the joke…"


def test_without_words_the_next_question_or_the_result_is_named() -> None:
    steps = GatherFlow().spec.steps
    assert doing(steps["gather_objective"]) == "Working on the next question: Resources…"
    assert doing(steps["gather_notes"]) == "Working on the result…"


def test_a_questionnaire_step_says_it_works_on_the_next_question() -> None:
    flow = load_flow("bug-report")
    said = {doing(spec) for name, spec in flow.spec.steps.items() if name != "start"}
    assert "Working on the next question…" in said
    assert not any("answer_" in words for words in said)
