"""HitlApp: the terminal face of hitl, and ``make_app`` / ``run_app`` to build and run it.

The app stands on the session layer: it holds a ``Workspace`` (the store, its
flows, a checkpointer per flow), and the moves between screens that any screen
may ask for: open a run's question, its history or its review, start a new
session. Screens decide what to show; the app knows where things are. Keys typed
ahead of a screen wait for it (``HoldsTypedAhead``). Every binding of every screen
is also a command of the palette (ctrl+p), next to Textual's own.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from hitl import (
    COMPLETED,
    CheckpointStore,
    HitlError,
    Workflow,
    WorkflowCheckpointer,
)
from tui.app import paste, served
from tui.app.follow import StoreChanged, follow
from tui.app.typed_ahead import HoldsTypedAhead
from tui.sessions import run_view
from tui.sessions.run_view import RunView
from tui.sessions.text import visible
from tui.sessions.workspace import Workspace

if TYPE_CHECKING:
    from flows.registry import Registry

Clock = Callable[[], float]
Now = Callable[[], "datetime | float"]


class HitlApp(HoldsTypedAhead):
    """Sessions, questions, back and branch; history and review from other screens."""

    CSS_PATH = "app.tcss"
    # Every screen gets "-narrow" below 80 columns and "-short" below 24 rows:
    # side panels fold away, buttons stay in view, the footer keeps its essential keys.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (80, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (24, "-tall")]
    TITLE = "hitl"
    SUB_TITLE = ""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True,
                tooltip="Quit; every answer is already saved."),
    ]

    class SessionStarted(Message):
        def __init__(self, view: RunView) -> None:
            super().__init__()
            self.view = view

    class Problem(Message):
        def __init__(self, text: str, title: str = "Could not continue") -> None:
            super().__init__()
            self.text = text
            self.title = title

    def __init__(
        self,
        store: CheckpointStore,
        *,
        flows_dir: str | os.PathLike[str] | None = None,
        open_flow: str | None = None,
        open_run: str | None = None,
        clock: Clock | None = None,
        new_id: Callable[[], str] | None = None,
        now: Now | None = None,
        author: str | None = None,
        follow: bool = True,
    ) -> None:
        paste.install()  # a paste read whole and in order; alt+enter told from Enter
        super().__init__()
        self.follow = follow
        """Whether open screens follow what other processes write, live (False: they
        find out when they next write, as a conflict)."""
        options: dict[str, Any] = {}
        if clock is not None:
            options["clock"] = clock
        if new_id is not None:
            options["new_id"] = new_id
        self.workspace = Workspace.on(store, flows_dir=flows_dir, author=author, **options)
        """The session layer the screens go through: the store, its flows, runs."""
        self.store = store
        self.author = author
        """Who answers in this app (recorded on each answer and edit)."""
        self.flows_dir = self.workspace.flows_dir
        self.open_flow = open_flow
        self.open_run = open_run
        self._now = now
        self._stop_following = threading.Event()
        self.drafts: dict[str, dict[str, Any]] = {}
        """What was typed into a pending question and not sent yet, by the question's
        checkpoint: kept while the app runs, offered again when the question returns."""
        self._started: dict[str, tuple[str, str]] = {}
        """The sessions started here, by run id: their flow and first question's
        checkpoint. One left with nothing answered (for the sessions, or on quit) is
        deleted, not listed as an empty session."""

    # -- text shown as text ---------------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """A toast; what a terminal would obey in it (a flow's title, a stored error)
        is shown escaped, as everywhere (``tui.sessions.text.visible``)."""
        super().notify(visible(message), title=visible(title), severity=severity,
                       timeout=timeout, markup=markup)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: the screen's title and subtitle (a flow's title), escaped too."""
        return super().format_title(visible(title), visible(sub_title))

    # -- what the app knows -------------------------------------------------------

    def now(self) -> datetime:
        """The time "last change" is measured from (fixed in tests)."""
        value = self._now() if self._now is not None else time.time()
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return datetime.fromtimestamp(value, tz=UTC)

    @property
    def flows(self) -> Registry:
        """The flows a person can start (read once, on first use, usually in a worker)."""
        return self.workspace.flows

    def workflows(self) -> Mapping[str, Workflow]:
        return self.workspace.workflows

    def checkpointer(self, flow: str) -> WorkflowCheckpointer:
        """The checkpointer of ``flow`` on the app's store (made once).

        Raises ``KeyError`` (the registry's ``UnknownFlow``) naming the known flows.
        """
        return self.workspace.flow_checkpointer(flow)

    def flow_of(self, run_id: str) -> str:
        """The flow a run belongs to (``RunNotFound`` if there is no such run)."""
        return self.workspace.flow_of(run_id)

    def flow_title(self, flow: str) -> str:
        return self.workspace.flow_title(flow)

    # -- starting -----------------------------------------------------------------

    def on_mount(self) -> None:
        served.start_with_the_keys(self)
        if self.follow:  # a thread of its own, not a worker: it lives as long as the app
            threading.Thread(
                target=follow, args=(self.store, self.post_message, self._stop_following),
                name="hitl-follow", daemon=True,
            ).start()
        if self.open_flow:
            # The sessions come under the first question when it is ready, and are
            # read when the person goes back to them: nothing is drawn or read
            # before the question but the question.
            self.new_session(self.open_flow)
            return
        self.push_screen(self._sessions())
        if self.open_run:
            self.open_question(self.open_run)

    def _sessions(self) -> Screen[Any]:
        from tui.app.screens.home import HomeScreen  # not needed under a first question

        return HomeScreen()

    def _home_under(self) -> None:
        """Put the sessions at the bottom of the screens, if they are not there yet
        (read when they show)."""
        if not any(map(_is_home, self.screen_stack)):
            self.push_screen(self._sessions())

    def pop_screen(self) -> AwaitComplete:
        """As Textual's, but leaving the first screen of ``hitl new`` (no sessions under
        it: they are made when it is left) shows the sessions, not an empty screen."""
        if len(self.screen_stack) == 2 and not any(map(_is_home, self.screen_stack)):
            return self.switch_screen(self._sessions())
        return super().pop_screen()

    def on_unmount(self) -> None:
        self._stop_following.set()
        self._discard_unanswered([(run_id, flow) for run_id, (flow, _) in self._started.items()])
        self._started.clear()

    def on_store_changed(self, message: StoreChanged) -> None:
        """Another process (or this one) wrote: the screen on top decides what to reload."""
        if self.screen_stack:  # none while the app starts or closes
            self.screen.post_message(StoreChanged(message.changes))

    # -- moves other screens ask for ----------------------------------------------

    def open_question(self, run_id: str, flow: str | None = None) -> None:
        """Show the run's pending question (an interrupted run is resumed first)."""
        from tui.app.screens.question import QuestionScreen  # not needed to show home

        self.push_screen(QuestionScreen(run_id, flow))

    def open_history(self, run_id: str) -> None:
        """Show the session tree of the run (the history screen)."""
        from tui.app.screens.history import HistoryScreen  # not needed to show home

        self.push_screen(HistoryScreen(run_id))

    def open_review(self, run_id: str) -> None:
        """Show every answer of a completed run (the review screen)."""
        from tui.app.screens.review import ReviewScreen  # not needed to show home

        self.push_screen(ReviewScreen(run_id))

    def go_to_sessions(self) -> None:
        """Back to the sessions (home) screen, leaving every screen above it at
        once, not one by one through the screens of other runs and branches.
        What was typed and not sent on a question screen is kept as its draft."""
        from tui.app.screens.question import QuestionScreen

        for screen in reversed(self.screen_stack):  # the one on top first: its text wins
            if isinstance(screen, QuestionScreen):
                screen.keep_draft(replace=screen is self.screen)
        while len(self.screen_stack) > 1 and not _is_home(self.screen):
            self.pop_screen()
        # A session started here and left unanswered goes, unless its question holds
        # a draft (the person comes back to it).
        left = [(run_id, flow) for run_id, (flow, asked) in self._started.items()
                if asked not in self.drafts]
        for run_id, _ in left:
            del self._started[run_id]
        if left:
            self.run_worker(partial(self._discard_job, left), thread=True, group="discard",
                            exit_on_error=False)

    def _discard_job(self, runs: list[tuple[str, str]]) -> None:
        if self._discard_unanswered(runs):
            self.call_from_thread(self._sessions_changed)

    def _sessions_changed(self) -> None:
        if _is_home(self.screen):
            self.screen.reload()  # type: ignore[attr-defined]

    def _discard_unanswered(self, runs: list[tuple[str, str]]) -> bool:
        """Delete each session of these (run id, flow) started here that nothing was
        answered in (an answer stored meanwhile, here or elsewhere, keeps it); whether
        any was deleted."""
        deleted = False
        for run_id, flow in runs:
            try:
                deleted = run_view.discard_unanswered(self.checkpointer(flow), run_id) or deleted
            except Exception:  # the session is kept, then: an empty one does no harm
                pass
        return deleted

    def new_session(self, flow_name: str) -> None:
        """Start a session of ``flow_name`` and show its first question."""
        self.run_worker(
            partial(self._start_job, flow_name), thread=True, group="new-session",
            exit_on_error=False,
        )

    def _start_job(self, flow_name: str) -> None:
        try:
            view = run_view.start(self.checkpointer(flow_name))
        except KeyError as exc:  # the registry's UnknownFlow
            self.post_message(self.Problem(str(exc).strip("'\""), "No such flow"))
        except HitlError as exc:
            self.post_message(self.Problem(str(exc)))
        except Exception as exc:
            self.post_message(self.Problem(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.SessionStarted(view))

    def on_hitl_app_session_started(self, message: SessionStarted) -> None:
        from tui.app.screens.question import QuestionScreen

        view = message.view
        if view.status == COMPLETED:
            self._home_under()
        if not view.answers and view.question is not None:
            self._started[view.run_id] = (view.flow, view.question_checkpoint or "")
        if view.status == COMPLETED:
            self.session_completed(None, view.run_id)
        else:
            self.push_screen(QuestionScreen(view.run_id, view.flow, view=view))

    def on_hitl_app_problem(self, message: Problem) -> None:
        self.notify(message.text, title=message.title, severity="error", markup=False,
                    timeout=8)
        self._home_under()  # a session could not start: the sessions, then

    def session_completed(self, screen: Screen[Any] | None, run_id: str) -> None:
        """A run has completed: leave its question screen for its review."""
        if screen is not None and screen is self.screen:
            screen.dismiss()
        self.open_review(run_id)

    # -- quitting -----------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; every answer is saved already. Typed text not yet sent is asked about."""
        keep = getattr(self.screen, "keep_draft", None)
        if callable(keep):
            keep()
        if not self.drafts:
            self.exit()
            return
        from tui.app.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(
            "Quit with an answer not sent?",
            "You typed an answer and did not submit it (Enter); it is lost if you quit. "
            "Every answer you submitted is saved.",
            confirm="Quit",
        ), answered)

    # -- the command palette ------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands, then every shown binding of the screen, by its description."""
        yield from super().get_system_commands(screen)
        seen = {"Quit"}
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.description in seen:
                continue
            if not active.enabled:
                continue
            seen.add(binding.description)
            key = self.get_key_display(binding)
            yield SystemCommand(
                binding.description,
                f"{binding.tooltip or binding.description} ({key})",
                partial(self.run_action, binding.action, active.node),
            )


def make_app(
    store: CheckpointStore,
    *,
    flows_dir: str | os.PathLike[str] | None = None,
    open_flow: str | None = None,
    open_run: str | None = None,
    clock: Clock | None = None,
    new_id: Callable[[], str] | None = None,
    now: Now | None = None,
    author: str | None = None,
    follow: bool = True,
) -> HitlApp:
    """The app on ``store``. ``open_flow`` starts a session of that flow;
    ``open_run`` opens that run's pending question (resuming it if interrupted).
    ``clock`` and ``new_id`` go to every checkpointer, ``now`` to "last change":
    fixed ones make the screens deterministic. ``author`` is who answers;
    ``follow`` False leaves the screens still while others write."""
    return HitlApp(
        store, flows_dir=flows_dir, open_flow=open_flow, open_run=open_run,
        clock=clock, new_id=new_id, now=now, author=author, follow=follow,
    )


def run_app(
    db: str | os.PathLike[str] | None = None,
    flows_dir: str | os.PathLike[str] | None = None,
    open_flow: str | None = None,
    open_run: str | None = None,
) -> None:
    """Open the store (``--db``, ``HITL_DB`` or the default) and run the app."""
    ws = Workspace(db, flows_dir)
    try:
        make_app(ws.store, flows_dir=ws.flows_dir, open_flow=open_flow, open_run=open_run,
                 author=ws.author).run()
    finally:
        ws.close()


def _is_home(screen: Screen[Any]) -> bool:
    """Whether ``screen`` is the sessions (home); its module is imported when one is made."""
    home = sys.modules.get("tui.app.screens.home")
    return home is not None and isinstance(screen, home.HomeScreen)
