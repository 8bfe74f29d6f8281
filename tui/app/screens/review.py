"""ReviewScreen: a completed run's answers, its result, and export.

Every answer that stands in the run's lineage is listed with its question, in
the order asked. Picking one (enter, a click, or e) opens it in a form: a
changed answer starts a new branch from it (``run_from``), which goes on to the
new run's next question, or to its review when it completes straight away. The
run reviewed is kept as it was. Export writes Markdown or JSON
(:mod:`tui.sessions.export`) to the exports folder
(:func:`tui.sessions.locations.exports_dir`);
in a browser (``hitl serve``) it is a download to the person's own machine.

Store reads and writes, the flow's steps and export files run in thread
workers that post a message back. Answers are shown as text, never as markup.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.highlight import highlight
from textual.message import Message
from textual.widgets import Header, ListItem, ListView, Static

from hitl import COMPLETED, RunInfo, WorkflowCheckpointer
from tui.app.follow import StoreChanged
from tui.app.screens.base import HitlScreen, describe
from tui.app.screens.edit_event import EditEventScreen, go_to_run
from tui.app.text import plain
from tui.app.widgets.answer_view import answer_text
from tui.app.widgets.footer import Footer
from tui.sessions import locations
from tui.sessions.audit import who
from tui.sessions.export import (
    export_data,
    export_markdown,
    export_name,
    export_title,
    run_result,
    write_new,
)
from tui.sessions.run_view import Answer, RunView, load_run
from tui.sessions.text import dumps, when

FORMATS = {"md": "Markdown", "json": "JSON"}
MIME_TYPES = {"md": "text/markdown", "json": "application/json"}


# -- what the screen shows, read off the UI thread ---------------------------------------


@dataclass(frozen=True, slots=True)
class Review:
    view: RunView
    """The run's standing answers in the order asked (each with the ``human``
    checkpoint an edit branches from), its status."""
    title: str
    done: bool
    result: Any

    @property
    def answers(self) -> tuple[Answer, ...]:
        return self.view.answers


def load_review(ckptr: WorkflowCheckpointer, run_id: str) -> Review:
    """The run's standing answers and its result (blocking)."""
    view = load_run(ckptr, run_id)
    done, result = run_result(ckptr, run_id)
    return Review(view=view, title=ckptr.workflow.title or view.flow, done=done, result=result)


def export_text(ckptr: WorkflowCheckpointer, run_id: str, fmt: str) -> tuple[str, str]:
    """The run's export (``md`` or ``json``): its file name and its text (blocking)."""
    if fmt == "json":
        text = dumps(export_data(ckptr, run_id)) + "\n"
    else:
        text = export_markdown(ckptr, run_id)
    return export_name(export_title(ckptr, run_id), run_id, fmt), text


def export_file(
    ckptr: WorkflowCheckpointer, run_id: str, fmt: str, folder: Path
) -> tuple[Path, bool]:
    """Write the run's export (``md`` or ``json``) into ``folder``, under a new name
    when its name is taken (never over a file); its path, and whether its name was
    taken (blocking)."""
    name, text = export_text(ckptr, run_id, fmt)
    path = write_new(folder, name, text)
    return path, path.name != name


# -- the screen ---------------------------------------------------------------------------


class AnswerItem(ListItem):
    """One answer: its question and what was answered."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(classes="review-answer")
        self.answer = answer

    def compose(self) -> ComposeResult:
        event = self.answer.event
        yield Static(plain(f"{self.answer.number}. {event.message}", "bold"),
                     classes="answer-prompt")
        yield Static(answer_text(event), classes="answer-text")
        yield Static(answered_by(self.answer), classes="answer-by")


class ReviewScreen(HitlScreen[None]):
    """Every answer of ``run_id``'s lineage, each editable; the result; export."""

    CSS_PATH = "review.tcss"
    AUTO_FOCUS = "#review-answers"
    PROBLEM_TITLE = "Review"
    NARROW_KEYS = ("review.edit", "review.export_md", "review.back")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="review.edit",
                tooltip="Change the picked answer (starts a new branch)"),
        Binding("m", "export('md')", "Markdown", id="review.export_md",
                tooltip="Export the answers and result to a Markdown file"),
        Binding("j", "export('json')", "JSON", id="review.export_json",
                tooltip="Export the answers and result to a JSON file"),
        Binding("h", "history", "History", id="review.history",
                tooltip="The session's runs and checkpoints"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    class Loaded(Message):
        def __init__(self, review: Review) -> None:
            super().__init__()
            self.review = review

    class Exported(Message):
        def __init__(self, path: Path, taken: bool, fmt: str) -> None:
            super().__init__()
            self.path = path
            self.taken = taken
            """The export's own name was taken: it was numbered."""
            self.fmt = fmt

    class Delivered(Message):
        """An export made for the browser to download (``hitl serve``)."""

        def __init__(self, name: str, text: str, fmt: str) -> None:
            super().__init__()
            self.name = name
            self.text = text
            self.fmt = fmt

    def __init__(self, run_id: str, flow: str | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.flow = flow
        self.review: Review | None = None
        self.exported: list[Path] = []
        """The files written by export, latest last."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(plain("Loading…"), id="review-head")
        yield Static("", id="review-exported")
        yield ListView(id="review-answers")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Review"
        self.work(self._load_job)

    # -- workers ----------------------------------------------------------------

    def failed(self, exc: Exception) -> Message:
        if isinstance(exc, OSError):
            return self.Problem(f"Could not write the export: {describe(exc)}", "Export failed")
        return super().failed(exc)

    def _ckptr(self) -> WorkflowCheckpointer:
        if self.flow is None:
            self.flow = self.hitl.flow_of(self.run_id)
        return self.hitl.checkpointer(self.flow)

    def on_store_changed(self, message: StoreChanged) -> None:
        review = getattr(self, "review", None)
        if review is not None and message.touches(review.view.session, review.view.run_id):
            self.work(self._load_job)

    def _load_job(self) -> Message:
        return self.Loaded(load_review(self._ckptr(), self.run_id))

    # -- what the workers say ---------------------------------------------------

    async def on_review_screen_loaded(self, message: Loaded) -> None:
        self.review = review = message.review
        self.sub_title = f"Review · {review.title}"
        self.query_one("#review-head", Static).update(review_head(review))
        answers = self.query_one(ListView)
        await answers.clear()
        items: list[ListItem] = [AnswerItem(a) for a in review.answers]
        result = ListItem(
            Static(plain("Result", "bold"), classes="answer-prompt"),
            Static(result_body(review), classes="answer-text"),
            id="review-result", classes="review-result", disabled=True,
        )
        await answers.extend([*items, result])
        if review.answers:
            answers.index = 0

    def on_review_screen_exported(self, message: Exported) -> None:
        self.exported.append(message.path)
        self.notify(f"Wrote {message.path}", title=f"Exported {FORMATS[message.fmt]}",
                    markup=False, timeout=8)
        # The paths stay on the screen after the toast has gone.
        shown = self.query_one("#review-exported", Static)
        shown.update(exported_text(self.exported, taken=message.taken))
        shown.display = True

    def on_review_screen_delivered(self, message: Delivered) -> None:
        self.app.deliver_text(
            io.StringIO(message.text), save_filename=message.name, open_method="download",
            encoding="utf-8", mime_type=MIME_TYPES[message.fmt],
        )
        self.notify(f"{message.name} goes to your browser's downloads",
                    title=f"Exported {FORMATS[message.fmt]}", markup=False, timeout=8)

    def on_hitl_screen_problem(self, message: HitlScreen.Problem) -> None:
        # HitlScreen's own handler then shows it
        if self.review is None:  # the run could not be read at all: nothing to show
            self.dismiss()

    # -- actions ----------------------------------------------------------------

    @on(ListView.Selected, "#review-answers")
    def _picked(self, event: ListView.Selected) -> None:
        if isinstance(event.item, AnswerItem):
            self._edit(event.item.answer)

    def action_edit(self) -> None:
        item = self.query_one(ListView).highlighted_child
        if isinstance(item, AnswerItem):
            self._edit(item.answer)
        else:
            self.notify("Pick an answer first.", severity="warning", markup=False)

    def _edit(self, answer: Answer) -> None:
        if self.review is None:
            return
        self.app.push_screen(
            EditEventScreen(
                self._ckptr(), answer.checkpoint_id, answer.event,
                title=f"Change answer {answer.number}", on=self.run_id,
                note="Saving branches from this answer; the run you reviewed is kept.",
            ),
            self._edited,
        )

    def _edited(self, run: RunInfo | None) -> None:
        if run is None:
            return
        self.notify("Continuing on a new branch. The run you reviewed is kept in the history.",
                    title="Answer changed", markup=False)
        self.dismiss()
        go_to_run(self.app, run)

    def action_export(self, fmt: str) -> None:
        if fmt not in FORMATS or self.review is None:
            return
        run_id = self.run_id
        if self.app.is_web:  # a download to the person's machine, not a file on the server
            self.work(lambda: self.Delivered(*export_text(self._ckptr(), run_id, fmt), fmt),
                      group="export")
            return
        self.work(
            lambda: self.Exported(
                *export_file(self._ckptr(), run_id, fmt, locations.exports_dir()), fmt
            ),
            group="export",
        )

    def action_history(self) -> None:
        self.hitl.open_history(self.run_id)

    def action_back(self) -> None:
        self.dismiss()


# -- text ---------------------------------------------------------------------------------


def answered_by(answer: Answer) -> Text:
    """Who gave an answer and when: "answered by Ann · 2026-01-05 09:01:30"."""
    text = Text(f"answered by {who(answer.author)}", style="italic dim")
    if answer.answered_at is not None:
        text.append(f" · {when(answer.answered_at)}")
    return text


def exported_text(paths: list[Path], *, taken: bool = False) -> Text:
    """The files this screen wrote (the last three, latest last); ``taken``: the
    latest has a number because a file had its name."""
    text = Text()
    for i, path in enumerate(paths[-3:]):
        if i:
            text.append("\n")
        text.append("Exported to ", style="bold")
        text.append(str(path))
    if taken:
        text.append("\n(a file had that name already: it was kept, and this one numbered)",
                    style="italic")
    return text


def review_head(review: Review) -> Text:
    head = Text()
    count = len(review.answers)
    head.append(review.title, style="bold")
    head.append(f" · {review.view.status} · {count} answer{'s' if count != 1 else ''}")
    head.append(f" · run {review.view.run_id}", style="dim")
    if review.view.status != COMPLETED:
        head.append("\nThis run has not completed: its answers so far.", style="italic")
    head.append("\nEnter or click an answer to change it (that starts a new branch).",
                style="dim")
    return head


def result_body(review: Review) -> Content | Text:
    if not review.done:
        return Text("(the run has not completed)", style="dim italic")
    result = review.result
    if isinstance(result, str):
        return Text(result)
    return highlight(json.dumps(result, indent=2, ensure_ascii=False), language="json")
