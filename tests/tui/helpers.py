"""Helpers for Pilot tests: wait for the app's workers, read what the screen shows."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from hitl import WorkflowCheckpointer
from tests.tui.screen_data import until
from tui.app.screens.home import HomeScreen
from tui.app.screens.question import QuestionScreen
from tui.sessions import run_view


def text_of(widget: Widget) -> str:
    """What a widget shows, as plain text."""
    if isinstance(widget, Static):
        visual = widget.visual
        return getattr(visual, "plain", str(visual))
    return str(widget.render())


def listed(screen: object) -> bool:
    """Whether the home screen shows its sessions (or says why there are none),
    not "Loading sessions…"."""
    if not isinstance(screen, HomeScreen):
        return False
    empty = screen.query_one("#empty", Static)
    return not (empty.display and text_of(empty).startswith("Loading"))


async def home(pilot: Pilot[Any]) -> HomeScreen:
    await until(pilot, lambda: listed(pilot.app.screen), "the sessions listed")
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen)
    return screen


async def question(pilot: Pilot[Any], number: int | None = None) -> QuestionScreen:
    """The question screen once it shows a question (question ``number``, if given)."""

    def shown() -> bool:
        screen = pilot.app.screen
        return (
            isinstance(screen, QuestionScreen)
            and screen.shown is not None
            and not screen.busy
            and not screen.panel_pending
            and (number is None or screen.shown.number == number)
        )

    await until(pilot, shown, f"question {number}" if number else "a question")
    screen = pilot.app.screen
    assert isinstance(screen, QuestionScreen)
    return screen


async def answer(pilot: Pilot[Any], text: str, number: int | None = None) -> None:
    """Type ``text`` into the focused field and submit it with ctrl+s."""
    screen = await question(pilot, number)
    before = screen.shown
    if text:
        await pilot.press(*text)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: (screen.shown is not before and not screen.panel_pending)
                or screen is not pilot.app.screen, "the answer to be taken")


def prompt(screen: QuestionScreen) -> str:
    return text_of(screen.query_one("#question-prompt", Static))


def seed_gather(ckptr: WorkflowCheckpointer, *answers: str) -> run_view.RunView:
    """A gather session answered up to ``answers`` (outside any event loop)."""
    view = run_view.start(ckptr)
    names = ["objective", "resources", "approach", "notes"]
    for name, text in zip(names, answers, strict=False):
        assert view.question_checkpoint is not None
        view = run_view.answer(ckptr, view.run_id, view.question_checkpoint, {name: text})
    return view


def in_thread(fn: Callable[[], Any]) -> Any:
    """Run blocking engine calls (which drive runs with asyncio.run) off the test's loop."""
    return asyncio.to_thread(fn)


def damage_page(path: Path, table: str) -> None:
    """Overwrite the first page of ``table`` in the SQLite file at ``path`` with junk
    (the log copied in first), as a bad disk sector would."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.execute("PRAGMA page_size").fetchone()[0]
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                             (table,)).fetchone()
    finally:
        db.close()
    assert root > 1  # a page in the middle, not the file's header
    with path.open("r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\xde\xad\xbe\xef" * (size // 4))


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) that nobody here can write for a while: made
    immutable as root (``chmod`` does not stop root), else its write bits cleared."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True, capture_output=True)
        return
    mode = path.stat().st_mode
    path.chmod(mode & ~0o222)
    try:
        yield
    finally:
        path.chmod(mode)
