"""RunTree: a session's runs and checkpoints as a tree.

Each run is a node; under it its checkpoints in order, each followed by the
runs that branched from it. Two views of the same tree: the answers view (a
person's words: "branch 2 of 3 · objective changed", each question's answer
with who gave it and when, the question waited on, the result) and the
technical view (every checkpoint: step names and event types). Node data is
the row it shows (:class:`~tui.sessions.session_tree.RunRow` or
:class:`~tui.sessions.session_tree.CheckpointRow`). Labels are rich ``Text``:
never markup.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual import events
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from hitl import HUMAN
from tui.app.status import status_styles
from tui.app.widgets.answers_panel import answer_text, question_label
from tui.sessions.audit import who
from tui.sessions.session_tree import CheckpointRow, RunRow, SessionTree
from tui.sessions.text import one_line

MIN_ANSWER = 12
"""An answer keeps at least this many characters in the tree, however narrow (the
detail beside it shows it whole); who gave it and when stay in view otherwise."""

Row = RunRow | CheckpointRow

class RunTree(Tree[Row]):
    """The runs of a session and their checkpoints; :meth:`show` fills it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("session"), id=id)
        self.show_root = False
        self.guide_depth = 3
        self.nodes: dict[str, TreeNode[Row]] = {}
        """Nodes by checkpoint id and by run id."""
        self.technical = False
        """Every checkpoint with its step and event types, instead of the answers."""
        self.marked: str | None = None
        """A run picked to compare with another (shown with a mark)."""
        self._session: SessionTree | None = None

    def show(self, session: SessionTree, keep: str | None = None) -> TreeNode[Row] | None:
        """Show ``session``: the runs down to the current one expanded. Returns the
        node to select: ``keep`` (a checkpoint or run id) if it is still there
        (a checkpoint the view leaves out: the one before it, or its run), else
        the current run's latest checkpoint shown, else the current run."""
        self.clear()
        self.nodes = {}
        self._session = session
        expanded = set(session.path_to(session.current))
        for run_id in session.roots:
            self._add_run(self.root, session, session.runs[run_id], expanded, 0)
        current = session.runs[session.current]
        target = self._nearest(session, keep) if keep else None
        if target is None and current.tip is not None:
            target = self._nearest(session, current.tip.id)
        return target or self.nodes.get(current.run_id)

    def _nearest(self, session: SessionTree, key: str) -> TreeNode[Row] | None:
        """The node of ``key``, or for a checkpoint this view leaves out, the
        latest shown before it in its run, else its run."""
        if key in self.nodes:
            return self.nodes[key]
        for run in session.runs.values():
            ids = [c.id for c in run.checkpoints]
            if key in ids:
                for row in reversed(run.checkpoints[: ids.index(key)]):
                    if row.id in self.nodes:
                        return self.nodes[row.id]
                return self.nodes.get(run.run_id)
        return None

    def mark(self, run_id: str | None) -> None:
        """Mark ``run_id`` as picked to compare (None: no mark); the cursor stays."""
        self.marked = run_id
        session = self._session
        if session is None:
            return
        styles = status_styles(self.app.theme_variables)
        for node in self.nodes.values():
            if isinstance(node.data, RunRow):
                node.set_label(self._run_label(session, node.data, styles))

    def _add_run(
        self, parent: TreeNode[Row], session: SessionTree, run: RunRow, expanded: set[str],
        depth: int,
    ) -> None:
        node = parent.add(
            self._run_label(session, run, status_styles(self.app.theme_variables)), data=run,
            expand=run.run_id in expanded,
        )
        self.nodes[run.run_id] = node
        shown = 0
        for checkpoint in run.checkpoints:
            if self.technical or checkpoint.plain:
                shown += 1
                label = checkpoint_label(checkpoint) if self.technical else answer_label(
                    checkpoint, self._room(depth + 1))
                self.nodes[checkpoint.id] = node.add_leaf(label, data=checkpoint)
            for fork in session.forks.get(checkpoint.id, ()):
                shown += 1
                self._add_run(node, session, session.runs[fork], expanded, depth + 1)
        if not shown:
            node.allow_expand = False

    def _room(self, depth: int) -> int:
        """How many characters a label at ``depth`` has before the tree scrolls sideways."""
        width = self.scrollable_content_region.width
        return width - (depth + 1) * self.guide_depth - 1 if width else 100

    def on_resize(self, event: events.Resize) -> None:
        """Cut the answers to the new width, so who and when stay in view."""
        if self.technical:
            return
        for node in self.nodes.values():
            if isinstance(node.data, CheckpointRow):
                depth, parent = 0, node.parent
                while parent is not None and parent is not self.root:
                    depth, parent = depth + 1, parent.parent
                node.set_label(answer_label(node.data, self._room(depth)))

    def _run_label(self, session: SessionTree, run: RunRow, styles: Mapping[str, str]) -> Text:
        current = run.run_id == session.current
        if self.technical:
            label = run_label(run, styles, current=current)
        else:
            label = branch_label_text(session, run, styles, current=current)
        if run.run_id == self.marked:
            label = Text.assemble(("◆ ", "bold"), label, (" (to compare)", "italic"))
        return label

    def go_to(self, node: TreeNode[Row]) -> None:
        """Put the cursor on ``node`` (highlighting it) and scroll it into view.

        Called after :meth:`show` (the other view, or the session read again):
        ``node`` is highlighted even when it is on the line the cursor was on,
        where the tree itself would say nothing and what is shown beside it
        would stay as it was.
        """
        if node.line == self.cursor_line:
            self.post_message(self.NodeHighlighted(node))
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    @property
    def picked(self) -> Row | None:
        """The row under the cursor."""
        node = self.cursor_node
        return node.data if node is not None else None


def run_label(run: RunRow, styles: Mapping[str, str], *, current: bool = False) -> Text:
    label = Text()
    if current:
        label.append("● ", style="bold")
    label.append(f"run {run.short_id} · ")
    label.append(run.status, style=styles.get(run.status, "bold"))
    if run.origin is not None:
        label.append(f" · branched from step {run.origin.seq}", style="italic")
    return label


def branch_label_text(
    session: SessionTree, run: RunRow, styles: Mapping[str, str], *, current: bool = False
) -> Text:
    """A run in the answers view: "● branch 2 of 3 · objective changed · waiting"."""
    label = Text()
    if current:
        label.append("● ", style="bold")
    label.append(session.label(run.run_id))
    label.append(" · ")
    label.append(run.status, style=styles.get(run.status, "bold"))
    return label


def answer_label(row: CheckpointRow, room: int = 100) -> Text:
    """A checkpoint in the answers view: the question's answer, who gave it and when;
    the question a run waits on; the result. The answer is cut to fit ``room``
    characters, keeping who and when in view."""
    label = Text()
    time = row.created_at.astimezone().strftime("%H:%M")
    event = row.question
    if event is not None:
        label.append(f"{row.number:>2} ", style="dim")
        if row.changed:
            label.append("✎ ", style="bold")
        if not (row.is_answer and room < 30):  # narrow: the answer and who; the detail names it
            label.append(f"{one_line(question_label(event), 30)}: ", style="bold")
        if not row.is_answer:  # the question the run waits on
            label.append("waiting for an answer ", style="italic")
            label.append(time, style="dim")
            return label
        by = Text.assemble((f" · {one_line(who(row.author), 24)} ", "italic"), (time, "dim"))
        answer = one_line(answer_text(event))
        label.append(one_line(answer, max(room - len(label) - len(by), MIN_ANSWER)))
        label.append_text(by)
        return label
    if row.is_result:
        label.append(" ✓ ", style="dim")
        label.append("Result", style="bold")
        label.append(" ")
    else:  # a person's edit of a step's output that is not a question
        label.append("   ")
        label.append("Result changed" if row.output_type == "StopEvent" else
                     "A step's output changed", style="bold")
        label.append(f" · {one_line(who(row.author), 24)} ", style="italic")
    label.append(time, style="dim")
    return label


def checkpoint_label(row: CheckpointRow) -> Text:
    label = Text()
    label.append(f"{row.seq:>2} ", style="dim")
    label.append(row.step_label, style="bold" if row.step == HUMAN else "")
    label.append(f" → {row.output_type} ")
    label.append(row.created_at.astimezone().strftime("%H:%M"), style="dim")
    return label
