"""HistoryScreen: a session's tree of runs and checkpoints.

Each run is a node (its status, and for a branch the step it forked from);
under it its checkpoints in order, and the branches that forked from each one
right after it. The selected checkpoint's input event, output event and saved
state show as JSON beside the tree. From a checkpoint a person can edit its
output event (a validated form; the engine refuses a bad edit and nothing is
stored) and go on from there on a new branch, or go on from it unchanged.

Every store read and write runs in a thread worker that posts a message back.
Stored text is shown as text (rich ``Text``, Textual ``Content`` and its JSON
highlighting), never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.highlight import highlight
from textual.message import Message
from textual.widgets import Header, Static, Tree

from hitl import FAILED, RunInfo
from tui.app.follow import StoreChanged
from tui.app.screens.base import HitlScreen
from tui.app.screens.edit_event import EditEventScreen, go_to_run
from tui.app.status import status_styles
from tui.app.text import plain
from tui.app.widgets.footer import Footer
from tui.app.widgets.run_tree import Row, RunTree
from tui.sessions.branching import branch
from tui.sessions.session_tree import (
    CheckpointDetail,
    CheckpointRow,
    RunRow,
    SessionTree,
    load_checkpoint,
    load_session,
)
from tui.sessions.text import when


class HistoryScreen(HitlScreen[None]):
    """The session of ``run_id``: its runs, their checkpoints, and branching from any."""

    CSS_PATH = "history.tcss"
    AUTO_FOCUS = "#history-tree"
    PROBLEM_TITLE = "History"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit & branch", id="history.edit",
                tooltip="Edit the checkpoint's output event and go on from it on a new branch"),
        Binding("r", "resume", "Resume from here", id="history.resume",
                tooltip="Go on from the checkpoint unchanged, on a new branch"),
        Binding("o", "open_run", "Open run", id="history.open",
                tooltip="Open the picked run at its question, or its review"),
        Binding("escape", "back", "Back", id="history.back"),
    ]

    class Loaded(Message):
        """A worker read the session."""

        def __init__(self, session: SessionTree) -> None:
            super().__init__()
            self.session = session

    class DetailLoaded(Message):
        """A worker decoded the selected checkpoint."""

        def __init__(self, detail: CheckpointDetail) -> None:
            super().__init__()
            self.detail = detail

    class Branched(Message):
        """A new run went on from a checkpoint (resume from here)."""

        def __init__(self, run: RunInfo) -> None:
            super().__init__()
            self.run = run

    def __init__(self, run_id: str, flow: str | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.flow = flow
        self.session: SessionTree | None = None
        self.detail: CheckpointDetail | None = None
        self.busy = False
        self._stale = False
        """Set when the person left for a run's question or review: reload on return."""
        self._edit_when_loaded: str | None = None
        """A checkpoint whose edit was asked for before its events were read."""
        self._keep: str | None = None
        """The node (checkpoint or run id) to select again after a reload."""

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="history-body"):
            with Vertical(id="history-side"):
                yield Static(plain("Runs and checkpoints", "bold"), id="history-heading")
                yield RunTree(id="history-tree")
            with VerticalScroll(id="history-detail"):
                yield Static(plain("Loading…"), id="detail-head")
                yield Static("", id="detail-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "History"
        self._work(self._load_job)

    # -- workers ----------------------------------------------------------------

    def _work(self, job: Callable[[], Message], group: str = "io") -> None:
        if group == "io":
            self.busy = True
        self.work(job, group)

    def _ckptr(self) -> Any:
        if self.flow is None:
            self.flow = self.hitl.flow_of(self.run_id)
        return self.hitl.checkpointer(self.flow)

    def _load_job(self) -> Message:
        return self.Loaded(load_session(self._ckptr(), self.run_id))

    # -- what the workers say ---------------------------------------------------

    def on_history_screen_loaded(self, message: Loaded) -> None:
        self.busy = False
        self.session = session = message.session
        self.run_id = session.current
        if self.flow:
            self.sub_title = f"History · {self.hitl.flow_title(self.flow)}"
        tree = self.query_one(RunTree)
        target = tree.show(session, keep=self._keep)
        self._keep = None
        if target is not None:
            self.call_after_refresh(tree.go_to, target)

    def on_history_screen_detail_loaded(self, message: DetailLoaded) -> None:
        picked = self.query_one(RunTree).picked
        if not isinstance(picked, CheckpointRow) or picked.id != message.detail.row.id:
            return  # the cursor moved on meanwhile
        self.detail = detail = message.detail
        self.query_one("#detail-head", Static).update(checkpoint_head(detail.row))
        self.query_one("#detail-body", Static).update(detail_body(detail))
        if self._edit_when_loaded == detail.row.id:
            self.action_edit()

    def on_history_screen_branched(self, message: Branched) -> None:
        self.busy = False
        self._go(message.run, branched=True)

    def _go(self, run: RunInfo, *, branched: bool = False) -> None:
        """Leave for ``run``'s question or review; the tree is read again on return.

        A new run that failed at once stays here: the tree shows it, with its error.
        """
        if branched and run.status == FAILED:
            self.notify(f"The new run failed in a step: {run.error or 'no reason recorded'}",
                        title="Branch failed", severity="error", markup=False, timeout=8)
            self.run_id = run.run_id
            self._work(self._load_job)
            return
        self._stale = True
        if branched:
            self.run_id = run.run_id
        else:
            self._keep = self._picked_id()
        go_to_run(self.app, run)

    def _picked_id(self) -> str | None:
        """The checkpoint or run under the cursor, to select again after a reload."""
        data = self.query_one(RunTree).picked
        if isinstance(data, CheckpointRow):
            return data.id
        return data.run_id if isinstance(data, RunRow) else None

    def on_store_changed(self, message: StoreChanged) -> None:
        session = self.session
        current = None if session is None else session.runs[session.current].info.session
        if not self.busy and message.touches(current, self.run_id):
            self._keep = self._picked_id()  # what the person looks at stays picked
            self._work(self._load_job)

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self._work(self._load_job)

    def on_hitl_screen_problem(self, message: HitlScreen.Problem) -> None:
        self.busy = False  # then HitlScreen's own handler shows it
        if self.session is None:  # the session could not be read at all: nothing to show
            self.dismiss()

    # -- the tree ---------------------------------------------------------------

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Row]) -> None:
        data = event.node.data
        self.detail = None
        head = self.query_one("#detail-head", Static)
        body = self.query_one("#detail-body", Static)
        if isinstance(data, RunRow):
            head.update(run_head(data, status_styles(self.app.theme_variables)))
            body.update(run_body(data))
        elif isinstance(data, CheckpointRow):
            head.update(checkpoint_head(data))
            body.update(plain("Loading…", "dim"))
            checkpoint_id = data.id
            self._work(
                lambda: self.DetailLoaded(load_checkpoint(self._ckptr(), checkpoint_id)),
                group="detail",
            )

    def _selected(self) -> CheckpointRow | None:
        data = self.query_one(RunTree).picked
        if isinstance(data, CheckpointRow):
            return data
        self.notify("Pick a checkpoint in the tree first (a line under a run).",
                    severity="warning", markup=False)
        return None

    # -- actions ----------------------------------------------------------------

    def action_edit(self) -> None:
        row = self._selected()
        if row is None or self.busy:
            return
        detail = self.detail
        if detail is None or detail.row.id != row.id:
            self._edit_when_loaded = row.id  # its events are being read: open it then
            return
        self._edit_when_loaded = None
        if detail.output_event is None:
            self.notify("This checkpoint's output event cannot be read, so it cannot be "
                        "edited; its error is shown beside the tree.", severity="error",
                        markup=False)
            return
        title = f"Edit the output of checkpoint {row.seq} · {row.step_label} ({row.output_type})"
        self.app.push_screen(
            EditEventScreen(self._ckptr(), row.id, detail.output_event, title=title),
            self._edited,
        )

    def _edited(self, run: RunInfo | None) -> None:
        if run is not None:
            self._go(run, branched=True)

    def action_resume(self) -> None:
        row = self._selected()
        if row is None or self.busy:
            return
        checkpoint_id = row.id
        self.notify(f"Going on from checkpoint {row.seq} ({row.step_label}) on a new branch…",
                    markup=False)
        self._work(lambda: self.Branched(branch(self._ckptr(), checkpoint_id)))

    def action_open_run(self) -> None:
        data = self.query_one(RunTree).picked
        session = self.session
        if session is None:
            return
        run_id = data.run_id if isinstance(data, RunRow | CheckpointRow) else None
        if run_id is None:
            return
        self._go(session.runs[run_id].info)

    def action_back(self) -> None:
        self.dismiss()


# -- what the screen shows (rich text, never markup) ------------------------------------


def checkpoint_head(row: CheckpointRow) -> Text:
    head = Text()
    head.append(f"Checkpoint {row.seq} · {row.step_label}\n", style="bold")
    head.append(f"{row.input_type} → {row.output_type} · {when(row.created_at)}\n")
    head.append(f"run {row.run_id}\ncheckpoint {row.id}\n", style="dim")
    head.append("e: edit its output and branch · r: resume from here", style="italic dim")
    return head


def run_head(run: RunRow, styles: Mapping[str, str]) -> Text:
    head = Text()
    head.append(f"Run {run.run_id}\n", style="bold")
    head.append(run.status, style=styles.get(run.status, "bold"))
    count = len(run.checkpoints)
    head.append(f" · {count} checkpoint{'s' if count != 1 else ''}")
    head.append("\no: open it", style="italic dim")
    return head


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
    return Content("\n").join(parts)
