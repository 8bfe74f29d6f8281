"""CompareScreen: two branches of one session, question by question.

The answers each branch stands on (as ``hitl diff`` shows them, from
:func:`tui.sessions.audit.branch_diff`), each with who gave it; a changed
answer is marked and shows both sides, one answered on one branch only says
so, an answer both branches share shows once. Read in a thread worker; answers
are shown as text, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Header, Static

from hitl import WorkflowCheckpointer
from tui.app.screens.base import HitlScreen
from tui.app.text import plain
from tui.app.widgets.answer_view import value_text
from tui.app.widgets.footer import Footer
from tui.sessions.audit import DiffRow, branch_diff, who


@dataclass(frozen=True, slots=True)
class Side:
    """One of the two branches: its run, its short name ("branch 2") and its label
    ("branch 2 of 3 · objective changed")."""

    run_id: str
    name: str
    label: str


class CompareScreen(HitlScreen[None]):
    """The answers of branches ``a`` and ``b`` side by side, changed ones marked."""

    AUTO_FOCUS = "#compare-body"
    PROBLEM_TITLE = "Compare"
    DEFAULT_CSS = """
    CompareScreen #compare-body { padding: 0 1; height: 1fr; }
    CompareScreen #compare-head { margin-bottom: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="compare.back"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[DiffRow]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, ckptr: WorkflowCheckpointer, a: Side, b: Side) -> None:
        super().__init__()
        self.ckptr = ckptr
        self.a = a
        self.b = b
        self.rows: list[DiffRow] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="compare-body"):
            yield Static(compare_head(self.a, self.b, None), id="compare-head")
            yield Static(plain("Loading…", "dim"), id="compare-rows")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Compare branches"
        a, b = self.a.run_id, self.b.run_id
        self.work(lambda: self.Loaded(branch_diff(self.ckptr, a, b)))

    def on_compare_screen_loaded(self, message: Loaded) -> None:
        self.rows = message.rows
        self.query_one("#compare-head", Static).update(compare_head(self.a, self.b, self.rows))
        self.query_one("#compare-rows", Static).update(compare_body(self.a, self.b, self.rows))

    def on_hitl_screen_problem(self, message: HitlScreen.Problem) -> None:
        if self.rows is None:  # nothing to show: back to the history (the toast says why)
            self.dismiss()

    def action_back(self) -> None:
        self.dismiss()


def compare_head(a: Side, b: Side, rows: list[DiffRow] | None) -> Content:
    parts = [
        Content.assemble((a.label[:1].upper() + a.label[1:], "bold"), "\nand ", (b.label, "bold")),
    ]
    if rows is not None:
        changed = sum(r.changed and not r.one_sided for r in rows)
        differ = [f"{changed} changed"] if changed else []
        for side, count in ((a, sum(r.in_a and not r.in_b for r in rows)),
                            (b, sum(r.in_b and not r.in_a for r in rows))):
            if count:
                differ.append(f"{count} only on {side.name}")
        if not rows:
            parts.append(Content.styled("No answers on either branch yet.", "italic"))
        elif differ:
            answers = f"{len(rows)} answer{'s' if len(rows) != 1 else ''}"
            parts.append(Content(f"Of {answers}: {', '.join(differ)}; marked ●"))
        else:
            parts.append(Content(f"The same {len(rows)} answers on both."))
    return Content("\n").join(parts)


def compare_body(a: Side, b: Side, rows: list[DiffRow]) -> Content:
    """Question by question: a changed answer (or one only one branch gave) marked,
    with each side and who gave it; an answer both share, once."""
    parts: list[Content] = []
    question = None
    for row in rows:
        if row.question != question:
            if question is not None:
                parts.append(Content(""))
            question = row.question
            parts.append(plain(row.question, "bold"))
        if row.changed or row.one_sided:
            only = (a if row.in_a else b).name if row.one_sided else None
            parts.append(Content.assemble(
                ("● ", "bold $text-warning"), plain(row.label, "bold"),
                (f" only on {only}" if only else " changed", "$text-warning"),
            ))
            for side, value, author, given in ((a, row.a, row.a_author, row.in_a),
                                               (b, row.b, row.b_author, row.in_b)):
                if not given:  # a question this branch has not reached
                    parts.append(Content.assemble(
                        "  ", (side.name, "bold"), ": ", ("not answered", "dim italic")))
                    continue
                parts.append(Content.assemble(
                    "  ", (side.name, "bold"), plain(f" ({who(author)}): ", "italic"),
                    shown(value, 4),
                ))
        else:
            authors = who(row.a_author) if row.a_author == row.b_author \
                else f"{who(row.a_author)}, {who(row.b_author)}"  # fmt: skip
            parts.append(Content.assemble(
                ("= ", "dim"), plain(row.label, "bold"), plain(f" ({authors}): ", "italic"),
                shown(row.a, 2),
            ))
    return Content("\n").join(parts)


def shown(value: object, indent: int) -> Content:
    """An answer's value; the lines of a long answer after its first are indented
    under their label, not run back to the screen's edge."""
    return Content("\n" + " " * indent).join(
        Content.from_rich_text(value_text(value)).split("\n"))
