"""A narrow, short terminal (60x20): every screen keeps its buttons in view and its
footer keeps the keys a person needs (Quit, submit, back); the side panels fold
away or stack. At 110x32 the screens are as wide as before."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from tests.tui.helpers import question
from tests.tui.screen_data import tree_shown, until
from tui.app import make_app
from tui.app.screens.edit_event import EditEventScreen
from tui.app.screens.home import HomeScreen
from tui.app.screens.review import AnswerItem, ReviewScreen

NARROW = (60, 20)
WIDE = (110, 32)


pytestmark = pytest.mark.usefixtures("utc")  # times shown in UTC


def on_screen(widget: Widget) -> bool:
    """Whether all of ``widget`` is drawn on the screen, nothing over it: its corners
    are within the screen and are the widget's own cells."""
    screen, region = widget.screen, widget.region
    if not region or not screen.region.contains_region(region):
        return False
    for x, y in ((region.x, region.y), (region.right - 1, region.bottom - 1)):
        found, _ = screen.get_widget_at(x, y)
        if found is not widget and widget not in found.ancestors:
            return False
    return True


def keys_on_screen(pilot: Pilot) -> list[str]:
    """The footer's keys a person can read in full, left to right: each one's
    description, or its key where it has none (the palette's, when narrow)."""
    keys = [k for k in pilot.app.screen.query("Footer FooterKey") if on_screen(k)]
    return [k.description or k.key_display  # type: ignore[attr-defined]
            for k in sorted(keys, key=lambda k: k.region.x)]


async def test_the_question_keeps_its_buttons_and_keys_when_narrow(sqlite, fixed) -> None:
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=WIDE) as pilot:
        screen = await question(pilot, 1)
        panel = screen.query_one("#answers-panel")
        assert on_screen(panel)
        assert {"Continue", "History", "Reload", "Quit"} <= set(keys_on_screen(pilot))

        await pilot.resize_terminal(*NARROW)
        await until(pilot, lambda: "Quit" in keys_on_screen(pilot), "the narrow footer")
        assert not panel.display  # folded away: the question has the width
        assert keys_on_screen(pilot) == ["Continue", "Sessions", "Quit", "^p"]  # no back yet
        for number in (1, 2):  # long answers: a tall box, taller than the screen's room
            screen = await question(pilot, number)
            assert on_screen(screen.query_one("#continue-button"))
            assert on_screen(screen.query_one("#back-button"))
            await pilot.press(*"An answer", "enter")
        await question(pilot, 3)
        assert keys_on_screen(pilot) == ["Continue", "Back", "Sessions", "Quit", "^p"]


async def test_home_review_history_and_edit_keep_their_keys_when_narrow(session) -> None:
    run_id = await session.complete()
    app = session.app()
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen) and "Quit"
                    in keys_on_screen(pilot), "home")
        assert keys_on_screen(pilot) == ["Continue", "New", "Filter", "Quit", "^p"]

        app.open_review(run_id)
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen)
                    and app.screen.query(AnswerItem), "the review")
        await until(pilot, lambda: "Quit" in keys_on_screen(pilot), "the review's keys")
        assert keys_on_screen(pilot) == ["Edit", "Markdown", "Back", "Quit", "^p"]

        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditEventScreen), "the edit dialog")
        dialog = app.screen
        await until(pilot, lambda: on_screen(dialog.query_one("#edit-save")), "its buttons")
        assert on_screen(dialog.query_one("#edit-cancel"))
        assert keys_on_screen(pilot) == ["Branch", "Cancel"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review again")

        await pilot.press("h")
        await until(pilot, lambda: tree_shown(app.screen), "the history")
        history = app.screen
        await until(pilot, lambda: "Quit" in keys_on_screen(pilot), "the history's keys")
        assert keys_on_screen(pilot) == ["Edit & branch", "Branch from here", "Back", "Quit", "^p"]
        tree, detail = history.query_one("#history-tree"), history.query_one("#history-detail")
        assert tree.region.width >= 56 and detail.region.width >= 56  # stacked, full width
        assert tree.region.bottom <= detail.region.y
