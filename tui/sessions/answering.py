"""Answers given as text or JSON, made into values a question's rules accept,
and applied to a run question after question.

Headless (no textual). ``--set field=value`` gives text; an answers file gives
JSON values, and a JSON string meets the same coercion as ``--set`` text. The
engine still checks every answer against the question's rules.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hitl import InputRequiredEvent, Rules, RunNotWaiting, WorkflowCheckpointer
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


def parse_sets(pairs: list[str]) -> dict[str, list[str]]:
    """``["a=1", "b=x", "b=y"]`` -> ``{"a": ["1"], "b": ["x", "y"]}`` (order kept)."""
    sets: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise AnswerError(
                f"--set {pair!r}: expected FIELD=VALUE, e.g. --set objective='Ship v2'"
            )
        sets.setdefault(name, []).append(value)
    return sets


def read_answers_file(path: str) -> dict[str, Any]:
    """A JSON object of field -> answer, from ``path`` ("-" is standard input)."""
    import sys

    name = "standard input" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise AnswerError(
            f"{name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at {exc.start}); "
            "save the answers as UTF-8"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswerError(f"{name}: not valid JSON ({exc})") from None
    except RecursionError:
        raise AnswerError(
            f"{name}: the JSON nests too deep to be answers (an answer is text, a number, "
            "true/false, null or a list of texts)"
        ) from None
    if not isinstance(data, dict):
        raise AnswerError(
            f"{name}: expected a JSON object of field names and answers, "
            f'e.g. {{"objective": "Ship v2"}}, not a {_json_type(data)}'
        )
    return data


def _json_type(value: Any) -> str:
    return {list: "list", str: "string", bool: "true/false", type(None): "null"}.get(
        type(value), "number"
    )


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


# -- applying -----------------------------------------------------------------------


@dataclass
class Applied:
    """What applying answers did: how many questions it answered, which names it used."""

    answered: int = 0
    used: set[str] = field(default_factory=set)


def answer_now(ckptr: WorkflowCheckpointer, run_id: str, values: Mapping[str, Any], *,
               text: bool) -> None:
    """Answer the run's pending question with ``values`` and go on until it waits or ends."""
    pending = ckptr.pending_question(run_id)
    if pending is None:
        raise RunNotWaiting(f"run {run_id} has no question pending")
    checkpoint, question = pending
    answers = coerce(type(question), values, text=text)
    drive(ckptr.answer(run_id, at=checkpoint.id, **answers))


def apply_answers(ckptr: WorkflowCheckpointer, run_id: str, answers: Mapping[str, Any]) -> Applied:
    """Answer question after question from ``answers`` (field -> JSON value), as
    far as they go: stop at a question none of whose fields is given, one whose
    required fields are not all given, or one whose fields were used already (a
    flow that asks again). A question with no answer fields stops it too."""
    applied = Applied()
    while True:
        pending = ckptr.pending_question(run_id)
        if pending is None:
            return applied
        checkpoint, question = pending
        rules = type(question).answer_rules
        given = {name: answers[name] for name in rules if name in answers}
        missing = [n for n, r in rules.items() if r.required and n not in answers]
        if not given or missing or applied.used & set(given):
            return applied
        values = coerce(type(question), given, text=False)
        drive(ckptr.answer(run_id, at=checkpoint.id, **values))
        applied.answered += 1
        applied.used |= set(given)
