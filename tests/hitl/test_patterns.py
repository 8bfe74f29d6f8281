"""Answer patterns run by RE2: time linear in the answer, whatever the pattern.

A pattern that makes Python's backtracking ``re`` run for ever (``^(a+)+$``
against sixty a's and a b) is checked in a subprocess with a deadline, so a
regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from hitl import InputRequiredEvent, answer_field
from hitl.patterns import PatternError, compile_pattern, full_match

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "^(a+)+$"
EVIL = "a" * 60 + "b"


def run_python(code: str, timeout: float = 20.0) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr  # RE2 logs nothing of its own
    return proc.stdout.strip()


def test_a_backtracking_pattern_is_refused_at_once_by_the_engine():
    code = f"""
from pydantic import ValidationError
from hitl import InputRequiredEvent, answer_field

class Code(InputRequiredEvent):
    code: str = answer_field("", pattern={HOSTILE!r})

question = Code(message="Your code?")
try:
    question.answered({{"code": {EVIL!r}}})
except ValidationError as exc:
    print(exc.errors()[0]["type"], exc.errors()[0]["loc"][0])
print(question.answered({{"code": "a" * 100_000}}).code == "a" * 100_000)
"""
    assert run_python(code).splitlines() == ["pattern code", "True"]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?=a)a", "RE2 has no lookaround"),
        ("(?<!x)a", "RE2 has no lookaround"),
        (r"(a)\1", "RE2 has no backreferences"),
        ("a++", "RE2 has no possessive repeats"),
        ("a{2000}", "a repeat count is at most 1000"),
        ("[a-", "missing ]"),
        ("a" * 5000, "over 4096 characters"),
    ],
)
def test_what_re2_lacks_is_refused_where_the_pattern_is_written(pattern, reason):
    with pytest.raises(PatternError, match=reason.replace("+", r"\+")):
        compile_pattern(pattern)
    with pytest.raises(PatternError):

        class Q(InputRequiredEvent):
            code: str = answer_field("", pattern=pattern)


def test_patterns_match_the_whole_answer_as_before():
    class Version(InputRequiredEvent):
        version: str = answer_field("", pattern=r"\d+\.\d+(\.\d+)?")

    question = Version(message="Which version?")
    assert question.answered({"version": "1.2.3"}).version == "1.2.3"
    with pytest.raises(ValidationError, match="is not in the form this question asks for"):
        question.answered({"version": "v1.2"})
    assert full_match("(?i)ab", "AB") and not full_match("ab", "abc")
    assert full_match(r"\pL+", "café") and not full_match(r"\w+", "café")  # \w is ASCII
    assert not full_match("a", "\ud800")  # a lone surrogate matches nothing, raises nothing


def test_a_refused_answer_is_told_the_example_of_the_help_never_the_pattern():
    class Ticket(InputRequiredEvent):
        ticket: str = answer_field("", pattern=r"[A-Z]{2,5}-\d+",
                                   help="The tracker's key (e.g. ABC-123); not its title.")

    with pytest.raises(ValidationError) as refused:
        Ticket(message="Which ticket?").answered({"ticket": "abc"})
    (error,) = refused.value.errors()
    assert (error["loc"], error["msg"]) == (("ticket",), "should look like ABC-123")
