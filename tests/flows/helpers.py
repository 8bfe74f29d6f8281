"""Helpers for the flow tests."""

from __future__ import annotations

from typing import Any

from hitl import InputRequiredEvent, WorkflowCheckpointer


async def answer_all(
    ckptr: WorkflowCheckpointer, answers: dict[str, Any], **start: Any
) -> tuple[Any, list[str], str]:
    """Start a run and answer each question from ``answers`` (by field name).

    Gives the run's result, the fields asked in order, and the run id. A question
    whose field is not in ``answers`` fails the test.
    """
    handler = ckptr.run(**start)
    out = await handler
    asked: list[str] = []
    while isinstance(out, InputRequiredEvent):
        (field,) = type(out).answer_rules
        assert field in answers, f"unexpected question {field!r}: {out.message}"
        asked.append(field)
        handler = ckptr.answer(handler.run_id, **{field: answers[field]})
        out = await handler
    assert handler.status == "completed"
    return out, asked, handler.run_id
