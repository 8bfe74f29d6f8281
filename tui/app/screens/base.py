"""HitlScreen: what every hitl screen shares.

- ``hitl``: the app, typed as the :class:`~tui.app.host.Host` a screen may use;
- ``work(job)``: blocking work (the store, a flow's steps) in a pooled thread, off
  the UI thread; the message ``job`` returns is posted back to the screen, and an
  error it raises becomes what :meth:`HitlScreen.failed` makes of it;
- one ``Problem`` message, shown as an error toast (user text as text, never markup).
  Textual calls the handler of every class on the way up, so a screen's own
  ``on_hitl_screen_problem`` does its part (stop being busy, leave) and the toast
  follows from here; it does not call ``super()``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import ClassVar, TypeVar, cast

from textual.message import Message
from textual.screen import Screen

from hitl import HitlError
from tui.app.host import Host
from tui.app.typed_ahead import ready_for_keys

ResultT = TypeVar("ResultT")


def describe(exc: BaseException) -> str:
    """One line a person can read: the engine's own message, or the error's type and text."""
    if isinstance(exc, HitlError | KeyError | OSError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text or type(exc).__name__


class HitlScreen(Screen[ResultT]):
    """A screen of the hitl app: the Host, one worker pattern, one Problem."""

    PROBLEM_TITLE: ClassVar[str] = "Could not continue"
    NARROW_KEYS: ClassVar[tuple[str, ...]] = ()
    """The ids of the keys the footer keeps on a narrow screen, Quit added (see
    :mod:`tui.app.widgets.footer`); empty: all of them."""

    class Problem(Message):
        """A worker could not do its job: say why (``leave``: this screen has nothing
        left to show)."""

        def __init__(self, text: str, title: str | None = None, *, leave: bool = False) -> None:
            super().__init__()
            self.text = text
            self.title = title
            self.leave = leave

    @property
    def hitl(self) -> Host:
        return cast(Host, self.app)

    def work(self, job: Callable[[], Message | None], group: str = "io") -> None:
        """Run ``job`` off the UI thread (a pooled thread: none is started for each
        job); post back the message it returns. A newer job of the same group
        replaces one still running, whose message is then dropped."""
        # The coroutine is made when the worker starts: one replaced before it
        # started is never made, so none is left unawaited for the collector.
        self.run_worker(partial(self._off_thread, job), exclusive=True, group=group,
                        exit_on_error=False)

    async def _off_thread(self, job: Callable[[], Message | None]) -> None:
        message = await asyncio.to_thread(self._guarded, job)
        if message is not None:
            self.post_message(message)

    def _guarded(self, job: Callable[[], Message | None]) -> Message | None:
        try:
            return job()
        except Exception as exc:
            return self.failed(exc)

    def on_screen_resume(self) -> None:
        ready_for_keys(self)  # keys typed ahead of a screen coming up go to it

    def failed(self, exc: Exception) -> Message:
        """The message for an error a job raised (screens add their own kinds)."""
        return self.Problem(describe(exc))

    def on_hitl_screen_problem(self, message: Problem) -> None:
        self.notify(message.text, title=message.title or self.PROBLEM_TITLE, severity="error",
                    markup=False, timeout=8)
