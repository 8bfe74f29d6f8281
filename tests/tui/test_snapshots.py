"""Snapshots of the home and question screens (pytest-textual-snapshot), at 100x30.

Deterministic: the store is seeded with a clock that ticks a minute a call and
ids from a counter, "now" is fixed, and cursors do not blink. Regenerate with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from flows.gather import GatherFlow
from hitl import WorkflowCheckpointer
from tests.tui.helpers import home, question, seed_gather
from tests.tui.screen_data import until
from tests.tui.test_questionnaire import EVERY_KIND
from tui.app import make_app

SIZE = (100, 30)


def still(pilot: Pilot) -> None:
    for widget in pilot.app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False


def gather(store, fixed) -> WorkflowCheckpointer:
    return WorkflowCheckpointer(GatherFlow(), store, clock=fixed.clock, new_id=fixed.new_id)


def test_home_lists_sessions(snap_compare, sqlite, fixed):
    ckptr = gather(sqlite, fixed)
    seed_gather(ckptr, "Write the onboarding guide", "Two writers", "One chapter a week", "")
    seed_gather(ckptr, "Ship [red]v2[/red] of the billing service before the quarter ends")
    seed_gather(ckptr, "Plan the offsite", "Budget", "Survey first")
    app = make_app(sqlite, **fixed.options())

    async def ready(pilot: Pilot) -> None:
        await home(pilot)
        still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_home_empty(snap_compare, sqlite, fixed):
    app = make_app(sqlite, **fixed.options())

    async def ready(pilot: Pilot) -> None:
        await home(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_question_with_answers_so_far(snap_compare, sqlite, fixed):
    view = seed_gather(gather(sqlite, fixed), "Ship v2 of the billing service", "Two people")
    app = make_app(sqlite, open_run=view.run_id, **fixed.options())

    async def ready(pilot: Pilot) -> None:
        await question(pilot, 3)
        await pilot.press(*"Small steps, each one shipped")
        still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_question_refuses_an_empty_answer(snap_compare, sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())

    async def ready(pilot: Pilot) -> None:
        await question(pilot, 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
        still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_question_back_to_an_earlier_answer(snap_compare, sqlite, fixed):
    view = seed_gather(gather(sqlite, fixed), "Ship v2", "Two people", "Small steps")
    app = make_app(sqlite, open_run=view.run_id, **fixed.options())

    async def ready(pilot: Pilot) -> None:
        screen = await question(pilot, 4)
        await pilot.press("ctrl+b")
        await until(pilot, lambda: screen.shown is not None and screen.shown.number == 3)
        still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_question_choice_at_80x24(snap_compare, sqlite, fixed, flows_dir: Path):
    (flows_dir / "every.toml").write_text(EVERY_KIND, encoding="utf-8")
    app = make_app(sqlite, flows_dir=flows_dir, open_flow="every", **fixed.options())

    async def ready(pilot: Pilot) -> None:
        await question(pilot, 1)
        await pilot.press(*"Ada", "enter")
        await question(pilot, 2)
        await pilot.press(*"A story long enough", "ctrl+s")
        await question(pilot, 3)
        await pilot.press("down")
        still(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def test_question_at_60x20_keeps_buttons_and_keys(snap_compare, sqlite, fixed):
    view = seed_gather(gather(sqlite, fixed), "Ship v2 of the billing service")
    app = make_app(sqlite, open_run=view.run_id, **fixed.options())

    async def ready(pilot: Pilot) -> None:
        await question(pilot, 2)
        await pilot.press(*"Two people")
        still(pilot)

    assert snap_compare(app, terminal_size=(60, 20), run_before=ready)
