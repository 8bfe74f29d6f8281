"""The keys a person expects, typed through the screen (issue #15).

Enter submits in every field; ctrl+j or alt+enter starts a new line in a long
answer; ctrl+s stays an alias. What a terminal sends (a paste, alt+enter) goes
through the parser the app's terminal driver builds, as the driver feeds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.drivers import linux_driver
from textual.widgets import Input, RadioSet, TextArea

from hitl import HUMAN, WorkflowCheckpointer
from tests.tui.helpers import home, question, text_of
from tests.tui.screen_data import question_shown, tree_shown, until
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


CHOICES = """
id = "choices"
title = "Choices"

[[questions]]
id = "colour"
prompt = "Favourite colour?"
type = "choice"
choices = ["red", "green", "blue"]

[[questions]]
id = "city"
prompt = "Which city?"
type = "choice"
choices = ["city 1", "city 2", "city 3", "city 4", "city 5", "city 6", "city 7", "city 8"]

[[questions]]
id = "tools"
prompt = "Which tools?"
type = "multi_choice"
choices = ["git", "make", "tmux"]
"""


@pytest.fixture
def choices(flows_dir: Path) -> Path:
    (flows_dir / "choices.toml").write_text(CHOICES, encoding="utf-8")
    return flows_dir


NUMBERS = """
id = "numbers"
title = "Numbers"

[[questions]]
id = "days"
prompt = "How many days?"
type = "integer"

[[questions]]
id = "ratio"
prompt = "What ratio?"
type = "number"
"""


@pytest.fixture
def numbers(flows_dir: Path) -> Path:
    (flows_dir / "numbers.toml").write_text(NUMBERS, encoding="utf-8")
    return flows_dir


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


def terminal_sends(app, data: str) -> None:
    """What the terminal driver does with ``data`` read from the terminal: its
    parser's events, posted to the app."""
    parser = linux_driver.XTermParser()
    for event in [*parser.feed(data), *parser.feed("")]:
        app.post_message(event)


PASTE = "\x1b[200~A\x1b[31mB C\x1b[0m\x1b[201~"
"""printf 'A\\e[31mB C\\e[0m' pasted: text copied from a coloured terminal."""


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


async def test_alt_enter_from_the_terminal_starts_a_new_line_not_a_submit(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        await pilot.press(*"one")
        terminal_sends(app, "\x1b\r")  # what alt+enter sends in most terminals
        await pilot.pause()
        await pilot.press(*"two")
        assert screen.query_one(TextArea).text == "one\ntwo"
        assert screen.shown is not None and screen.shown.number == 1


@pytest.mark.parametrize(
    ("flow", "sent", "text"),
    [
        ("gather", "Ship v3\x7f2", "Ship v2"),  # a long text: backspace
        ("gather", "Ship v2 now\x1b[D\x1b[D\x1b[D\x1b[D\x15Then ", "Then  now"),  # ←, ctrl+u
        ("numbers", "13\x7f2", "12"),  # a one-line field: backspace
    ],
    ids=["backspace", "left-ctrl-u", "one-line"],
)
async def test_editing_keys_act_in_order_with_the_keys_read_with_them(
    sqlite, fixed, numbers, flow, sent, text
):
    # typed fast, over a slow link or sent by tmux: one read holds characters and
    # editing keys, and each acts where it was typed (Textualize/textual#6605)
    app = make_app(sqlite, flows_dir=numbers, open_flow=flow, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        terminal_sends(app, sent)
        field = screen.query_one("TextArea, Input")
        value = (lambda: field.text) if isinstance(field, TextArea) else (lambda: field.value)
        await until(pilot, lambda: value() == text, f"{text!r} in the field")


@pytest.mark.parametrize(
    ("flow", "sent", "text"),
    [
        ("gather", "Two devs\nA laptop\x1b\rsoon", "Two devs\nA laptop\nsoon"),
        ("steps", "one\ntwo", "one\ntwo"),  # a list: ctrl+j starts the next item
    ],
)
async def test_keys_that_arrive_together_keep_their_order(sqlite, fixed, steps, flow, sent, text):
    # typed fast, or sent by tmux in one write: the terminal's bytes come in one read
    app = make_app(sqlite, flows_dir=steps, open_flow=flow, **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        terminal_sends(app, sent)
        area = screen.query_one(TextArea)
        await until(pilot, lambda: area.text.endswith(text[-3:]))
        assert area.text == text


@pytest.mark.parametrize(
    "sent",
    [
        "Ship v2\rTwo devs\rA laptop",
        "Ship v2\r\x1b[200~Two devs\x1b[201~\rA laptop",
        "Ship v2\x13Two devs\x13A laptop",  # ctrl+s, Continue from anywhere on the screen
    ],
    ids=["typed", "pasted", "ctrl-s"],
)
async def test_lines_typed_ahead_answer_the_questions_they_were_typed_for(sqlite, fixed, sent):
    # "Ship v2", Enter, "Two devs", Enter, ... in one read (sent by tmux, typed fast,
    # batched by a browser's connection): each line is the answer to its own question
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        terminal_sends(app, sent)
        screen = await question(pilot, 3)
        area = screen.query_one(TextArea)
        await until(pilot, lambda: area.text == "A laptop")
        assert answers_of(app.checkpointer("gather"), screen.run_id) == [
            {"objective": "Ship v2"}, {"resources": "Two devs"},
        ]
        assert app.keys_held == 0


async def test_a_paste_holding_terminal_codes_is_kept_in_order_without_them(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        await pilot.press(*"x ")
        terminal_sends(app, PASTE)
        await until(pilot, lambda: screen.query_one(TextArea).text != "x ")
        assert screen.query_one(TextArea).text == "x AB C"
        note = text_of(screen.query_one(".field-note"))
        assert note == "The pasted text held terminal codes (such as colours); they were left out."
        assert screen.query_one(".field-note").display
        await pilot.press("enter")
        await question(pilot, 2)
        assert answers_of(app.checkpointer("gather"), screen.run_id) == [{"objective": "x AB C"}]
        # the next question's field starts without the note
        assert screen.form is not None and not screen.form.fields[0].note


async def test_a_paste_into_a_one_line_field_is_kept_in_order_without_codes(
    sqlite, fixed, steps
):
    app = make_app(sqlite, flows_dir=steps, open_flow="steps", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        await question(pilot, 1)
        await pilot.press(*"one", "ctrl+j", *"two", "enter")
        screen = await question(pilot, 2)
        terminal_sends(app, PASTE)
        field = screen.query_one(Input)
        await until(pilot, lambda: field.value != "")
        assert field.value == "AB C"
        assert screen.form is not None and screen.form.fields[0].has_class("-noted")


def test_a_paste_read_in_pieces_is_one_paste_in_order():
    from textual import events

    from tui.app.paste import PasteParser

    parser = PasteParser()
    got = []
    for piece in ["a\x1b[2", "00~A\x1b[3", "1mB", " C\x1b[20", "1~z"]:  # cut anywhere
        got += parser.feed(piece)
    got += parser.feed("")
    keys = [e.key for e in got if isinstance(e, events.Key)]
    assert [e.text for e in got if isinstance(e, events.Paste)] == ["A\x1b[31mB C"]
    assert keys == ["a", "z"]


async def test_enter_on_a_required_choice_nobody_made_asks_to_choose(sqlite, fixed, choices):
    app = make_app(sqlite, flows_dir=choices, open_flow="choices", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        radios = screen.query_one(RadioSet)
        assert not radios.query(".-selected")  # nothing highlighted: nothing to pick
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 1
        assert screen.form is not None
        assert screen.form.errors == {"colour": "choose one first: ↑↓ to move, then Enter"}
        assert answers_of(app.checkpointer("choices"), screen.run_id) == []
        await pilot.press("down", "enter")  # the first, once moved to
        # a drop-down (many choices): Enter opens it, picks, and goes on
        screen = await question(pilot, 2)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 2
        await pilot.press("down", "enter")
        await pilot.pause()
        assert screen.form is not None and screen.form.values() == {"city": "city 1"}
        await pilot.press("enter")
        # several choices: Enter with none ticked asks for one; Space ticks
        screen = await question(pilot, 3)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.form is not None
        assert screen.form.errors == {"tools": "tick at least one first: ↑↓ to move, Space ticks"}
        await pilot.press("down", "space", "enter")
        await until(pilot, lambda: not isinstance(app.screen, QuestionScreen))
        assert answers_of(app.checkpointer("choices"), screen.run_id) == [
            {"colour": "red"}, {"city": "city 1"}, {"tools": ["make"]},
        ]


async def test_a_number_field_keeps_what_was_typed_and_names_a_wrong_character(
    sqlite, fixed, numbers
):
    app = make_app(sqlite, flows_dir=numbers, open_flow="numbers", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        field = screen.query_one(Input)
        await pilot.press(*"3.5")
        assert field.value == "3.5"  # not 35
        assert screen.form is not None
        assert screen.form.errors == {"days": "must be a whole number, like 5; 3.5 is not"}
        await pilot.press("enter")
        await pilot.pause()
        assert screen.shown is not None and screen.shown.number == 1
        assert answers_of(app.checkpointer("numbers"), screen.run_id) == []
        await pilot.press("backspace", "backspace")
        assert screen.form.errors == {}
        await pilot.press("enter")
        screen = await question(pilot, 2)
        field = screen.query_one(Input)
        await pilot.press(*"abc99")
        assert field.value == "abc99"  # not 99
        assert screen.form is not None
        assert screen.form.errors == {"ratio": "must be a number, like 3.5; 'a' is not part of one"}
        field.value = ""
        await pilot.press(*"0,25")
        assert screen.form.errors == {"ratio": "write the decimals after a point, like 3.5"}
        field.value = ""
        await pilot.press(*"0.25", "enter")
        await until(pilot, lambda: not isinstance(app.screen, QuestionScreen))
        assert answers_of(app.checkpointer("numbers"), screen.run_id) == [
            {"days": 3}, {"ratio": 0.25},
        ]


async def test_escape_goes_to_the_sessions_past_the_screens_of_other_branches(sqlite, fixed):
    app = make_app(sqlite, open_flow="gather", **fixed.options())
    async with app.run_test(size=SIZE) as pilot:
        screen = await question(pilot, 1)
        await pilot.press(*"Ship", "enter")
        screen = await question(pilot, 2)
        await pilot.press(*"typed, not sent")
        assert screen.form is not None and screen.form.values() == {"resources": "typed, not sent"}
        await pilot.press("ctrl+t")  # the history, then a branch from the first answer
        await until(pilot, lambda: tree_shown(app.screen))
        await pilot.press("b")
        await until(pilot, lambda: app.screen is not screen and question_shown(app.screen))
        await pilot.press("escape")
        await home(pilot)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["HomeScreen"]
        assert {"resources": "typed, not sent"} in app.drafts.values()  # kept, as on leaving
