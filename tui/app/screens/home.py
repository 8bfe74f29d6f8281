"""HomeScreen: the sessions in the store; continue one, start one, delete one.

The latest sessions come first, a page at a time (more as the cursor nears
the end), with the cursor on top: Enter continues where the person left off.
Pages, the filter (a store query on titles) and the counts in the header are
the store's (``tui.sessions.Summaries``), read in a thread worker each time the
screen shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import DataTable, Header, Input, Static

from hitl import HitlError, retention
from tui.app.follow import StoreChanged
from tui.app.screens.base import HitlScreen
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.flow_picker import FlowPickerScreen
from tui.app.status import status_styles
from tui.app.text import plain
from tui.app.widgets.footer import Footer
from tui.app.widgets.session_table import SessionTable
from tui.sessions.summary import UNKNOWN_FLOW, SessionSummary, Summaries, SummaryPage
from tui.sessions.text import one_line

if TYPE_CHECKING:
    from flows.registry import Registry

EMPTY = "No sessions yet — press n to start one"


@dataclass(frozen=True, slots=True)
class Listing:
    """What the list shows: the sessions read for ``query`` (its pages so far, in
    order), the cursor of the next page (None: no more), and why the list could
    not be read, if it could not."""

    query: str = ""
    summaries: tuple[SessionSummary, ...] = ()
    next: int | None = None
    problem: str | None = None


class HomeScreen(HitlScreen[None]):
    """Every session in the store, the one to continue on top."""

    PROBLEM_TITLE = "Sessions"
    AUTO_FOCUS = ""  # _show focuses: the table when it has rows, else nothing (keys work)

    NARROW_KEYS = ("home.open", "home.new", "home.filter")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "New", id="home.new", tooltip="Start a new session"),
        Binding("d", "delete", "Delete", id="home.delete",
                tooltip="Delete the selected session (asks first)"),
        Binding("slash", "filter", "Filter", id="home.filter", tooltip="Filter the sessions"),
        Binding("h", "history", "History", id="home.history",
                tooltip="The selected session's runs and checkpoints"),
        Binding("r", "review", "Review", id="home.review",
                tooltip="Every answer of the selected session"),
        Binding("escape", "clear_filter", "Clear filter", id="home.clear_filter", show=False),
    ]

    class Loaded(Message):
        """A page of sessions was read for ``query`` (``more``: the next page)."""

        def __init__(self, page: SummaryPage, counts: dict[str, int] | None, more: bool,
                     problem: str | None, query: str) -> None:
            super().__init__()
            self.page = page
            self.counts = counts
            self.more = more
            self.problem = problem
            """Why the sessions could not be read (None: they were)."""
            self.query = query

    class FlowsRead(Message):
        """The flows are read: time to pick one."""

        def __init__(self, flows: Registry) -> None:
            super().__init__()
            self.flows = flows

    class Deleted(Message):
        pass

    listing: var[Listing] = var(Listing(), init=False, always_update=True)
    """What was read: the screen shows it each time it is read (``watch_listing``),
    the same sessions too (their times, "5 min ago", move on)."""

    def __init__(self) -> None:
        super().__init__()
        self._pager: Summaries | None = None
        self._fetching = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield Input(placeholder="Filter sessions  ( / )", id="filter")
            yield SessionTable(id="sessions")
            yield Static(plain("Loading sessions…"), id="empty")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Sessions"
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._show())

    def on_screen_resume(self) -> None:
        if self.is_current:  # not when a question went on top at once (hitl new FLOW)
            self.reload()

    # -- reading ----------------------------------------------------------------

    def reload(self) -> None:
        """Read the first page again (and the counts)."""
        query = self.query_text
        self.work(lambda: self._load_job(query, None))

    def _more(self) -> None:
        """Read the next page, if there is one and none is being read."""
        listing = self.listing
        if listing.next is None or self._fetching:
            return
        self._fetching = True
        query, cursor = listing.query, listing.next
        self.work(lambda: self._load_job(query, cursor))

    def _load_job(self, query: str, cursor: int | None) -> Message:
        try:
            if self._pager is None:
                self._pager = Summaries(self.hitl.store, self.hitl.workflows())
            page = self._pager.page(text=query or None, cursor=cursor)
            counts = None if cursor is not None else self._pager.counts()
        except Exception as exc:
            problem = f"Could not read the sessions: {exc}"
            return self.Loaded(SummaryPage([], None, []), None, cursor is not None, problem,
                               query)
        return self.Loaded(page, counts, cursor is not None, None, query)

    def on_home_screen_loaded(self, message: Loaded) -> None:
        page, before = message.page, self.listing
        self._fetching = False
        summaries = (*before.summaries, *page.summaries) if message.more else tuple(page.summaries)
        if message.problem is not None and message.problem != before.problem and summaries:
            # with no session to list, the problem is said in the list's place
            self.notify(message.problem, title=self.PROBLEM_TITLE, severity="error",
                        markup=False, timeout=8)
        if page.damaged:
            self.notify("\n".join(page.damaged[:3]), title="Damaged sessions left out",
                        severity="warning", markup=False, timeout=8)
        if message.counts is not None:
            shown = [f"{n:,} {status}" for status, n in message.counts.items() if n]
            self.sub_title = " · ".join(["Sessions", *shown])
        self.listing = Listing(message.query, summaries, page.cursor, message.problem)

    def watch_listing(self) -> None:
        self._show()

    def on_store_changed(self, message: StoreChanged) -> None:
        self.reload()  # a page and a count: cheap, and what others wrote shows at once

    @property
    def query_text(self) -> str:
        return self.query_one("#filter", Input).value.strip()

    @property
    def shown(self) -> list[SessionSummary]:
        """The sessions listed now (the filter applied by the store)."""
        return list(self.listing.summaries)

    def _show(self) -> None:
        table = self.query_one(SessionTable)
        listing = self.listing
        rows = self.shown
        table.show(rows, self.hitl.now(), status_styles(self.app.theme_variables))
        empty = self.query_one("#empty", Static)
        if listing.problem is not None and not rows:
            empty.update(plain(listing.problem))
        elif listing.query and not rows:
            empty.update(plain(f"No sessions match “{one_line(listing.query, 40)}” — esc clears"))
        elif not rows:
            empty.update(plain(EMPTY))
        table.display = bool(rows)
        empty.display = not rows
        self.query_one("#filter", Input).display = bool(rows) or bool(self.query_text)
        filter_focused = self.focused is self.query_one("#filter", Input)
        if rows and not filter_focused:
            table.focus()
        elif not rows and not filter_focused:
            self.set_focus(None)
        self.refresh_bindings()

    # -- filter -----------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(SessionTable).focus()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        self.query_one(SessionTable).focus()

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.focused is self.query_one("#filter", Input):
            self.query_one(SessionTable).focus()
            event.stop()

    # -- acting on the selected session -----------------------------------------

    @property
    def selected(self) -> SessionSummary | None:
        table = self.query_one(SessionTable)
        return table.selected if table.display else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("delete", "history", "review"):
            return self.selected is not None
        return True

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()
        if event.cursor_row >= len(self.listing.summaries) - 10:
            self._more()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        summary = self.query_one(SessionTable).summary(str(event.row_key.value))
        if summary is not None:
            self.open(summary)

    def open(self, summary: SessionSummary) -> None:
        """Continue a session: its pending question, or its review once completed."""
        if summary.status == UNKNOWN_FLOW:
            self.notify(
                f"This session's flow “{summary.flow}” is not installed here. "
                "Put its questionnaire file back in your flows folder to continue it.",
                title="Unknown flow", severity="warning", markup=False, timeout=8,
            )
        elif summary.status == "completed":
            self.hitl.open_review(summary.run_id)
        else:
            self.hitl.open_question(summary.run_id, summary.flow)

    def action_new(self) -> None:
        self.work(self._flows_job, group="flows")

    def _flows_job(self) -> Message:
        try:
            return self.FlowsRead(self.hitl.flows)
        except Exception as exc:
            return self.Problem(f"Could not read the flows: {exc}")

    def on_home_screen_flows_read(self, message: FlowsRead) -> None:
        flows = message.flows

        def picked(name: str | None) -> None:
            if name:
                self.hitl.new_session(name)

        self.app.push_screen(
            FlowPickerScreen(list(flows.flows.values()), flows.problems), picked
        )

    def action_history(self) -> None:
        if self.selected is not None:
            self.hitl.open_history(self.selected.run_id)

    def action_review(self) -> None:
        if self.selected is not None:
            self.hitl.open_review(self.selected.run_id)

    def action_delete(self) -> None:
        summary = self.selected
        if summary is None:
            return
        title = one_line(summary.title, 50) or "(no answers yet)"
        runs = "its run" if summary.branches == 1 else f"all {summary.branches} of its runs"
        body = (
            f"“{title}” ({summary.flow}, {summary.status}).\n"
            f"This deletes {runs} and every answer in them. It cannot be undone."
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.work(lambda: self._delete_job(summary), group="delete")

        self.app.push_screen(ConfirmScreen("Delete this session?", body), confirmed)

    def _delete_job(self, summary: SessionSummary) -> Message:
        try:
            retention.delete_session(self.hitl.store, summary.session)
        except (HitlError, OSError) as exc:
            return self.Problem(f"Could not delete the session: {exc}")
        return self.Deleted()

    def on_home_screen_deleted(self, message: Deleted) -> None:
        self.notify("Session deleted.", markup=False)
        self.reload()
