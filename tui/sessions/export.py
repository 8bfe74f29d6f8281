"""Export a run: the answers a person gave on the way to it, and its result.

Headless (no textual): the CLI's ``hitl export`` and the TUI's review screen
both call :func:`export_markdown` and :func:`export_data`.

A run's answers are read along its lineage, through the runs it branched from.
An answer changed on a branch (a ``human`` checkpoint whose parent is the
answer it replaces) takes the place of the answer it changed, so each
question appears once, with the answer that led to this run.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hitl import (
    COMPLETED,
    Checkpoint,
    InputRequiredEvent,
    Rules,
    StopEvent,
    WorkflowCheckpointer,
)
from hitl.lineage import standing_answers, title_of
from tui.sessions.summary import status_of


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer field as the person left it on the way to a run's tip."""

    id: str
    """The answer field's name."""
    question: str
    """The question's prompt (its ``message``)."""
    label: str
    value: Any
    """The value as JSON would hold it (dates as ISO text)."""
    rules: Rules
    checkpoint_id: str
    """The ``human`` checkpoint that holds it."""
    answered_at: datetime
    author: str | None = None
    """Who gave it (None: not recorded)."""


def lineage_answers(ckptr: WorkflowCheckpointer, run_id: str) -> list[Answer]:
    """The answers of ``run_id``'s lineage, in the order the questions were asked."""
    answers: list[Answer] = []
    for checkpoint in standing_answers(ckptr.lineage(run_id), ckptr.workflow):
        event = checkpoint.output_event
        if isinstance(event, InputRequiredEvent):
            answers += _answers(event, checkpoint)
    return answers


def _answers(event: InputRequiredEvent, checkpoint: Checkpoint) -> list[Answer]:
    values = event.model_dump(mode="json")
    return [
        Answer(
            id=name, question=event.message, label=rules.label or name, value=values[name],
            rules=rules, checkpoint_id=checkpoint.id, answered_at=checkpoint.created_at,
            author=checkpoint.author,
        )
        for name, rules in type(event).answer_rules.items()
    ]


def run_result(ckptr: WorkflowCheckpointer, run_id: str) -> tuple[bool, Any]:
    """(True, the result) when the run has completed, else (False, None)."""
    run = ckptr.get_run(run_id)
    if run.status != COMPLETED or run.tip is None:
        return False, None
    event = ckptr.get_checkpoint(run.tip).output_event
    if not isinstance(event, StopEvent):
        return False, None
    return True, _jsonable(event.result)


def _jsonable(value: Any) -> Any:
    """A result as JSON holds it (a flow may return dates or models)."""
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False))


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def export_data(ckptr: WorkflowCheckpointer, run_id: str) -> dict[str, Any]:
    """The run as a JSON object.

    ``{flow, title, run_id, session, status, started_at, updated_at,
    answers: [{id, question, value, author, answered_at}], result}``;
    ``result`` is null until the run has completed, ``author`` null where not
    recorded. Times are ISO 8601 in UTC.
    """
    run = ckptr.get_run(run_id)
    workflow = ckptr.workflow
    _, result = run_result(ckptr, run.run_id)
    return {
        "flow": run.flow,
        "title": workflow.title or run.flow,
        "run_id": run.run_id,
        "session": run.session,
        "status": status_of(run),  # interrupted, not running, once its process is gone
        "started_at": _session_start(ckptr, run.run_id).isoformat(),
        "updated_at": run.updated_at.isoformat(),
        "answers": [
            {"id": a.id, "question": a.question, "value": a.value, "author": a.author,
             "answered_at": a.answered_at.isoformat()}
            for a in lineage_answers(ckptr, run.run_id)
        ],
        "result": result,
    }


def _session_start(ckptr: WorkflowCheckpointer, run_id: str) -> datetime:
    """When the lineage began: its session's root run was created (a root
    outlives its branches: deleting a run deletes the runs branched from it)."""
    return ckptr.get_run(ckptr.get_run(run_id).session).created_at


def export_markdown(ckptr: WorkflowCheckpointer, run_id: str) -> str:
    """The run as a Markdown document: a title, the status and dates, each
    question as a heading with its answer, then the result.

    Answers are kept as text: characters Markdown would read as markup are
    escaped, and the lines of a multi-line answer stay lines.
    """
    data = export_data(ckptr, run_id)
    answers = lineage_answers(ckptr, data["run_id"])
    lines = [
        f"# {escape(data['title'])}",
        "",
        f"- Status: {data['status']}",
        f"- Started: {_when(data['started_at'])}",
        f"- Last change: {_when(data['updated_at'])}",
        f"- Run: {data['run_id']}",
        "",
    ]
    previous: str | None = None
    for answer in answers:
        if answer.checkpoint_id != previous:
            lines += [f"## {_one_line(escape(answer.question))}", ""]
            if answer.author is not None:
                when = _when(answer.answered_at.isoformat())
                lines += [f"*{escape(_one_line(answer.author))}, {when}*", ""]
            previous = answer.checkpoint_id
        several = sum(1 for a in answers if a.checkpoint_id == answer.checkpoint_id) > 1
        if several:
            lines += [f"**{escape(answer.label)}**", ""]
        lines += [*_markdown_value(answer.value, answer.rules), ""]
    given = {a.id: a.value for a in answers}
    if data["status"] == COMPLETED and data["result"] != given:
        # A result that only repeats the answers (a questionnaire's) is not shown twice.
        lines += ["## Result", "", *_markdown_result(data["result"]), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _when(iso: str) -> str:
    """An ISO time as the reader's local time, with its offset."""
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M %z")


NO_ANSWER = "*(no answer)*"


def _markdown_value(value: Any, rules: Rules) -> list[str]:
    if value is None or value == "" or value == []:
        return [NO_ANSWER]
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, list):
        return [f"- {_one_line(escape(str(item)))}" for item in value]
    return _text_lines(str(value))


def _markdown_result(result: Any) -> list[str]:
    if result is None:
        return [NO_ANSWER.replace("answer", "result")]
    if isinstance(result, str):
        return _text_lines(result)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return [f"{fence}json", *text.splitlines(), fence]


def _text_lines(text: str) -> list[str]:
    """Text as Markdown paragraphs whose line breaks are kept (a trailing
    backslash is CommonMark's hard line break)."""
    lines = [escape(line) for line in text.strip("\n").split("\n")]
    out = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        out.append(line + "\\" if line.strip() and following.strip() else line)
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(r) for r in runs), default=0)


_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_BLOCK_MARK = re.compile(r"^(\s*)([#+=-])")
_LIST_NUMBER = re.compile(r"^(\s*\d+)([.)])")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def escape(text: str) -> str:
    """One line of text made safe to put in Markdown: it renders as itself."""
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _BLOCK_MARK.sub(r"\1\\\2", text)
    return _LIST_NUMBER.sub(r"\1\\\2", text)




# -- files ------------------------------------------------------------------------------

MAX_SLUG = 40


def slug(text: str) -> str:
    """``text`` as a short file-name word: "Bug report" gives "bug-report"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    word = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    if len(word) > MAX_SLUG:
        word = word[:MAX_SLUG].rsplit("-", 1)[0] if "-" in word[:MAX_SLUG] else word[:MAX_SLUG]
    return word.strip("-")


def export_name(title: str, run_id: str, fmt: str) -> str:
    """A short name for a run's export: a title (:func:`export_title`) and the
    run's short id, ``bug-report-0193ab12.md``."""
    return f"{slug(title) or 'hitl'}-{slug(run_id[:8]) or 'run'}.{fmt}"


def export_title(ckptr: WorkflowCheckpointer, run_id: str) -> str:
    """What a run's export is named after: the session's own title (the first
    answer that says something on the way to the run, as ``hitl list`` shows it)
    when it makes a file-name word, else the flow's title."""
    run = ckptr.get_run(run_id)
    title = run.title
    if title is None:  # a store written before titles were kept: work it out
        title = title_of(standing_answers(ckptr.lineage(run_id), ckptr.workflow))
    return title if slug(title) else ckptr.workflow.title or run.flow


def write_new(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name``, or, when that file exists, to ``name-2``,
    ``name-3``...: never over a file. A write that fails leaves no part behind."""
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot else (name, "")
    for number in itertools.count(1):
        path = folder / (name if number == 1 else f"{stem}-{number}{suffix}")
        try:
            file = path.open("x", encoding="utf-8")
        except FileExistsError:
            continue
        try:
            with file:
                file.write(text)
        except OSError:
            path.unlink(missing_ok=True)
            raise
        return path
    raise AssertionError("unreachable")

__all__ = [
    "Answer", "escape", "export_data", "export_markdown", "export_name", "export_title",
    "lineage_answers", "run_result", "slug", "write_new",
]
