"""The keys a person expects, typed through the screen (issue #15).

Enter submits in every field; ctrl+j or alt+enter starts a new line in a long
answer; ctrl+s stays an alias.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import TextArea

from hitl import HUMAN, WorkflowCheckpointer
from tests.tui.helpers import question, text_of, until
from tui.app import make_app
from tui.app.screens.question import QuestionScreen

SIZE = (100, 30)

STEPS = '''
id = "steps"
title = "Steps"

[[questions]]
id = "steps"
prompt = "The steps?"
type = "list"
min_length = 2

[[questions]]
id = "owner"
prompt = "Who owns them?"
'''


@pytest.fixture
def steps(flows_dir: Path) -> Path:
    (flows_dir / "steps.toml").write_text(STEPS, encoding="utf-8")
    return flows_dir


def answers_of(ckptr: WorkflowCheckpointer, run_id: str) -> list[dict[str, object]]:
    return [
        c.output_event.answers()  # type: ignore[attr-defined]
        for c in ckptr.lineage(run_id)
        if c.last_completed_step == HUMAN
    ]


def footer_keys(screen: QuestionScreen) -> dict[str, str]:
    return {key.description: key.key_display for key in screen.query("Footer FooterKey")}


async def test_enter_submits_a_long_answer_and_ctrl_j_or_alt_enter_start_a_new_line(
    sqlite, fixed
):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        area = screen.query_one(TextArea)
        assert "Enter submits" in area.placeholder
        hint = text_of(screen.query_one(".field-hint"))
        assert "ctrl+j or alt+enter: new line" in hint
        await until(pilot, lambda: "Continue" in footer_keys(screen))
        assert footer_keys(screen)["Continue"] == "enter"
        await pilot.press(*"Ship", "ctrl+j", *"v2", "alt+enter", *"soon")
        assert area.text == "Ship\nv2\nsoon"
        assert screen.shown is not None and screen.shown.number == 1
        await pilot.press("enter")
        screen = await question(pilot, 2)
        await pilot.press(*"Two", "ctrl+s")  # ctrl+s stays an alias
        await question(pilot, 3)
        assert answers_of(app.checkpointer("gather"), screen.run_id) == [
            {"objective": "Ship\nv2\nsoon"}, {"resources": "Two"},
        ]


async def test_enter_in_a_list_goes_on_and_ctrl_j_starts_the_next_item(sqlite, fixed, steps):
    app = make_app(sqlite, flows_dir=steps, open_flow="steps", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        await pilot.press(*"one", "ctrl+j", *"two", "enter")
        screen = await question(pilot, 2)
        await pilot.press(*"Ada", "enter")
        await until(pilot, lambda: not isinstance(app.screen, QuestionScreen))
        assert answers_of(app.checkpointer("steps"), screen.run_id) == [
            {"steps": ["one", "two"]}, {"owner": "Ada"},
        ]
