"""A long questionnaire compiles in time linear in its questions.

Not timed (tests/perf/bench_compile.py prints the curve): what made the compile
quadratic is counted instead. Each step used to name in its return annotation
a union of every later question, n * n / 2 members in all, which the
workflow's definition-time checks read (``typing.get_type_hints``) and expanded.
"""

from __future__ import annotations

from flows.questionnaire import questionnaire_from_text
from hitl import MemoryStore, WorkflowCheckpointer


def long_text(n: int) -> str:
    parts = ['id = "long"\n']
    for i in range(n):
        parts.append(f'[[questions]]\nid = "q{i}"\nprompt = "Question {i}?"\nrequired = false\n')
        if i % 2:
            parts.append(f'when = {{ question = "q{i - 1}", answered = true }}\n')
    return "".join(parts)


def test_each_step_names_two_event_types_however_many_questions_follow():
    n = 400
    workflow = questionnaire_from_text(long_text(n))()
    spec = workflow.spec
    assert len(spec.steps) == n + 1 and len(spec.questions) == n
    members = sum(len(s.emits) for s in spec.steps.values())
    assert members <= 2 * len(spec.steps)
    assert set(spec.registry) == {"StartEvent", "StopEvent", *(f"LongQ{i}Question" for i in
                                                              range(n))}
    # the shapes are still known, without being n * n stored triples
    assert ("answer_q0", "LongQ0Question", "LongQ399Question") in spec.shapes
    assert ("answer_q399", "LongQ399Question", "LongQ0Question") not in spec.shapes
    assert ("answer_q399", "LongQ399Question", "StopEvent") in spec.shapes


async def test_a_long_questionnaire_runs_skips_and_filters_as_a_short_one():
    workflow = questionnaire_from_text(long_text(40))()
    ckptr = WorkflowCheckpointer(workflow, MemoryStore())
    handler = ckptr.run()
    question = await handler
    assert type(question).__name__ == "LongQ0Question"
    question = await ckptr.answer(handler.run_id, q0="")  # q1 asks only when q0 is answered
    assert type(question).__name__ == "LongQ2Question"
    found = ckptr.filter_checkpoints(output_event_type="LongQ2Question")
    assert [c.last_completed_step for c in found] == ["answer_q0"]
