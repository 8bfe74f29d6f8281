"""The types a question may have, and the constraints and defaults each accepts.

Checked when a file is read, so a questionnaire that loads can always be
compiled and every default it gives meets its own rules.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from hitl import InputRequiredEvent
from hitl.patterns import PatternError, compile_pattern, full_match

Fail = Callable[[str | None, str], Exception]
"""Makes the error for a key of the question being read: ``fail(key, reason)``."""

KINDS: tuple[str, ...] = (
    "text", "long_text", "choice", "multi_choice", "integer", "number", "yes_no", "date", "list",
)
ALIASES = {
    "single_choice": "choice",
    "multiple_choice": "multi_choice",
    "yes/no": "yes_no",
}

CONSTRAINTS: dict[str, tuple[str, ...]] = {
    "text": ("min_length", "max_length", "pattern"),
    "long_text": ("min_length", "max_length", "pattern"),
    "choice": ("choices",),
    "multi_choice": ("choices", "min_length", "max_length"),
    "list": ("min_length", "max_length"),
    "integer": ("min", "max"),
    "number": ("min", "max"),
    "date": ("min", "max"),
    "yes_no": (),
}
ALL_CONSTRAINTS = ("min_length", "max_length", "pattern", "choices", "min", "max")

RESERVED_IDS: frozenset[str] = frozenset(
    {"at", "author", "run_id", "message"}
    | {name for name in dir(InputRequiredEvent) if not name.startswith("_")}
)
"""Names a question id may not take: the engine's own (``at``, ``run_id``,
``message``) and the attributes of a question event (``answers``, ``json``...)."""


def parse_kind(raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    name = raw.strip().lower()
    if name in ("yes/no", "yes / no"):
        return "yes_no"
    name = re.sub(r"[\s\-]+", "_", name)
    name = ALIASES.get(name, name)
    return name if name in KINDS else None


def optional_text(item: dict[str, Any], key: str, fail: Fail) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(key, f"{key} must be text")
    return value.strip() or None


def check_constraints(kind: str, item: dict[str, Any], fail: Fail) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("min_length", "max_length"):
        if key in item:
            value = item[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise fail(key, f"{key} must be a whole number, 0 or more")
            out[key] = value
    if out.get("min_length") is not None and out.get("max_length") is not None \
            and out["min_length"] > out["max_length"]:
        raise fail("max_length", f"max_length {out['max_length']} is below min_length "
                   f"{out['min_length']}")
    if "pattern" in item:
        pattern = item["pattern"]
        if not isinstance(pattern, str) or not pattern:
            raise fail("pattern", "pattern must be a regular expression in text")
        try:
            compile_pattern(pattern)
        except PatternError as exc:
            raise fail("pattern", f"pattern {plain(pattern)} is not a valid regular "
                       f"expression for RE2: {exc}") from None
        out["pattern"] = pattern
    if kind in ("choice", "multi_choice"):
        choices = item.get("choices")
        if choices is None:
            raise fail("type", f"{a_kind(kind)} question needs choices = [\"...\", ...]")
        if not isinstance(choices, list) or not choices or not all(
            isinstance(c, str) and c.strip() for c in choices
        ):
            raise fail("choices", "choices must be a non-empty list of non-empty texts")
        listed: set[str] = set()
        for choice in choices:  # one pass: a file may list tens of thousands
            if choice in listed:
                raise fail("choices", f"choice {choice!r} is listed twice")
            listed.add(choice)
        out["choices"] = tuple(choices)
        if kind == "multi_choice" and out.get("min_length", 0) > len(choices):
            raise fail("min_length", f"min_length {out['min_length']} is more than the "
                       f"{len(choices)} choices")
    for key, name in (("min", "ge"), ("max", "le")):
        if key in item:
            value = item[key]
            if kind == "date":
                if type(value) is not dt.date:
                    raise fail(key, f"{key} of a date question must be a TOML date such as "
                               "2024-01-31")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or (
                kind == "integer" and not isinstance(value, int)
            ) or (isinstance(value, float) and not math.isfinite(value)):
                what = "a whole number" if kind == "integer" else "a finite number"
                raise fail(key, f"{key} of {a_kind(kind)} question must be {what}")
            out[name] = value
    if out.get("ge") is not None and out.get("le") is not None and out["ge"] > out["le"]:
        raise fail("max", f"max {out['le']} is below min {out['ge']}")
    return out


def check_default(kind: str, value: Any, rules: dict[str, Any], fail: Fail) -> None:
    def bad(reason: str) -> Exception:
        return fail("default", f"default {plain(value)} {reason}")

    if kind in ("text", "long_text", "choice"):
        if not isinstance(value, str):
            raise bad("is not text")
    elif kind in ("multi_choice", "list"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("is not a list of texts")
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("is not a whole number")
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("is not a number")
        if isinstance(value, float) and not math.isfinite(value):
            raise bad("is not a finite number")
    elif kind == "yes_no":
        if not isinstance(value, bool):
            raise bad("is not true or false")
    elif kind == "date" and type(value) is not dt.date:
        raise bad("is not a TOML date such as 2024-01-31")
    size = len(value) if isinstance(value, (str, list)) else None
    if size is not None and rules.get("min_length") is not None and size < rules["min_length"]:
        raise bad(f"is shorter than min_length {rules['min_length']}")
    if size is not None and rules.get("max_length") is not None and size > rules["max_length"]:
        raise bad(f"is longer than max_length {rules['max_length']}")
    if rules.get("pattern") is not None and not full_match(rules["pattern"], value):
        raise bad(f"does not match the pattern {rules['pattern']}")
    choices = rules.get("choices")
    if choices is not None:
        items = value if isinstance(value, list) else [value]
        wrong = [v for v in items if v not in choices]
        if wrong:
            raise bad(f"is not among the choices ({', '.join(choices)})")
    if rules.get("ge") is not None and value < rules["ge"]:
        raise bad(f"is below min {rules['ge']}")
    if rules.get("le") is not None and value > rules["le"]:
        raise bad(f"is above max {rules['le']}")


def a_kind(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "(a table)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


__all__ = [
    "KINDS",
    "RESERVED_IDS",
    "a_kind",
    "check_constraints",
    "check_default",
    "optional_text",
    "parse_kind",
    "plain",
]
