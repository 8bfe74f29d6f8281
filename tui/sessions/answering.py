"""Answers given as text or JSON, made into values a question's rules accept,
and applied to a run question after question.

Headless (no textual). ``--set field=value`` gives text; an answers file gives
JSON values (both read by ``answer_input``), and a JSON string meets the same
coercion as ``--set`` text. The engine still checks every answer against the
question's rules.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import to_jsonable_python

from hitl import (
    RUNNING,
    WAITING,
    ConflictError,
    InputRequiredEvent,
    Rules,
    RunNotWaiting,
    Workflow,
    WorkflowCheckpointer,
)
from tui.sessions.export import lineage_answers
from tui.sessions.summary import progress
from tui.sessions.text import one_line
from tui.sessions.workspace import drive

YES = frozenset({"yes", "y", "true", "t", "1", "on"})
NO = frozenset({"no", "n", "false", "f", "0", "off"})
SEVERAL = ("multi_choice", "list")
TEXTS = ("text", "long_text", "choice")
RESERVED = frozenset({"at"})
"""Keyword names ``WorkflowCheckpointer.answer`` takes itself."""


class AnswerError(ValueError):
    """An answer that cannot be read as its question's kind; one line, naming the field."""


REQUIRED_TYPES = frozenset({
    "int_type", "float_type", "string_type", "bool_type", "date_type", "list_type",
    "int_parsing", "float_parsing", "date_from_datetime_parsing", "none_required",
})
"""pydantic error types that, for an empty value, mean nothing was given."""


def refusal(error: Mapping[str, Any]) -> str:
    """What one of a ``pydantic.ValidationError``'s ``errors()`` says to a person:
    its message, but "an answer is required" where nothing was given."""
    given = error.get("input")
    if (given is None or given == "" or given == []) and error.get("type") in REQUIRED_TYPES:
        return "an answer is required"
    return str(error.get("msg", "not accepted"))


# -- coercion -----------------------------------------------------------------------


def from_text(name: str, rules: Rules, texts: list[str]) -> Any:
    """``--set`` text (one or more, for one field) as a value of ``rules.kind``."""
    if rules.kind in SEVERAL:
        items = [item.strip() for text in texts for item in text.split(",")]
        return [_choice(item, rules) for item in items if item]
    if len(texts) > 1:
        raise AnswerError(
            f"{name}: given {len(texts)} times; only multiple choice and list answers take several"
        )
    return _scalar(name, rules, texts[0])


def from_json(name: str, rules: Rules, value: Any) -> Any:
    """An answers file's value: text is read as ``--set`` text would be; lists of
    text for choices are matched to the choices; null is no answer (empty text or
    list); anything else is left to the engine."""
    if value is None:
        return "" if rules.kind in TEXTS else [] if rules.kind in SEVERAL else None
    if isinstance(value, str):
        return from_text(name, rules, [value])
    if isinstance(value, list) and rules.kind in SEVERAL:
        return [_choice(v, rules) if isinstance(v, str) else v for v in value]
    return value


def _scalar(name: str, rules: Rules, text: str) -> Any:
    kind = rules.kind
    if kind in ("text", "long_text"):
        return text
    if kind == "choice":
        return _choice(text, rules)
    text = text.strip()
    if not text:
        return None  # the engine says whether an answer was required
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise AnswerError(f"{name}: {text!r} is not a whole number") from None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise AnswerError(f"{name}: {text!r} is not a number")
        return number
    if kind == "yes_no":
        word = text.lower()
        if word in YES:
            return True
        if word in NO:
            return False
        raise AnswerError(f"{name}: {text!r} is not yes or no (yes/no, true/false, y/n, 1/0)")
    if kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise AnswerError(f"{name}: {text!r} is not a date (write it as YYYY-MM-DD)") from None
    return text


def _choice(text: str, rules: Rules) -> Any:
    """The choice ``text`` names: exactly, else ignoring case when that is unique.
    Text that names none is returned as is, for the engine to refuse."""
    if not rules.choices:
        return text
    for choice in rules.choices:
        if str(choice) == text:
            return choice
    folded = [c for c in rules.choices if str(c).casefold() == text.strip().casefold()]
    return folded[0] if len(folded) == 1 else text


def coerce(question: type[InputRequiredEvent], values: Mapping[str, Any], *,
           text: bool) -> dict[str, Any]:
    """``values`` for ``question``'s fields; names it has no field for are passed
    on as they are, for the engine to refuse by name."""
    rules = question.answer_rules
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in RESERVED:
            raise AnswerError(f"{name}: not an answer field of this question")
        if name not in rules:
            out[name] = value[0] if text and len(value) == 1 else value
        elif text:
            out[name] = from_text(name, rules[name], value)
        else:
            out[name] = from_json(name, rules[name], value)
    return out


# -- checking before anything is stored ------------------------------------------------


def answer_fields(workflow: Workflow) -> dict[str, list[type[InputRequiredEvent]]]:
    """Every answer field the flow's questions have, with the questions that have it."""
    fields: dict[str, list[type[InputRequiredEvent]]] = {}
    for question in workflow.spec.questions:
        for name in question.answer_rules:
            fields.setdefault(name, []).append(question)
    return fields


def check_answers(workflow: Workflow, values: Mapping[str, Any], *, text: bool,
                  source: str = "") -> None:
    """Refuse, before anything is stored, answers no question of the flow takes:
    names that are no answer field of it (all of them named, with the fields it
    has), and values their field refuses (a wrong type, a broken rule), checked
    as each question would. ``AnswerError`` or ``pydantic.ValidationError``."""
    fields = answer_fields(workflow)
    unknown = [name for name in values if name not in fields]
    prefix = f"{source}: " if source else ""
    if "message" in unknown:
        raise AnswerError(f"{prefix}message: the prompt is set by the step, not by an answer")
    if unknown:
        what = "not an answer field" if len(unknown) == 1 else "not answer fields"
        expected = ", ".join(fields) or "none"
        raise AnswerError(
            f"{prefix}{', '.join(unknown)}: {what} of flow {workflow.flow_name} "
            f"(its fields: {expected})"
        )
    for name, value in values.items():
        refusal: Exception | None = None
        for question in fields[name]:  # a field two questions share: either may take it
            try:
                question.check_answers(coerce(question, {name: value}, text=text))
                break
            except (AnswerError, ValidationError) as exc:
                refusal = refusal or exc
        else:
            assert refusal is not None
            raise refusal


# -- applying -----------------------------------------------------------------------


@dataclass
class Applied:
    """What applying answers did: the fields stored (in order), the questions they
    answered, and of the fields given and not stored, why."""

    stored: list[str] = field(default_factory=list)
    answered: int = 0
    same: list[str] = field(default_factory=list)
    """Fields answered before with the very value given: nothing to store."""
    not_asked: list[str] = field(default_factory=list)
    """Fields the run ended without asking."""
    not_stored: dict[str, str] = field(default_factory=dict)
    """Fields that could have been stored and were not, each with why."""
    refused: Exception | None = None
    """The refusal (``ValidationError`` or ``AnswerError``) that stopped it, if one did."""

    @property
    def complete(self) -> bool:
        """Whether every answer that could be stored was."""
        return not self.not_stored and self.refused is None


def apply_answers(ckptr: WorkflowCheckpointer, run_id: str, values: Mapping[str, Any], *,
                  text: bool = False) -> Applied:
    """Answer question after question from ``values`` (field -> JSON value, or
    ``--set`` texts with ``text``), as far as they go, each answer stored at the
    question this process saw: should another writer move the run first, it stops
    there and says so (nothing of it is overwritten, nothing skipped silently).
    It stops too at a question none of whose fields is given, one whose required
    fields are not all given, one whose fields were used already (a flow that
    asks again), and one with no answer fields. A run that is running (another
    writer's answer is moving it on) stores nothing and says so, as a conflict.
    ``RunNotWaiting`` when no question is pending otherwise; ``CheckpointNotFound``
    before anything is stored when the run's lineage cannot be read (a damaged row)."""
    pending = ckptr.pending_question(run_id)
    if pending is None:  # read its status after: another writer may move it meanwhile
        status = ckptr.get_run(run_id).status
        if status == WAITING:
            pending = ckptr.pending_question(run_id)
        elif status != RUNNING:
            raise RunNotWaiting(f"run {run_id} has no question pending (it is {status})")
    before = {a.id: a.value for a in lineage_answers(ckptr, run_id)}  # damage shows here
    applied = Applied()
    conflict = pending is None
    at, question = (None, None) if pending is None else (pending[0].id, pending[1])
    while question is not None:
        rules = type(question).answer_rules
        given = {name: values[name] for name in rules if name in values}
        missing = [n for n, r in rules.items() if r.required and n not in values]
        nothing_asked = not rules and not values and not applied.answered
        if not nothing_asked and (not given or missing or set(applied.stored) & set(given)):
            break  # a question that asks nothing is answered with nothing, once
        try:
            answers = coerce(type(question), given, text=text)
            handler = ckptr.answer(run_id, at=at, **answers)
        except ConflictError:
            conflict = True
            break
        except (ValidationError, AnswerError) as exc:
            applied.refused = exc
            break
        applied.stored += list(given)
        applied.answered += 1
        drive(handler)
        question = handler.question
        tip = handler.checkpoint
        if question is None or tip is None:
            break
        at = tip.id
    waiting = None if conflict and applied.refused is None else ckptr.pending_question(run_id)
    for name in (n for n in values if n not in applied.stored):
        if name in before:
            if _same(ckptr.workflow, name, values[name], before[name], text=text):
                applied.same.append(name)
                continue
            applied.not_stored[name] = (
                f"answered before, differently (hitl change {run_id} --set "
                f"{name}=... changes it)"
            )
        elif conflict:
            applied.not_stored[name] = f"answered elsewhere; {waits_on(ckptr, run_id)}"
        elif waiting is None:
            applied.not_asked.append(name)
        else:
            applied.not_stored[name] = f"{waits_on(ckptr, run_id)}, and no answer to it was given"
    return applied


def _same(workflow: Workflow, name: str, given: Any, stored: Any, *, text: bool) -> bool:
    """Whether ``given`` (as read from the person) is the answer ``stored`` (as JSON)."""
    for question in answer_fields(workflow).get(name, []):
        try:
            value = coerce(question, {name: given}, text=text)[name]
        except AnswerError:
            continue
        if to_jsonable_python(value) == stored:
            return True
    return False


def waits_on(ckptr: WorkflowCheckpointer, run_id: str) -> str:
    """Where the run is now, as a person reads it: "the run now waits on question
    3 of 4, "How will you approach it?" (approach)", or "the run is now completed"."""
    pending = ckptr.pending_question(run_id)
    if pending is None:
        status = ckptr.get_run(run_id).status
        if status == WAITING:  # it came to its next question after the first look
            pending = ckptr.pending_question(run_id)
        elif status == RUNNING:  # another writer's answer is moving it on right now
            return "the run is now moving on from an answer given elsewhere"
    if pending is None:
        return f"the run is now {ckptr.get_run(run_id).status}"
    question = pending[1]
    answered, total = progress(ckptr, run_id)
    fields = ", ".join(type(question).answer_rules) or "no answer fields"
    return (
        f"the run now waits on question {answered + 1} of {max(total, answered + 1)}, "
        f'"{one_line(question.message, 80)}" ({fields})'
    )
