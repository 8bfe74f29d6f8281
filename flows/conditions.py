"""Conditions: when a questionnaire asks a question, as data (never code).

A question's ``when`` is a TOML table. It is a test on one earlier answer, or a
combination of conditions::

    when = { question = "severity", equals = "high" }
    when = { question = "severity", not_equals = "low" }
    when = { question = "severity", one_of = ["high", "critical"] }
    when = { question = "users_affected", gt = 100 }      # also ge, lt, le
    when = { question = "areas", contains = "security" }  # multiple choice or list
    when = { question = "notes", answered = true }         # given or left empty
    when = { all = [ {...}, {...} ] }                      # every one holds
    when = { any = [ {...}, {...} ] }                      # at least one holds
    when = { not = {...} }                                 # the opposite

A test names exactly one earlier question and one operator. A test on a
question that was skipped or left empty is false, except ``answered = false``.
Text compares exactly (case and spaces count). Values are checked against the
question when the file is read: a choice must be one of its choices, a number a
number, a date a TOML date (``gt = 2024-01-31``), yes/no ``true`` or ``false``.

Evaluation is three-valued for progress counts: a test on a question not yet
answered is unknown (``None``); ``all``/``any``/``not`` combine unknowns the
usual way (Kleene logic).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union

OPERATORS: tuple[str, ...] = (
    "equals", "not_equals", "one_of", "gt", "ge", "lt", "le", "contains", "answered",
)
COMBINATORS: tuple[str, ...] = ("all", "any", "not")

_ALLOWED: dict[str, tuple[str, ...]] = {
    "text": ("equals", "not_equals", "one_of", "answered"),
    "long_text": ("equals", "not_equals", "one_of", "answered"),
    "choice": ("equals", "not_equals", "one_of", "answered"),
    "multi_choice": ("contains", "answered"),
    "list": ("contains", "answered"),
    "integer": ("equals", "not_equals", "one_of", "gt", "ge", "lt", "le", "answered"),
    "number": ("equals", "not_equals", "one_of", "gt", "ge", "lt", "le", "answered"),
    "date": ("equals", "not_equals", "one_of", "gt", "ge", "lt", "le", "answered"),
    "yes_no": ("equals", "not_equals", "answered"),
}


class ConditionError(ValueError):
    """A ``when`` that cannot be used; the message says what is wrong (no file, no line)."""


@dataclass(frozen=True, slots=True)
class Check:
    question: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = Union[Check, AllOf, AnyOf, Not]  # noqa: UP007 (a runtime alias)


@dataclass(frozen=True, slots=True)
class Target:
    """What a condition may know of a question it tests: its kind and choices."""

    kind: str
    choices: tuple[str, ...] | None


def parse_condition(
    data: Any,
    earlier: Mapping[str, Target],
    later: frozenset[str] | set[str],
    own_id: str,
) -> Condition:
    """Turn a ``when`` table into a condition, checked against the questions before it.

    ``earlier`` maps the ids of the questions before this one to what they are;
    ``later`` holds the ids of this question and those after it. Raises
    :class:`ConditionError`.
    """
    if not isinstance(data, dict):
        raise ConditionError(
            f"'when' must be a table such as {{ question = \"...\", equals = ... }}, "
            f"not {_shown(data)}"
        )
    combinators = [k for k in COMBINATORS if k in data]
    if combinators:
        if len(data) != 1:
            extra = sorted(set(data) - {combinators[0]})
            raise ConditionError(
                f"'when': {combinators[0]!r} stands alone in its table; "
                f"found also {', '.join(map(repr, extra))}"
            )
        key = combinators[0]
        body = data[key]
        if key == "not":
            return Not(parse_condition(body, earlier, later, own_id))
        if not isinstance(body, list) or not body:
            raise ConditionError(f"'when': {key!r} takes a non-empty list of conditions")
        items = tuple(parse_condition(item, earlier, later, own_id) for item in body)
        return AllOf(items) if key == "all" else AnyOf(items)

    unknown = sorted(set(data) - {"question", *OPERATORS})
    if unknown:
        raise ConditionError(
            f"'when': unknown key {unknown[0]!r}; a test is {{ question = ..., <operator> = ... }} "
            f"with an operator of {', '.join(OPERATORS)}, or use all, any, not"
        )
    qid = data.get("question")
    if not isinstance(qid, str):
        raise ConditionError("'when': a test names the question it looks at: question = \"id\"")
    if qid == own_id:
        raise ConditionError(f"'when': the condition tests question {qid!r} itself")
    if qid not in earlier:
        if qid in later:
            raise ConditionError(
                f"'when': the condition tests question {qid!r}, which comes later; "
                "a condition may only look at earlier answers"
            )
        raise ConditionError(f"'when': the condition tests unknown question {qid!r}")
    ops = [k for k in OPERATORS if k in data]
    if len(ops) != 1:
        raise ConditionError(
            f"'when': a test on {qid!r} needs exactly one operator of {', '.join(OPERATORS)}"
            + (f"; found {', '.join(ops)}" if ops else "")
        )
    op = ops[0]
    target = earlier[qid]
    allowed = _ALLOWED[target.kind]
    if op not in allowed:
        raise ConditionError(
            f"'when': {op!r} does not apply to question {qid!r} ({target.kind}); "
            f"use one of {', '.join(allowed)}"
        )
    value = data[op]
    _check_value(qid, target, op, value)
    if op == "one_of":
        value = tuple(value)
    return Check(qid, op, value)


def _check_value(qid: str, target: Target, op: str, value: Any) -> None:
    where = f"'when': {op} on {qid!r}"
    if op == "answered":
        if not isinstance(value, bool):
            raise ConditionError(f"{where} takes true or false, not {_shown(value)}")
        return
    if op == "one_of":
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{where} takes a non-empty list of values")
        for item in value:
            _check_one(where, target, item, ordered=False)
        return
    if op == "contains":
        _check_one(where, target, value, ordered=False, item_of_list=True)
        return
    _check_one(where, target, value, ordered=op in ("gt", "ge", "lt", "le"))


def _check_one(
    where: str, target: Target, value: Any, *, ordered: bool, item_of_list: bool = False
) -> None:
    kind = target.kind
    if kind in ("text", "long_text", "choice", "multi_choice", "list") or item_of_list:
        if not isinstance(value, str):
            raise ConditionError(f"{where} takes text, not {_shown(value)}")
        if target.choices is not None and value not in target.choices:
            raise ConditionError(
                f"{where}: {value!r} is not one of its choices ({', '.join(target.choices)})"
            )
    elif kind == "yes_no":
        if not isinstance(value, bool):
            raise ConditionError(f"{where} takes true or false, not {_shown(value)}")
    elif kind == "integer" and not ordered:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConditionError(f"{where} takes a whole number, not {_shown(value)}")
    elif kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConditionError(f"{where} takes a number, not {_shown(value)}")
    elif kind == "date":
        if type(value) is not dt.date:
            raise ConditionError(
                f"{where} takes a TOML date such as 2024-01-31, not {_shown(value)}"
            )


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_empty(value: Any) -> bool:
    """An answer that says nothing: missing, blank text, or an empty list."""
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, (list, tuple)) and not value)
    )


def evaluate(
    condition: Condition,
    answers: Mapping[str, Any],
    known: Callable[[str], bool] | None = None,
) -> bool | None:
    """Whether ``condition`` holds for ``answers``.

    ``known(question_id)`` says whether that question is behind the run already
    (answered or skipped); when it is not, the test is unknown and the result may
    be ``None``. With ``known`` left out every question is taken as known.
    """
    if isinstance(condition, Check):
        if known is not None and not known(condition.question):
            return None
        return _test(condition, answers.get(condition.question))
    if isinstance(condition, Not):
        inner = evaluate(condition.item, answers, known)
        return None if inner is None else not inner
    results = [evaluate(item, answers, known) for item in condition.items]
    if isinstance(condition, AllOf):
        if False in results:
            return False
        return None if None in results else True
    if True in results:
        return True
    return None if None in results else False


def _test(test: Check, value: Any) -> bool:
    op, wanted = test.op, test.value
    if op == "answered":
        return (not is_empty(value)) == wanted
    if is_empty(value):
        return False
    try:
        if op == "equals":
            return bool(value == wanted)
        if op == "not_equals":
            return bool(value != wanted)
        if op == "one_of":
            return value in wanted
        if op == "contains":
            return wanted in value
        if op == "gt":
            return bool(value > wanted)
        if op == "ge":
            return bool(value >= wanted)
        if op == "lt":
            return bool(value < wanted)
        if op == "le":
            return bool(value <= wanted)
    except TypeError:  # a stored answer of another type (the file changed): no match
        return False
    raise ValueError(f"unknown operator {op!r}")


def referenced(condition: Condition) -> set[str]:
    """The question ids a condition looks at."""
    if isinstance(condition, Check):
        return {condition.question}
    if isinstance(condition, Not):
        return referenced(condition.item)
    found: set[str] = set()
    for item in condition.items:
        found |= referenced(item)
    return found


__all__ = [
    "COMBINATORS",
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Check",
    "Condition",
    "ConditionError",
    "Not",
    "Target",
    "evaluate",
    "is_empty",
    "parse_condition",
    "referenced",
]
