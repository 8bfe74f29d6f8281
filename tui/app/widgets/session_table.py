"""SessionTable: the sessions in the store, one row each; Enter continues one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from tui.sessions.summary import SessionSummary
from tui.sessions.text import ago, one_line

STATUS_MARKS = {
    "waiting": "●",
    "interrupted": "◐",
    "running": "…",
    "completed": "✓",
    "failed": "✗",
}

# Columns after the title: (label, width). The title takes what is left.
WIDE = (("Flow", 12), ("Status", 13), ("Progress", 16), ("Runs", 4), ("Last change", 11))
NARROW = (("Flow", 10), ("Status", 13), ("Progress", 9), ("Runs", 4), ("Changed", 10))
NARROW_BELOW = 96
"""Under this many columns the progress reads "2 of 4" rather than "question 2 of 4"."""
MIN_TITLE = 12


def short_progress(summary: SessionSummary) -> str:
    if summary.status == "completed":
        return f"{summary.answered} done"
    return f"{min(summary.answered + 1, summary.total)} of {summary.total}"


class SessionTable(DataTable[Text]):
    """Rows keyed by session id, built from :class:`SessionSummary` values.

    Everything in a cell is ``rich.text.Text``: stored text is shown as text.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Continue", id="home.open",
                tooltip="Continue the selected session where it was left"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._rows: Sequence[SessionSummary] = ()
        self._now: datetime | None = None
        self._styles: Mapping[str, str] = {}

    def show(
        self, summaries: Sequence[SessionSummary], now: datetime, styles: Mapping[str, str]
    ) -> None:
        """Fill the table; the cursor goes to the first row (the one to continue)."""
        self._rows, self._now, self._styles = summaries, now, styles
        self._build()

    def on_resize(self) -> None:
        if self._now is not None:
            self._build()

    def _width(self) -> int:
        return self.scrollable_content_region.width or self.size.width or 100

    def _columns(self) -> tuple[tuple[str, int], ...]:
        return NARROW if self._width() < NARROW_BELOW else WIDE

    def _title_width(self) -> int:
        columns = self._columns()
        used = sum(w for _, w in columns) + 2 * (len(columns) + 1)
        return max(MIN_TITLE, self._width() - used)

    def _build(self) -> None:
        now = self._now
        assert now is not None
        selected = self.selected_session
        title_width = self._title_width()
        columns = self._columns()
        narrow = columns is NARROW
        self.clear(columns=True)
        self.add_column("Title", width=title_width, key="title")
        for label, width in columns:
            self.add_column(label, width=width)
        for summary in self._rows:
            title = (
                Text(one_line(summary.title, title_width))
                if summary.title
                else Text("(no answers yet)", style="dim italic")
            )
            mark = STATUS_MARKS.get(summary.status, "?")
            self.add_row(
                title,
                Text(one_line(summary.flow, columns[0][1])),
                Text(f"{mark} {summary.status}", style=self._styles.get(summary.status, "")),
                Text(
                    "" if not summary.total
                    else short_progress(summary) if narrow else summary.progress
                ),
                Text(str(summary.branches), justify="right"),
                Text(ago(summary.updated_at, now), style="dim"),
                key=summary.session,
            )
        keys = [s.session for s in self._rows]
        if selected in keys:
            self.move_cursor(row=keys.index(selected), animate=False)

    @property
    def selected(self) -> SessionSummary | None:
        """The session under the cursor."""
        if not self._rows or self.cursor_row < 0 or self.cursor_row >= len(self._rows):
            return None
        return self._rows[self.cursor_row]

    @property
    def selected_session(self) -> str | None:
        chosen = self.selected
        return chosen.session if chosen is not None else None

    def summary(self, session: str) -> SessionSummary | None:
        return next((s for s in self._rows if s.session == session), None)
