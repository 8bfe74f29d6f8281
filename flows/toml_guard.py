"""Reading a TOML text someone else wrote: bounded, and every failure one reason.

``tomllib`` recurses once a level of nested arrays and inline tables, so a 13 KB
file nested a few hundred deep raises ``RecursionError``; a whole number of
5,000 digits raises the interpreter's ``ValueError`` (its 4,300-digit cap).
:func:`load_toml` counts the nesting before the parser sees the text, turns
anything the parser raises into a :class:`TomlProblem` with the line where it
is known, and then walks what was read (without recursion) for what a
questionnaire never holds: tables nested deeper than :data:`MAX_DEPTH` (dotted
keys nest too) and control characters in text, such as ESC, which a terminal
would obey when the text is printed.
"""

from __future__ import annotations

import re
import sys
import tomllib
from typing import Any

MAX_DEPTH = 32
"""How deep tables and lists may nest in a questionnaire (a ``when`` included)."""

# Control characters (C0, DEL, C1) other than tab and newline. TOML refuses them
# raw in strings but writes them as escapes ("\u001b").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# What moves the nesting, and what hides brackets from it: strings and comments.
# Each alternative is unambiguous (no nested repeats), so a match is linear.
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^']|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{}]",
    re.DOTALL,
)
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_DIGITS = re.compile(r"\d[\d_]*")


Path = tuple[str | int, ...]
"""Where a value is in what was read: ``("questions", 3, "prompt")``."""


class TomlProblem(ValueError):
    """Why a TOML text cannot be read: the line (1-based) or the path of the value
    where known, and the reason."""

    def __init__(self, line: int | None, reason: str, path: Path = ()) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason
        self.path = path


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def check_nesting(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse ``text`` whose arrays and inline tables nest deeper than ``limit``."""
    depth = 0
    for token in _TOKENS.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                raise TomlProblem(
                    _line_at(text, token.start()),
                    f"lists and tables nest more than {limit} deep here",
                )
        elif char in "]}":
            depth -= 1


def _too_many_digits(text: str) -> int | None:
    cap = sys.get_int_max_str_digits() or None
    if cap is None:
        return None
    for run in _DIGITS.finditer(text):
        if len(run.group()) - run.group().count("_") > cap:
            return _line_at(text, run.start())
    return None


def load_toml(text: str) -> dict[str, Any]:
    """The table ``text`` holds, or :class:`TomlProblem` saying why not.

    Check what it holds with :func:`check_values` before reading it further.
    """
    check_nesting(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _AT.search(message)
        line = int(found.group(1)) if found else None
        raise TomlProblem(line, f"not valid TOML: {_AT.sub('', message)}") from None
    except ValueError as exc:  # a whole number past the interpreter's digit cap
        raise TomlProblem(_too_many_digits(text), f"not readable TOML: {exc}") from None
    except RecursionError:  # not past check_nesting; kept so that it names the file
        raise TomlProblem(None, "lists and tables nest too deep") from None
    return data


def check_values(data: dict[str, Any], limit: int = MAX_DEPTH) -> None:
    """Refuse tables nested deeper than ``limit`` and text holding control characters."""
    stack: list[tuple[Any, Path]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, (dict, list)) and len(path) > limit:
            raise TomlProblem(None, f"tables and lists nest more than {limit} deep", path)
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, (*path, key), "key")
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend(((item, (*path, i)) for i, item in enumerate(value)))
        elif isinstance(value, str):
            _check_text(value, path, "text")


def _check_text(text: str, path: Path, what: str) -> None:
    bad = _CONTROL.search(text)
    if bad is not None:
        raise TomlProblem(
            None,
            f"the {what} holds a control character (U+{ord(bad.group()):04X}); "
            "only tab and newline are allowed",
            path,
        )


def shown_path(path: Path) -> str:
    """``questions[3].prompt``, for a message (cut when long)."""
    text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return text if len(text) <= 80 else text[:77] + "..."


__all__ = ["MAX_DEPTH", "TomlProblem", "check_nesting", "check_values", "load_toml", "shown_path"]
