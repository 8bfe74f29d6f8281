"""Answer fields: the rules a question's answer slots declare, and their checks.

A question (an ``InputRequiredEvent`` subclass) is built by a step with empty
answer slots, so the rules are not pydantic constraints: they are checked when a
person answers or edits, and fail with a ``pydantic.ValidationError`` whose
``loc`` is the field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError, PydanticUndefined

from hitl.patterns import compile_pattern, full_match

Kind = Literal[
    "text", "long_text", "choice", "multi_choice", "integer", "number", "yes_no", "date", "list"
]
KINDS: tuple[str, ...] = typing.get_args(Kind)

_RULES_KEY = "x-hitl"

# Control characters (C0, DEL and C1) other than tab and newline, and lone surrogates.
_UNSAFE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Rules:
    """What an answer field accepts. Read by the engine, the CLI and the UI alike."""

    kind: Kind = "text"
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: tuple[Any, ...] | None = None
    ge: Any = None
    le: Any = None
    label: str | None = None
    help: str | None = None


def answer_field(
    default: Any = PydanticUndefined,
    *,
    required: bool = True,
    kind: Kind | None = None,
    label: str | None = None,
    help: str | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    choices: typing.Sequence[Any] | None = None,
    ge: Any = None,
    le: Any = None,
) -> Any:
    """Declare an answer slot of a question and the rules an answer must meet.

    ``kind`` is inferred from the annotation when left out (``str`` is text,
    ``bool`` yes/no, ``int`` integer, ``float`` number, ``date`` date, ``list``
    a list, or multiple choice when ``choices`` are given). ``min_length`` and
    ``max_length`` count characters of text and items of a list. ``pattern`` is
    an RE2 pattern the whole answer must match (see :mod:`hitl.patterns`); one
    RE2 cannot run raises :class:`hitl.patterns.PatternError`.
    """
    if pattern is not None:
        compile_pattern(pattern)  # a pattern RE2 cannot run fails where it is written
    if kind is not None and kind not in KINDS:
        raise ValueError(f"unknown answer kind {kind!r}; expected one of {', '.join(KINDS)}")
    spec = {
        "kind": kind,
        "required": required,
        "min_length": min_length,
        "max_length": max_length,
        "pattern": pattern,
        "choices": list(choices) if choices is not None else None,
        "ge": ge,
        "le": le,
        "label": label,
        "help": help,
    }
    schema: dict[str, Any] = {_RULES_KEY: {k: v for k, v in spec.items() if v is not None}}
    if choices is not None:
        schema["x-choices"] = list(choices)
    return Field(default, title=label, description=help, json_schema_extra=schema)


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def infer_kind(annotation: Any, has_choices: bool) -> Kind:
    ann = _strip_optional(annotation)
    origin = typing.get_origin(ann)
    if origin is Literal:
        return "choice"
    if origin in (list, tuple, set, frozenset) or ann in (list, tuple, set):
        return "multi_choice" if has_choices else "list"
    if ann is bool:
        return "yes_no"
    if ann is int:
        return "integer"
    if ann is float:
        return "number"
    if ann is dt.date:
        return "date"
    return "choice" if has_choices else "text"


def rules_for(field_name: str, field: Any) -> Rules:
    """The rules of one model field (a plain field has no rules but its kind)."""
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    spec = dict(extra.get(_RULES_KEY, {}))
    if not spec:
        spec["required"] = False
    ann = field.annotation
    choices = spec.get("choices")
    if choices is None and typing.get_origin(_strip_optional(ann)) is Literal:
        choices = list(typing.get_args(_strip_optional(ann)))
    spec["choices"] = tuple(choices) if choices is not None else None
    spec["kind"] = spec.get("kind") or infer_kind(ann, choices is not None)
    return Rules(**spec)


def field_error(kind: str, message: str, field: str, value: Any, **ctx: Any) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError(kind, message, ctx or None),
        loc=(field,),
        input=value,
    )


def raise_errors(title: str, errors: list[InitErrorDetails]) -> None:
    if errors:
        raise ValidationError.from_exception_data(title, errors)


def blank(text: str) -> bool:
    """Whether ``text`` shows nothing: only white space and format characters
    (category Cf: zero-width spaces and joiners, U+FEFF, bidirectional controls).
    Such an answer is no answer."""
    shown = text.strip()
    if shown.isprintable():  # no format character, and white space at neither end
        return not shown
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in shown)


NOT_IN_FORM = "is not in the form this question asks for"
"""What a pattern error says when the question's help gives no example."""

_EXAMPLE = re.compile(
    r"(?:\be\.\s?g\.|\bfor (?:example|instance)\b|\bsuch as\b|\bexample:)[,:]?\s*"
    r"(?P<example>.+?)\s*(?:[.;)](?:\s|$)|[;)]|$)",
    re.IGNORECASE | re.DOTALL,
)


def example_in(help_text: str | None) -> str | None:
    """The example a question's help gives ("As the app reports it, e.g. 2.4.1 or
    2.5.0rc1." gives "2.4.1 or 2.5.0rc1"), or None. A pattern error says it in
    place of the pattern, which a person answering cannot be expected to read."""
    if not help_text:
        return None
    found = _EXAMPLE.search(help_text)
    if found is None:
        return None
    example = " ".join(found.group("example").split())
    return example or None


def check_rules(field: str, rules: Rules, value: Any) -> list[InitErrorDetails]:
    """The ways ``value`` breaks ``rules`` (empty when it meets them)."""
    empty = (
        value is None
        or value == ""
        or (isinstance(value, (list, tuple, set)) and not value)
        or (isinstance(value, str) and blank(value))
    )
    if empty:
        if rules.required:
            return [field_error("required", "an answer is required", field, value)]
        return []
    errors: list[InitErrorDetails] = []
    if isinstance(value, (str, list, tuple, set)):
        size = len(value)
        what = "characters" if isinstance(value, str) else "items"
        if rules.min_length is not None and size < rules.min_length:
            errors.append(
                field_error(
                    "too_short",
                    "at least {min} {what}, got {n}",
                    field,
                    value,
                    min=rules.min_length,
                    what=what,
                    n=size,
                )
            )
        if rules.max_length is not None and size > rules.max_length:
            errors.append(
                field_error(
                    "too_long",
                    "at most {max} {what}, got {n}",
                    field,
                    value,
                    max=rules.max_length,
                    what=what,
                    n=size,
                )
            )
    if rules.pattern is not None and isinstance(value, str):
        if not full_match(rules.pattern, value):
            example = example_in(rules.help)
            errors.append(
                field_error(
                    "pattern",
                    "should look like {example}" if example else NOT_IN_FORM,
                    field,
                    value,
                    **({"example": example} if example else {}),
                )
            )
    if rules.choices is not None:
        items = value if isinstance(value, (list, tuple, set)) else [value]
        wrong = [item for item in items if item not in rules.choices]
        if wrong:
            errors.append(
                field_error(
                    "choice",
                    "{got} is not one of: {choices}",
                    field,
                    value,
                    got=", ".join(map(str, wrong)),
                    choices=", ".join(map(str, rules.choices)),
                )
            )
        twice = [c for c in rules.choices if list(items).count(c) > 1]
        if twice:  # several choices are a set: each is chosen once
            errors.append(
                field_error(
                    "choice_twice",
                    "{got} is chosen more than once",
                    field,
                    value,
                    got=", ".join(map(str, twice)),
                )
            )
    if isinstance(value, float) and not math.isfinite(value):
        return [field_error("finite", "must be a finite number", field, str(value))]
    if rules.ge is not None and not isinstance(value, (str, list, tuple, set)):
        if value < rules.ge:
            errors.append(
                field_error("range", "must be at least {ge}", field, value, ge=str(rules.ge))
            )
    if rules.le is not None and not isinstance(value, (str, list, tuple, set)):
        if value > rules.le:
            errors.append(
                field_error("range", "must be at most {le}", field, value, le=str(rules.le))
            )
    return errors


def check_text(field: str, value: Any, limit: int) -> list[InitErrorDetails]:
    """Refuse input text that is too large or holds control characters.

    Walks strings inside lists and dicts too. Runs before any parsing, so a
    20 MB answer costs a length check, not a validation.
    """
    errors: list[InitErrorDetails] = []
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            size = len(item)  # a character is at least one byte: encode only what may fit
            if total + size <= limit and not item.isascii():
                size = len(item.encode("utf-8", "surrogatepass"))
            total += size
            if total > limit:
                return [
                    field_error(
                        "too_large",
                        "the answer is too large (over {limit} bytes)",
                        field,
                        "<too large to show>",
                        limit=limit,
                    )
                ]
            bad = None if item.isprintable() else _UNSAFE_TEXT.search(item)  # printable: none
            if bad is not None:
                errors.append(
                    field_error(
                        "unsafe_text",
                        "holds a control character or a lone surrogate ({code}) at {at}",
                        field,
                        item[:80],
                        code=f"U+{ord(bad.group()):04X}",
                        at=bad.start(),
                    )
                )
                return errors
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
    return errors
