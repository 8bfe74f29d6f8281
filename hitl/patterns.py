"""Answer patterns: regular expressions matched in time linear in the answer.

A questionnaire is data people share, and its ``pattern`` is run on every
answer, in the engine, the CLI and the UI alike (they all check answers
through :mod:`hitl.answers`), and on a file's defaults while the folder of
flows is read. Python's ``re`` backtracks: ``^(a+)+$`` against sixty a's and a
b would run for longer than anyone waits. RE2 (the ``google-re2`` package) never
backtracks: a match costs time linear in the text and memory bounded by the
pattern, whatever either holds. What RE2 lacks (lookaround, backreferences,
possessive repeats, conditionals, ``(?x)``, ``\\Z``) is refused where the
pattern is written, with a reason.

RE2's ``\\d``, ``\\w``, ``\\s`` and ``\\b`` are ASCII; ``\\pL`` is any letter and
``\\pN`` any digit.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import re2

MAX_PATTERN_CHARS = 4096
"""A longer pattern is refused: a pattern says what an answer looks like."""


_HINTS = {
    "invalid perl operator": "RE2 has no lookaround, conditionals, comments or (?x)",
    "invalid escape sequence": "RE2 has no backreferences or \\Z (use \\z)",
    "bad repetition operator": "RE2 has no possessive repeats such as a++",
    "invalid repetition size": "a repeat count is at most 1000",
    "pattern too large": "the pattern compiles to more than RE2's memory bound",
}


class PatternError(ValueError):
    """A pattern RE2 cannot run; ``str()`` says why in one line."""


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> re2._Regexp:
    """The compiled ``pattern``, or :class:`PatternError` saying why it cannot be used."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternError(f"the pattern is over {MAX_PATTERN_CHARS} characters")
    import re2  # on the first pattern: a questionnaire without one never loads RE2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr for each refusal
    options.never_capture = True  # a check needs no groups: smaller, faster programs
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else "not a valid pattern"
        reason = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        hint = next((h for key, h in _HINTS.items() if reason.startswith(key)), None)
        raise PatternError(f"{reason}; {hint}" if hint else reason) from None


def full_match(pattern: str, text: str) -> bool:
    """Whether all of ``text`` matches ``pattern`` (an RE2 pattern)."""
    try:
        return compile_pattern(pattern).fullmatch(text) is not None
    except UnicodeEncodeError:  # a lone surrogate: no text of a person's matches
        return False


__all__ = ["MAX_PATTERN_CHARS", "PatternError", "compile_pattern", "full_match"]
