"""RunTree: a session's runs and checkpoints as a tree.

Each run is a node (its status, and for a branch the step it forked from);
under it its checkpoints in order, each followed by the runs that branched from
it. Node data is the row it shows (:class:`~tui.session_tree.RunRow` or
:class:`~tui.session_tree.CheckpointRow`). Labels are rich ``Text``: never markup.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from hitl import HUMAN
from tui.app.status import status_styles
from tui.sessions.session_tree import CheckpointRow, RunRow, SessionTree

Row = RunRow | CheckpointRow

class RunTree(Tree[Row]):
    """The runs of a session and their checkpoints; :meth:`show` fills it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("session"), id=id)
        self.show_root = False
        self.guide_depth = 3
        self.nodes: dict[str, TreeNode[Row]] = {}
        """Nodes by checkpoint id and by run id."""

    def show(self, session: SessionTree, keep: str | None = None) -> TreeNode[Row] | None:
        """Show ``session``: the runs down to the current one expanded. Returns the
        node to select: ``keep`` (a checkpoint or run id) if it is still there,
        else the current run's latest checkpoint, else the current run."""
        self.clear()
        self.nodes = {}
        expanded = set(session.path_to(session.current))
        for run_id in session.roots:
            self._add_run(self.root, session, session.runs[run_id], expanded)
        current = session.runs[session.current]
        target = self.nodes.get(keep) if keep else None
        if target is None and current.tip is not None:
            target = self.nodes.get(current.tip.id)
        return target or self.nodes.get(current.run_id)

    def _add_run(
        self, parent: TreeNode[Row], session: SessionTree, run: RunRow, expanded: set[str]
    ) -> None:
        node = parent.add(
            run_label(run, status_styles(self.app.theme_variables),
                      current=run.run_id == session.current), data=run,
            expand=run.run_id in expanded,
        )
        self.nodes[run.run_id] = node
        for checkpoint in run.checkpoints:
            self.nodes[checkpoint.id] = node.add_leaf(checkpoint_label(checkpoint),
                                                      data=checkpoint)
            for fork in session.forks.get(checkpoint.id, ()):
                self._add_run(node, session, session.runs[fork], expanded)
        if not run.checkpoints:
            node.allow_expand = False

    def go_to(self, node: TreeNode[Row]) -> None:
        """Put the cursor on ``node`` (highlighting it) and scroll it into view."""
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


def checkpoint_label(row: CheckpointRow) -> Text:
    label = Text()
    label.append(f"{row.seq:>2} ", style="dim")
    label.append(row.step_label, style="bold" if row.step == HUMAN else "")
    label.append(f" → {row.output_type} ")
    label.append(row.created_at.astimezone().strftime("%H:%M"), style="dim")
    return label
