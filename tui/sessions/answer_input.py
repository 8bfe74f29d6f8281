"""Answers as a person gives them on the command line: ``--set FIELD=VALUE``
pairs, or a JSON object in a file or on standard input (read no further than
1 MiB). Headless (no textual); what is read is made into answers by
``answering``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tui.sessions.answering import AnswerError


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


MAX_ANSWERS_BYTES = 1 << 20
"""The most an answers file (or standard input) may hold: 1 MiB, read no further."""


def read_answers_file(path: str, limit: int = MAX_ANSWERS_BYTES) -> dict[str, Any]:
    """A JSON object of field -> answer, from ``path`` ("-" is standard input),
    read no further than ``limit`` bytes."""
    name = source_name(path)
    raw = _read_capped(path, limit)
    if len(raw) > limit:
        raise AnswerError(
            f"{name}: larger than {_size(limit)}, the most an answers file may hold; "
            "answers are text, not documents"
        )
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
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


def source_name(path: str) -> str:
    """An answers file as a person reads its name."""
    return "standard input" if path == "-" else path


def _read_capped(path: str, limit: int) -> bytes | str:
    """At most ``limit + 1`` bytes of ``path`` (or of standard input): one more
    than fits tells that it does not."""
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream put in its place (tests, embedding)
            return sys.stdin.read(limit + 1)
        return stream.read(limit + 1)
    with open(path, "rb") as f:
        return f.read(limit + 1)


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit % (1 << 20) == 0 else f"{limit:,} bytes"


def _json_type(value: Any) -> str:
    return {list: "list", str: "string", bool: "true/false", type(None): "null"}.get(
        type(value), "number"
    )
