"""The home screen under Pilot: the list, its order, filter, delete, new session."""

from __future__ import annotations

import gc
import warnings

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from flows.gather import GatherFlow
from hitl import SqliteStore, WorkflowCheckpointer
from tests.tui.helpers import (
    damage_page,
    home,
    in_thread,
    question,
    seed_gather,
    text_of,
)
from tests.tui.screen_data import said, until
from tui.app import make_app
from tui.app.screens.confirm import ConfirmScreen
from tui.app.screens.flow_picker import FlowPickerScreen
from tui.app.screens.home import EMPTY, HomeScreen
from tui.app.widgets.session_table import SessionTable

SIZE = (100, 30)


async def typed(pilot: Pilot, *keys: str) -> None:
    """Type into the filter and wait for the store's answer to be on screen."""
    await pilot.press(*keys)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def titles(screen: HomeScreen) -> list[str]:
    table = screen.query_one(SessionTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


async def seeded(store, fixed) -> WorkflowCheckpointer:
    """Three gather sessions: completed, waiting on question 2, waiting on question 1."""
    ckptr = WorkflowCheckpointer(GatherFlow(), store, clock=fixed.clock, new_id=fixed.new_id)
    await in_thread(lambda: seed_gather(ckptr, "Write the guide", "me", "steps", ""))
    await in_thread(lambda: seed_gather(ckptr, "Ship v2"))
    await in_thread(lambda: seed_gather(ckptr))
    return ckptr


async def test_the_empty_state_says_how_to_start(sqlite, fixed):
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        empty = screen.query_one("#empty", Static)
        assert empty.display
        assert text_of(empty) == EMPTY == "No sessions yet — press n to start one"
        assert not screen.query_one(SessionTable).display


async def test_a_store_with_a_damaged_page_is_named_in_the_list_s_place(db, fixed):
    store = SqliteStore(db)
    await seeded(store, fixed)
    store.close()
    damage_page(db, "sessions")
    store = SqliteStore(db)  # the file's header is sound: it opens
    try:
        app = make_app(store, **fixed.options())
        async with app.run_test(size=SIZE) as pilot:
            screen = await home(pilot)
            empty = screen.query_one("#empty", Static)
            assert empty.display and not screen.query_one(SessionTable).display
            assert text_of(empty) == (
                f"Could not read the sessions: {db}: the store is damaged (database disk "
                "image is malformed); restore it from a backup or move it aside"
            )
            await pilot.press("n")  # the keys still work: start a session, or quit
            await until(pilot, lambda: isinstance(app.screen, FlowPickerScreen))
    finally:
        store.close()


async def test_waiting_sessions_first_the_latest_on_top_and_selected(sqlite, fixed):
    await seeded(sqlite, fixed)
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        table = screen.query_one(SessionTable)
        assert titles(screen) == ["(no answers yet)", "Ship v2", "Write the guide"]
        row = [cell.plain for cell in table.get_row_at(1)]
        assert row == ["Ship v2", "gather", "● waiting", "question 2 of 4", "1", "2 h ago"]
        assert [c.plain for c in table.get_row_at(2)][2:4] == ["✓ completed", "4 answers"]
        assert table.cursor_row == 0
        assert screen.focused is table
        await pilot.press("down", "enter")
        q = await question(pilot, 2)
        assert q.query_one("#question-prompt", Static).visual.plain == (
            "What resources do you have available?"
        )


async def test_filter_narrows_the_list_and_escape_clears_it(sqlite, fixed):
    await seeded(sqlite, fixed)
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        await pilot.press("slash")
        assert isinstance(screen.focused, Input)
        await typed(pilot, *"ship")
        assert titles(screen) == ["Ship v2"]
        await typed(pilot, "backspace", "backspace", "backspace", "backspace", *"GUIDE")
        assert titles(screen) == ["Write the guide"]
        await typed(pilot, *"zzz")
        empty = screen.query_one("#empty", Static)
        assert empty.display and text_of(empty) == "No sessions match “GUIDEzzz” — esc clears"
        await typed(pilot, "escape")
        assert len(titles(screen)) == 3
        assert screen.focused is screen.query_one(SessionTable)


async def test_delete_asks_first_cancel_keeps_and_confirm_deletes(sqlite, fixed):
    ckptr = await seeded(sqlite, fixed)
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(notifications=True, size=SIZE) as pilot:
        screen = await home(pilot)
        await pilot.press("down")  # "Ship v2"
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        body = text_of(app.screen.query_one(".dialog-body", Static))
        assert body.startswith("“Ship v2” (gather, waiting).")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert len(ckptr.runs()) == 3
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#cancel")
        await until(pilot, lambda: app.screen is screen)
        assert len(ckptr.runs()) == 3
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: titles(screen) == ["(no answers yet)", "Write the guide"])
        assert len(ckptr.runs()) == 2
        await until(pilot, lambda: said(app, "Session deleted."))


async def test_a_new_session_from_the_flow_picker(sqlite, fixed):
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FlowPickerScreen))
        listing = app.screen.query_one(OptionList)
        first = listing.get_option_at_index(0).prompt.plain
        assert first.startswith("Gather a plan  gather\n")
        names = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert names[:2] == ["gather", "joke"]
        await pilot.press("enter")
        screen = await question(pilot, 1)
        assert screen.flow == "gather"
        assert [r.status for r in app.checkpointer("gather").runs()] == ["waiting"]
        await pilot.press(*"Ship", "enter")
        await question(pilot, 2)
        await pilot.press("escape")
        home_screen = await home(pilot)
        await until(pilot, lambda: home_screen.query_one(SessionTable).row_count == 1)


async def test_a_new_session_left_at_once_is_not_kept_as_an_empty_session(sqlite, fixed):
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FlowPickerScreen))
        await pilot.press("enter")
        await question(pilot, 1)
        assert len(sqlite.list_runs()) == 1
        await pilot.press("escape")
        screen = await home(pilot)
        await until(pilot, lambda: text_of(screen.query_one("#empty", Static)) == EMPTY)
        assert sqlite.list_runs() == []


async def test_hitl_new_makes_the_sessions_only_when_the_person_leaves_the_question(
        sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await question(pilot, 1)
        assert not any(isinstance(s, HomeScreen) for s in app.screen_stack)
        await pilot.press("escape")  # the question's own way back: the sessions
        await home(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FlowPickerScreen))
        await pilot.press("enter")
        await question(pilot, 1)
        assert sum(isinstance(s, HomeScreen) for s in app.screen_stack) == 1
        await pilot.press("escape")
        await home(pilot)


async def test_a_new_session_with_a_draft_is_kept_and_quitting_at_once_keeps_none(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await question(pilot, 1)
        await pilot.press(*"Sh", "escape")  # typed, not sent: the person comes back to it
        screen = await home(pilot)
        await until(pilot, lambda: screen.query_one(SessionTable).row_count == 1)
        assert len(sqlite.list_runs()) == 1
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await question(pilot, 1)
        await pilot.press("ctrl+q")
    assert sqlite.list_runs() == []  # the one with the draft went with the app too


async def test_escape_in_the_picker_starts_nothing(sqlite, fixed):
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, FlowPickerScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        assert sqlite.list_runs() == []


async def test_every_binding_is_in_the_footer_and_the_command_palette(sqlite, fixed):
    await seeded(sqlite, fixed)
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        commands = {c.title for c in app.get_system_commands(screen)}
        shown = {
            b.binding.description for b in screen.active_bindings.values() if b.binding.show
        }
        assert {"Continue", "New", "Delete", "Filter", "History", "Review", "Quit"} <= shown
        assert shown <= commands
        assert {"Theme", "Keys"} <= commands
        ids = {b.binding.id for b in screen.active_bindings.values() if b.binding.show}
        assert None not in ids
        # a command runs its binding's action on the screen
        new = next(c for c in app.get_system_commands(screen) if c.title == "New")
        await new.callback()
        await until(pilot, lambda: isinstance(app.screen, FlowPickerScreen))
        await pilot.press("escape")
        q_app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with q_app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        commands = {c.title for c in q_app.get_system_commands(screen)}
        assert {"Continue", "Sessions", "History", "Reload"} <= commands


async def test_the_mouse_opens_a_session_and_works_the_buttons(sqlite, fixed):
    await seeded(sqlite, fixed)
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await home(pilot)
        await pilot.click("#sessions", offset=(5, 2))  # the second row: highlight it
        await pilot.pause()
        await pilot.click("#sessions", offset=(5, 2))  # and again: continue it
        screen = await question(pilot, 2)
        await pilot.click("#back-button")
        await until(pilot, lambda: screen.shown is not None and screen.shown.number == 1)
        await pilot.click("#continue-button")
        await until(pilot, lambda: screen.shown is not None and screen.shown.number == 2)
        assert len(app.checkpointer("gather").runs()) == 3  # unchanged: no branch


async def test_a_job_replaced_before_it_started_leaves_no_coroutine_unawaited(sqlite, fixed):
    # A screen's newer job of a group replaces one not started yet (a store change
    # read again, a key pressed twice): nothing of the first is left to warn, or to
    # fail, when the collector finds it later.
    app = make_app(sqlite, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await home(pilot)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            screen.work(lambda: None, group="test")
            screen.work(lambda: None, group="test")  # the first is replaced at once
            await pilot.pause()
            gc.collect()
        assert [str(w.message) for w in caught if "never awaited" in str(w.message)] == []
