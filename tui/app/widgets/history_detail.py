"""What the history screen shows beside its tree, in its two views.

The answers view speaks to the person who answers: the question, the answer,
who gave it and when, what a branch changed. The technical view shows the
engine's words: step names, event types, the events and the saved state as
JSON. Everything is rich ``Text`` or Textual ``Content``: stored text is never
read as markup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from rich.text import Text
from textual.content import Content
from textual.highlight import highlight

from hitl import Event, InputRequiredEvent, StopEvent
from tui.app.text import plain
from tui.app.widgets.answer_view import answer_text
from tui.app.widgets.answers_panel import question_label
from tui.sessions.audit import who
from tui.sessions.session_tree import CheckpointDetail, CheckpointRow, RunRow, SessionTree
from tui.sessions.text import when

TECHNICAL_HINT = "t: the technical view (steps, events and state)"
ANSWERS_HINT = "t: back to the answers"


# -- the answers view ---------------------------------------------------------------------


def answer_head(row: CheckpointRow, branch: str) -> Text:
    """The head of a checkpoint in the answers view: what it is, who made it, when."""
    head = Text()
    event = row.question
    if row.is_answer and event is not None:
        verb = "changed" if row.changed else "answered"
        head.append(f"Question {row.number} · {verb} by ", style="bold")
        head.append(who(row.author), style="bold")
    elif event is not None:
        head.append(f"Question {row.number} · waiting for an answer", style="bold")
    elif row.is_result:
        head.append("Result", style="bold")
    else:
        what = "Result" if row.output_type == "StopEvent" else "A step's output"
        head.append(f"{what} changed by ", style="bold")
        head.append(who(row.author), style="bold")
    head.append(f"\n{when(row.created_at)} · {branch}", style="dim")
    return head


def answer_body(row: CheckpointRow, detail: CheckpointDetail | None = None) -> Content:
    """The question and its answer (what it replaced, for a change); the result.

    ``detail`` (the checkpoint read whole) adds what only it holds: the answer
    before a change, the result.
    """
    parts: list[Content] = []
    event = row.question
    if event is not None:
        parts.append(plain(event.message, "bold"))
        parts.append(Content(""))
        if row.is_answer:
            parts.append(Content.from_rich_text(answer_text(event)))
            before = detail.input_event if detail is not None else None
            if row.changed and isinstance(before, InputRequiredEvent) \
                    and before.answers() != event.answers() and any(before.answers().values()):
                parts += [Content(""), Content.styled("Before", "bold dim"),
                          Content.from_rich_text(answer_text(before)).stylize("dim")]
        else:
            parts.append(Content.styled("o: open the branch to answer it", "italic dim"))
    elif detail is None:
        parts.append(Content.styled("Loading…", "dim"))
    else:
        parts.append(result_body(detail.output_event))
    parts += [Content(""), Content.styled(TECHNICAL_HINT, "italic dim")]
    return Content("\n").join(parts)


def result_body(event: Event | None) -> Content:
    if not isinstance(event, StopEvent):
        if event is None:
            return Content.styled("It cannot be read: the technical view says why.", "$text-error")
        return highlight(json.dumps(event.model_dump(mode="json"), indent=2,
                                    ensure_ascii=False, default=str), language="json")
    result = event.result
    if isinstance(result, str):
        return Content(result)
    return highlight(json.dumps(result, indent=2, ensure_ascii=False, default=str),
                     language="json")


def branch_head(session: SessionTree, run: RunRow, styles: Mapping[str, str]) -> Text:
    label = session.label(run.run_id)
    answers = sum(1 for c in run.checkpoints if c.is_answer)
    hint = "o: open it" + (" · c: compare it with another branch" if len(session.runs) > 1 else "")
    return _run_head(
        label[:1].upper() + label[1:], run, styles,
        f"{answers} answer{'s' if answers != 1 else ''} on this branch", hint,
    )


def branch_body(session: SessionTree, run: RunRow) -> Text:
    lines = [f"Started by {who(run.info.author)} · {when(run.info.created_at)}",
             f"Last change: {when(run.info.updated_at)}"]
    origin = run.origin
    if origin is not None:
        parent = session.runs.get(origin.run_id)
        of = f"branch {parent.number}" if parent is not None else f"run {origin.run_id}"
        if origin.question is not None:
            where = f"question {origin.number} ({question_label(origin.question)})"
        else:
            where = f"step {origin.seq}"
        lines.append(f"Branched from {where} of {of}")
        made_on = session.runs.get(run.info.made_from or "")
        if made_on is not None and made_on.run_id != origin.run_id:
            lines.append(
                f"Made while on branch {made_on.number}: its later answers were offered here"
            )
    else:
        lines.append("The session's first run.")
    body = Text("\n".join(lines))
    if run.info.error:
        body.append(f"\nError: {run.info.error}", style="red")
    body.append(f"\n\n{TECHNICAL_HINT}", style="italic dim")
    return body


def _run_head(
    title: str, run: RunRow, styles: Mapping[str, str], count: str, keys: str
) -> Text:
    """A run's head in either view: its name, its status and a count, the keys."""
    head = Text()
    head.append(f"{title}\n", style="bold")
    head.append(run.status, style=styles.get(run.status, "bold"))
    head.append(f" · {count}")
    head.append(f"\n{keys}", style="italic dim")
    return head


# -- the technical view -------------------------------------------------------------------


def checkpoint_head(row: CheckpointRow) -> Text:
    head = Text()
    head.append(f"Checkpoint {row.seq} · {row.step_label}\n", style="bold")
    head.append(f"{row.input_type} → {row.output_type} · {when(row.created_at)}\n")
    if row.step == "human":
        head.append(f"by {who(row.author)}\n")
    head.append(f"run {row.run_id}\ncheckpoint {row.id}\n", style="dim")
    head.append("e: edit its output and branch · b: branch from here", style="italic dim")
    return head


def run_head(run: RunRow, styles: Mapping[str, str]) -> Text:
    count = len(run.checkpoints)
    return _run_head(
        f"Run {run.run_id}", run, styles, f"{count} checkpoint{'s' if count != 1 else ''}",
        "o: open it",
    )


def run_body(run: RunRow) -> Text:
    lines = [
        f"Flow: {run.info.flow}",
        f"Started: {when(run.info.created_at)}",
        f"Last change: {when(run.info.updated_at)}",
    ]
    if run.origin is not None:
        lines.append(
            f"Branched from: step {run.origin.seq} ({run.origin.step}) of run {run.origin.run_id}"
        )
    else:
        lines.append("The session's first run.")
    body = Text("\n".join(lines))
    if run.info.error:
        body.append(f"\nError: {run.info.error}", style="red")
    body.append(f"\n\n{ANSWERS_HINT}", style="italic dim")
    return body


def detail_body(detail: CheckpointDetail) -> Content:
    """The checkpoint's parts as highlighted JSON (theme colours; the text is never markup)."""
    parts: list[Content] = []
    for section in detail.sections:
        parts.append(Content.styled(section.title, "bold underline"))
        if section.json is not None:
            parts.append(highlight(section.json, language="json"))
        else:
            parts.append(Content.styled(section.error or "cannot be read", "$text-error"))
        parts.append(Content(""))
    parts.append(Content.styled(ANSWERS_HINT, "italic dim"))
    return Content("\n").join(parts)
