"""Plain text and JSON for the `hitl` command's output. Headless (no textual).

Text is for a person at a terminal: no colour, no markup, stable columns.
JSON is for scripts: ``--json`` prints one object (or list) and nothing else.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from hitl import InputRequiredEvent, Rules
from hitl.answers import example_in
from tui.sessions.text import dumps, one_line

KIND_NAMES = {
    "text": "text",
    "long_text": "long text",
    "choice": "one choice",
    "multi_choice": "choices (comma-separated)",
    "integer": "whole number",
    "number": "number",
    "yes_no": "yes/no",
    "date": "date (YYYY-MM-DD)",
    "list": "list (comma-separated)",
}



def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """Columns padded to their widest cell; the last column is not padded."""
    cells = [list(header), *[list(r) for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        parts = []
        for i, cell in enumerate(row):
            if i == len(row) - 1:
                parts.append(cell)
            elif i in right:
                parts.append(cell.rjust(widths[i]))
            else:
                parts.append(cell.ljust(widths[i]))
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


# -- questions ------------------------------------------------------------------------


def constraints(rules: Rules, kind_names: Mapping[str, str] = KIND_NAMES) -> list[str]:
    """What an answer must be, in words: ``["required", "at most 2000 characters"]``;
    the kind named as ``kind_names`` says (by default as ``--set`` reads it)."""
    what = "items" if rules.kind in ("multi_choice", "list") else "characters"
    said = [kind_names.get(rules.kind, rules.kind), "required" if rules.required else "optional"]
    if rules.min_length is not None:
        said.append(f"at least {rules.min_length} {what}")
    if rules.max_length is not None:
        said.append(f"at most {rules.max_length} {what}")
    if rules.ge is not None:
        said.append(f"at least {rules.ge}")
    if rules.le is not None:
        said.append(f"at most {rules.le}")
    if rules.pattern is not None:  # in the words of its error, never the raw pattern
        example = example_in(rules.help)
        said.append(f"like {example}" if example else "in a set form")
    return said


def question_data(question: InputRequiredEvent, checkpoint_id: str, number: int,
                  total: int) -> dict[str, Any]:
    """A pending question as JSON: its prompt, progress and answer fields."""
    values = question.model_dump(mode="json")
    fields = []
    for name, rules in type(question).answer_rules.items():
        fields.append({
            "id": name,
            "label": rules.label or name,
            "kind": rules.kind,
            "required": rules.required,
            "help": rules.help,
            "choices": list(rules.choices) if rules.choices is not None else None,
            "min_length": rules.min_length,
            "max_length": rules.max_length,
            "pattern": rules.pattern,
            "min": _plain(rules.ge),
            "max": _plain(rules.le),
            "value": values.get(name),
        })
    return {
        "type": type(question).__name__,
        "message": question.message,
        "number": number,
        "total": total,
        "checkpoint_id": checkpoint_id,
        "fields": fields,
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def question_text(question: InputRequiredEvent, run_id: str, number: int, total: int) -> str:
    """A pending question for a person: prompt, each field's rules and help, and
    the command that answers it."""
    lines = [f"Question {number} of {total}: {question.message}"]
    rules_of = type(question).answer_rules
    for name, rules in rules_of.items():
        shown = (rules.label or "").casefold() not in ("", name.casefold(), _words(name))
        label = f" ({rules.label})" if shown else ""
        lines.append(f"  {name}{label}: {', '.join(constraints(rules))}")
        if rules.help:
            lines.append(f"    {one_line(rules.help)}")
        if rules.choices is not None:
            lines.append(f"    choices: {', '.join(str(c) for c in rules.choices)}")
        current = getattr(question, name)
        if current not in (None, "", []):
            lines.append(f"    now: {_shown(current)}")
    sets = "".join(f" --set {name}=..." for name in rules_of)
    lines += ["Answer it with:", f"  hitl answer {shlex.quote(run_id)}{sets}"]
    return "\n".join(lines)


def _words(name: str) -> str:
    return " ".join(name.replace("-", "_").split("_")).casefold()


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return one_line(value, 60)


def result_text(result: Any) -> str:
    """A run's result: text as it is, anything else as indented JSON."""
    return result if isinstance(result, str) else dumps(result)


def value_text(value: Any, indent: str) -> str:
    """An answer's value, its lines indented (multi-line answers keep their lines)."""
    if value is None or value == "" or value == []:
        return "(no answer)"
    text = _shown(value) if isinstance(value, (bool, list)) else str(value)
    return text.replace("\n", "\n" + indent)
