"""HistoryScreen: a session's tree of runs and checkpoints.

Each run is a node, a numbered branch with what it changed ("branch 2 of 3 ·
objective changed"); under it its answers in order, each with who gave it and
when, and the branches that forked from each one right after it. The picked
answer's question and answer show beside the tree. ``t`` turns to the
technical view: every checkpoint with its step and event types, and its input
event, output event and saved state as JSON. From a checkpoint a person can
edit its output event (a validated form; the engine refuses a bad edit and
nothing is stored) and go on from there on a new branch, or go on from it
unchanged (``b``: the branch is stored when its first question is answered,
so looking around leaves no empty branch behind). ``c`` on two branches, one
after the other, compares their answers.

Every store read and write runs in a thread worker that posts a message back.
Stored text is shown as text (rich ``Text``, Textual ``Content`` and its JSON
highlighting), never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static, Tree

from hitl import FAILED, WAITING, RunInfo
from tui.app.follow import StoreChanged
from tui.app.screens.base import HitlScreen
from tui.app.screens.compare import CompareScreen, Side
from tui.app.screens.edit_event import EditEventScreen, go_to_run
from tui.app.status import status_styles
from tui.app.text import plain
from tui.app.widgets.answers_panel import question_label
from tui.app.widgets.footer import Footer
from tui.app.widgets.history_detail import (
    answer_body,
    answer_head,
    branch_body,
    branch_head,
    checkpoint_head,
    detail_body,
    run_body,
    run_head,
)
from tui.app.widgets.run_tree import Row, RunTree
from tui.sessions.branching import preview
from tui.sessions.session_tree import (
    CheckpointDetail,
    CheckpointRow,
    RunRow,
    SessionTree,
    load_checkpoint,
    load_session,
)

HEADINGS = {False: "Branches and answers", True: "Runs and checkpoints"}


class HistoryScreen(HitlScreen[None]):
    """The session of ``run_id``: its runs, their checkpoints, and branching from any."""

    CSS_PATH = "history.tcss"
    AUTO_FOCUS = "#history-tree"
    PROBLEM_TITLE = "History"

    NARROW_KEYS = ("history.edit", "history.branch", "history.back")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "compare", "Compare", id="history.compare",
                tooltip="Compare the picked branch's answers with another branch's"),
        Binding("t", "view(True)", "Technical", id="history.technical",
                tooltip="Every checkpoint: steps, events and saved state"),
        Binding("t", "view(False)", "Answers", id="history.answers",
                tooltip="The questions and answers, who gave them and when"),
        Binding("e", "edit", "Edit & branch", id="history.edit",
                tooltip="Edit the checkpoint's output event and go on from it on a new branch"),
        Binding("b", "branch", "Branch from here", id="history.branch",
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
        """A new run went on from a checkpoint (branch from here)."""

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
                yield Static(plain(HEADINGS[False], "bold"), id="history-heading")
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
        self._show(picked)
        if self._edit_when_loaded == detail.row.id:
            self.action_edit()

    def on_history_screen_branched(self, message: Branched) -> None:
        self.busy = False
        run = message.run
        # A branch waiting on its first question is not stored until answered: on
        # return the history shows the run it came from, the checkpoint still picked.
        self._go(run, branched=run.status != WAITING)

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

    @property
    def technical(self) -> bool:
        return self.query_one(RunTree).technical

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Row]) -> None:
        data = event.node.data
        if isinstance(data, CheckpointRow) and self.detail is not None \
                and self.detail.row.id == data.id:
            self._show(data)  # the same checkpoint, read again: a stored one never changes
            return
        self.detail = None
        self._show(data)
        if isinstance(data, CheckpointRow):
            checkpoint_id = data.id
            self._work(
                lambda: self.DetailLoaded(load_checkpoint(self._ckptr(), checkpoint_id)),
                group="detail",
            )

    def _show(self, data: Row | None) -> None:
        """Show ``data`` beside the tree, in the tree's view (its whole checkpoint
        once read: ``self.detail``)."""
        head = self.query_one("#detail-head", Static)
        body = self.query_one("#detail-body", Static)
        session = self.session
        detail = self.detail if isinstance(data, CheckpointRow) and self.detail is not None \
            and self.detail.row.id == data.id else None  # fmt: skip
        styles = status_styles(self.app.theme_variables)
        if session is None or data is None:
            return
        if isinstance(data, RunRow):
            if self.technical:
                head.update(run_head(data, styles))
                body.update(run_body(data))
            else:
                head.update(branch_head(session, data, styles))
                body.update(branch_body(session, data))
        elif self.technical:
            head.update(checkpoint_head(data))
            body.update(plain("Loading…", "dim") if detail is None else detail_body(detail))
        else:
            head.update(answer_head(data, session.label(data.run_id)))
            body.update(answer_body(data, detail))

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
        if row.is_answer and not self.technical:
            title = f"Change answer {row.number}"
        elif row.is_result and not self.technical:
            title = "Change the result"
        else:
            title = (f"Edit the output of checkpoint {row.seq} · {row.step_label} "
                     f"({row.output_type})")
        self.app.push_screen(
            EditEventScreen(self._ckptr(), row.id, detail.output_event, title=title,
                            on=row.run_id),
            self._edited,
        )

    def _edited(self, run: RunInfo | None) -> None:
        if run is not None:
            self._go(run, branched=True)

    def action_branch(self) -> None:
        row = self._selected()
        if row is None or self.busy:
            return
        if row.output_type == "StopEvent":  # the result, or an edit of it: the run ended there
            self.notify("The run ended at this checkpoint: there is nothing after it to go on "
                        "to. Press e to change it, on a new branch.", title="Nothing to branch",
                        markup=False)
            return
        checkpoint_id, on = row.id, row.run_id
        where = (f"your answer to question {row.number} ({question_label(row.question)})"
                 if row.is_answer and row.question is not None
                 else f"checkpoint {row.seq} ({row.step_label})")
        self.notify(f"Going on from {where} on a new branch, kept when you answer…",
                    markup=False)
        self._work(lambda: self.Branched(preview(self._ckptr(), checkpoint_id, on=on)))

    def action_open_run(self) -> None:
        data = self.query_one(RunTree).picked
        session = self.session
        if session is None:
            return
        run_id = data.run_id if isinstance(data, RunRow | CheckpointRow) else None
        if run_id is None:
            return
        self._go(session.runs[run_id].info)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "view":  # one key, t: the footer names the view it turns to
            return parameters[0] != self.technical
        return True

    def action_view(self, technical: bool) -> None:
        tree = self.query_one(RunTree)
        if tree.technical == technical or self.session is None:
            return
        keep = self._picked_id()
        tree.technical = technical
        self.query_one("#history-heading", Static).update(plain(HEADINGS[technical], "bold"))
        target = tree.show(self.session, keep=keep)
        if target is not None:
            self.call_after_refresh(tree.go_to, target)
        self.refresh_bindings()

    def action_compare(self) -> None:
        session = self.session
        data = self.query_one(RunTree).picked
        if session is None or not isinstance(data, RunRow | CheckpointRow):
            return
        tree = self.query_one(RunTree)
        run_id = data.run_id
        if len(session.runs) < 2:
            self.notify("This session has one branch: there is nothing to compare it with. "
                        "Changing an answer makes another.", severity="warning", markup=False)
            return
        if len(session.runs) == 2 and tree.marked is None:  # the other one, of course
            first, second = session.runs  # in the order made
            self._compare(first, second)
            return
        if tree.marked is None or tree.marked not in session.runs:
            tree.mark(run_id)
            self.notify(f"Picked {session.label(run_id)} to compare: move to another "
                        "branch and press c.", markup=False)
            return
        first = tree.marked
        tree.mark(None)
        if first == run_id:
            self.notify("Nothing picked to compare.", markup=False)
            return
        self._compare(first, run_id)

    def _compare(self, a: str, b: str) -> None:
        session = self.session
        assert session is not None
        a_side, b_side = (Side(r, f"branch {session.runs[r].number}", session.label(r))
                          for r in (a, b))
        self.app.push_screen(CompareScreen(self._ckptr(), a_side, b_side))

    def action_back(self) -> None:
        self.dismiss()
