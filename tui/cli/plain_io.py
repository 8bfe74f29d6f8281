"""The plain mode's conversation: lines out, lines in, one answer field at a time.

Nothing here draws or moves the cursor, and no escape sequence is written: text
from a flow or the store goes out through :func:`~tui.sessions.text.visible`.
What a person types is read as ``hitl answer --set`` reads it
(:func:`tui.sessions.answering.from_text`) and checked by the engine's own rules
(``question.answered``), the check the terminal UI makes before it stores an
answer; a refusal is said in the UI's words (:func:`~tui.sessions.answering.refusal`).

Conventions (said to the person as each field is asked):

- an empty line keeps the default (the value shown as "Empty line keeps"), or
  gives no answer where there is none;
- a choice is its number ("2") or its text; several choices are comma-separated;
- a long text or a list is several lines ended by a line holding only ``.``
  (a line ``..`` stands for a line ``.``; ``.`` first is an empty answer); a
  list takes one item a line;
- end of input (ctrl+d) raises :class:`Stopped`: nothing typed for the
  question being asked is stored.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from pydantic import ValidationError

from hitl import InputRequiredEvent, Rules
from tui.cli import render
from tui.sessions.answering import AnswerError, from_text, refusal
from tui.sessions.text import one_line, visible

END = "."
"""The line that ends a long text or a list."""
PROMPT = "> "
LINES = ("long_text", "list")
"""Kinds answered over several lines."""
KIND_NAMES = {**render.KIND_NAMES, "list": "list"}
"""The kinds as this mode reads them: a list one item a line, its commas kept."""


class Stopped(Exception):
    """The input ended (ctrl+d, or the end of a pipe)."""


class Refused(ValueError):
    """An answer its field does not accept; the reason, in a person's words."""


class Console:
    """Lines to standard output, lines from standard input."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        reconfigure = getattr(self.stdin, "reconfigure", None)
        if reconfigure is not None:  # bytes that are not UTF-8 are refused, not fatal
            reconfigure(errors="surrogateescape")

    def say(self, text: str = "") -> None:
        self.stdout.write(visible(text) + "\n")
        self.stdout.flush()

    def line(self, prompt: str = PROMPT) -> str:
        """One line typed (without its newline); :class:`Stopped` at the end of input.
        Bytes that are not UTF-8 come as lone surrogates: see :func:`utf8`."""
        self.stdout.write(prompt)
        self.stdout.flush()
        text = self.stdin.readline()
        if not text:
            raise Stopped
        return text.removesuffix("\n").removesuffix("\r")


# -- one field ------------------------------------------------------------------------


def ask_field(con: Console, question: InputRequiredEvent, name: str,
              given: dict[str, Any]) -> Any:
    """Ask for field ``name`` of ``question`` until an answer its rules accept is
    typed (``given``: the question's fields answered already); return the value."""
    rules = type(question).answer_rules[name]
    default = given.get(name, getattr(question, name))
    describe_field(con, rules, name, default)
    while True:
        try:
            value = read_value(con, name, rules, default)
            check(question, given, name, value)
            return value
        except Refused as exc:
            con.say(f"Not accepted: {exc}. Please answer again.")


def describe_field(con: Console, rules: Rules, name: str, default: Any) -> None:
    """The field's name, rules, help, numbered choices and how to answer it."""
    con.say(f"{one_line(rules.label or name)} ({', '.join(render.constraints(rules, KIND_NAMES))})")
    if rules.help:
        for line in rules.help.splitlines():
            con.say(f"  {line}")
    for number, choice in enumerate(rules.choices or (), start=1):
        con.say(f"  {number}) {one_line(choice)}")
    con.say(f"  {how_to(rules)}")
    if not _empty(default):
        con.say(f"  Empty line keeps: {_shown(default)}")
    elif not rules.required:
        con.say("  Empty line: no answer.")


def how_to(rules: Rules) -> str:
    """One line on how to type an answer of ``rules``'s kind."""
    kind = rules.kind
    if kind == "choice":
        return "Type its number or its text."
    if kind == "multi_choice":
        return "Type numbers or texts, comma-separated (e.g. 1,3)."
    if kind == "long_text":
        return f'Type one or more lines, then a line holding only "{END}".'
    if kind == "list":
        return f'One item a line, then a line holding only "{END}".'
    if kind == "yes_no":
        return "Type yes or no."
    if kind == "date":
        return "Type a date as YYYY-MM-DD."
    if kind == "integer":
        return "Type a whole number."
    if kind == "number":
        return "Type a number."
    return "Type one line."


def read_value(con: Console, name: str, rules: Rules, default: Any) -> Any:
    """The value typed for one field; the default for an empty first line."""
    first = con.line()
    if first.strip() == "":
        return default if not _empty(default) else from_text(name, rules, [""])
    if rules.kind in LINES:
        lines = [] if first == END else [utf8(line) for line in _rest(con, first)]
        if rules.kind == "long_text":
            return "\n".join(lines)
        return [item.strip() for item in lines if item.strip()]
    first = utf8(first)
    try:
        if rules.kind == "choice" and rules.choices:
            found = _numbered(first.strip(), rules)
            return from_text(name, rules, [first]) if found is None else found
        if rules.kind == "multi_choice" and rules.choices:
            chosen: list[Any] = []
            for item in (i.strip() for i in first.split(",")):
                if item:
                    found = _numbered(item, rules)
                    chosen += from_text(name, rules, [item]) if found is None else [found]
            return chosen
        return from_text(name, rules, [first])
    except AnswerError as exc:
        raise Refused(str(exc).removeprefix(f"{name}: ")) from None


def utf8(text: str) -> str:
    """``text`` as read, or :class:`Refused` if it held bytes that are not UTF-8."""
    if any("\udc80" <= c <= "\udcff" for c in text):
        raise Refused("it is not UTF-8 text")
    return text


def _rest(con: Console, first: str) -> list[str]:
    """``first`` and the lines after it, up to the line that ends them."""
    lines = [first]
    while True:
        line = con.line()
        if line == END:
            return [END if text == END * 2 else text for text in lines]
        lines.append(line)


def _numbered(text: str, rules: Rules) -> Any:
    """The choice numbered ``text`` ("2"), if it is one of the numbers shown."""
    choices = rules.choices or ()
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    return None


def check(question: InputRequiredEvent, given: dict[str, Any], name: str, value: Any) -> None:
    """The engine's check of ``value`` for ``name`` (with the fields ``given``):
    :class:`Refused` with its reasons for this field; other fields' are asked later."""
    try:
        question.answered({**given, name: value})
    except ValidationError as exc:
        reasons = [refusal(e) for e in exc.errors() if e.get("loc", ("",))[:1] == (name,)]
        if reasons:
            raise Refused("; ".join(dict.fromkeys(reasons))) from None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(one_line(v) for v in value)
    return one_line(value, 200)
