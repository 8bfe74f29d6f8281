"""A TOML questionnaire with a question of every kind, answered through the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import (
    Input,
    RadioSet,
    SelectionList,
    Switch,
    TextArea,
)

from hitl import COMPLETED, StopEvent
from tests.tui.helpers import answer, question
from tests.tui.screen_data import until
from tui.app import make_app
from tui.app.screens.question import QuestionScreen
from tui.app.widgets.answer_form import AnswerForm

SIZE = (100, 30)

EVERY_KIND = '''
id = "every"
title = "Every kind"
description = "One question of each kind."

[[questions]]
id = "name"
prompt = "Your name?"
max_length = 20

[[questions]]
id = "story"
prompt = "Tell the story."
help = "A few sentences."
type = "long_text"
min_length = 10

[[questions]]
id = "colour"
prompt = "Favourite colour?"
type = "choice"
choices = ["red", "green", "blue"]

[[questions]]
id = "tools"
prompt = "Which tools?"
type = "multi_choice"
choices = ["git", "make", "tmux", "vim"]
min_length = 1

[[questions]]
id = "count"
prompt = "How many?"
type = "integer"
min = 1
max = 10

[[questions]]
id = "ratio"
prompt = "What ratio?"
type = "number"
min = 0
max = 1

[[questions]]
id = "agree"
prompt = "Do you agree?"
type = "yes_no"

[[questions]]
id = "due"
prompt = "When is it due?"
type = "date"

[[questions]]
id = "steps"
prompt = "The steps?"
type = "list"
min_length = 2
'''


@pytest.fixture
def every(flows_dir: Path) -> Path:
    path = flows_dir / "every.toml"
    path.write_text(EVERY_KIND, encoding="utf-8")
    return flows_dir


def form_of(screen: QuestionScreen) -> AnswerForm:
    assert screen.form is not None
    return screen.form


async def submit_expecting_error(pilot, screen: QuestionScreen, field: str) -> str:
    await pilot.press("ctrl+s")
    await pilot.pause()
    errors = form_of(screen).errors
    assert field in errors, errors
    return errors[field]


async def test_every_kind_of_question_through_the_screen(sqlite, fixed, every):
    app = make_app(sqlite, flows_dir=every, open_flow="every", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        # text: an Input; Enter submits a one-line answer
        screen = await question(pilot, 1)
        assert isinstance(screen.focused, Input)
        await pilot.press(*"x" * 21)
        assert await submit_expecting_error(pilot, screen, "name") == (
            "at most 20 characters, got 21"
        )
        form_of(screen).query_one(Input).value = "Ada"
        await pilot.press("enter")
        # long text: a TextArea that wraps
        screen = await question(pilot, 2)
        area = form_of(screen).query_one(TextArea)
        assert area.soft_wrap
        await pilot.press(*"short")
        assert await submit_expecting_error(pilot, screen, "story") == (
            "at least 10 characters, got 5"
        )
        await answer(pilot, " and long enough", 2)
        # choice: radio buttons
        screen = await question(pilot, 3)
        assert isinstance(screen.focused, RadioSet)
        assert await submit_expecting_error(pilot, screen, "colour") == "an answer is required"
        await pilot.press("down", "down", "space")  # nothing highlighted at first
        assert form_of(screen).values() == {"colour": "green"}
        await pilot.press("enter")  # Enter on a choice picks it and moves on
        # multiple choice: a selection list
        screen = await question(pilot, 4)
        assert isinstance(screen.focused, SelectionList)
        assert await submit_expecting_error(pilot, screen, "tools") == (
            "an answer is required"
        )
        await pilot.press("space", "down", "down", "space")
        assert form_of(screen).values() == {"tools": ["git", "tmux"]}
        await answer(pilot, "", 4)
        # integer: an Input read as a whole number, the range checked by the engine
        screen = await question(pilot, 5)
        assert form_of(screen).query_one(Input).placeholder == "A whole number, like 5"
        await pilot.press("1", "1")
        assert await submit_expecting_error(pilot, screen, "count") == "must be at most 10"
        await pilot.press("backspace")
        await pilot.press("enter")
        # number
        screen = await question(pilot, 6)
        assert form_of(screen).query_one(Input).placeholder == "A number, like 3.5"
        await pilot.press(*"0.25", "enter")
        # yes/no: a switch
        screen = await question(pilot, 7)
        assert isinstance(screen.focused, Switch)
        await pilot.press("space")
        assert form_of(screen).values() == {"agree": True}
        await pilot.press("enter")  # Enter goes on (Space switched)
        # date: an Input checked as YYYY-MM-DD
        screen = await question(pilot, 8)
        await pilot.press(*"2026-13-01")
        assert await submit_expecting_error(pilot, screen, "due") == (
            "a date is written YYYY-MM-DD, e.g. 2025-03-31"
        )
        form_of(screen).query_one(Input).value = "2026-02-01"
        await pilot.press("enter")
        # list: one item a line
        screen = await question(pilot, 9)
        await pilot.press(*"one")
        assert await submit_expecting_error(pilot, screen, "steps") == (
            "at least 2 items, got 1"
        )
        await pilot.press("ctrl+j", *"two", "ctrl+j", "ctrl+j")  # a new line each
        assert form_of(screen).values() == {"steps": ["one", "two"]}
        await pilot.press("enter")  # Enter submits, in a list too
        await until(pilot, lambda: not isinstance(app.screen, QuestionScreen))

        ckptr = app.checkpointer("every")
        (run,) = ckptr.runs()
        assert run.status == COMPLETED
        result = ckptr.lineage(run.run_id)[-1].output_event
        assert isinstance(result, StopEvent)
        assert result.result == {
            "name": "Ada", "story": "short and long enough", "colour": "green",
            "tools": ["git", "tmux"], "count": 1, "ratio": 0.25, "agree": True,
            "due": "2026-02-01", "steps": ["one", "two"],
        }


async def test_going_back_to_a_choice_shows_it_chosen(sqlite, fixed, every):
    app = make_app(sqlite, flows_dir=every, open_flow="every", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await question(pilot, 1)
        await pilot.press(*"Ada", "enter")
        await answer(pilot, "a story long enough", 2)
        screen = await question(pilot, 3)
        await pilot.press("down", "down", "down", "enter")  # to red, green, blue
        screen = await question(pilot, 4)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 3
        radios = form_of(screen).query_one(RadioSet)
        assert radios.pressed_index == 2
        assert form_of(screen).values() == {"colour": "blue"}
