"""AnswerForm on its own: the widget each field gets, values back, errors beside fields."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import pytest
from pydantic import ValidationError
from textual.app import App, ComposeResult
from textual.widgets import Input, RadioSet, Select, SelectionList, Static, Switch, TextArea

from hitl import Event, InputRequiredEvent, answer_field
from tests.tui.helpers import text_of
from tui.app.widgets.answer_form import AnswerForm
from tui.app.widgets.text_fields import JsonField


class Profile(InputRequiredEvent):
    name: str = answer_field(label="Name", max_length=5)
    bio: str = answer_field("", kind="long_text", required=False, help="A line or two.")
    size: str = answer_field(choices=["s", "m", "l"])
    city: str = answer_field(choices=[f"city {i}" for i in range(10)])
    tags: list[str] = answer_field([], choices=["a", "b", "c"], required=False)
    age: int | None = answer_field(None, ge=0, le=150)
    score: float | None = answer_field(None, required=False)
    ok: bool = answer_field(False, required=False)
    born: dt.date | None = answer_field(None, required=False)
    steps: list[str] = answer_field([], required=False)


class Step(Event):
    title: str
    notes: str
    count: int
    ratio: float
    done: bool
    mode: Literal["fast", "slow"]
    extra: dict[str, Any]


class FormApp(App[None]):
    def __init__(self, event: Event, values: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.event = event
        self.values = values
        self.submitted: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield AnswerForm(self.event, values=self.values)

    def on_answer_form_submitted(self, message: AnswerForm.Submitted) -> None:
        self.submitted.append(message.values)


def kind_of(widget: object) -> str:
    """The Textual widget a field uses (our subclasses named by their base)."""
    for base in (Input, TextArea, RadioSet, Select, SelectionList, Switch):
        if isinstance(widget, base):
            return base.__name__
    return type(widget).__name__


def question(**values: Any) -> Profile:
    base = {"message": "Who are you?", "name": "", "size": "", "city": ""}
    return Profile(**{**base, **values})


async def test_each_kind_gets_its_widget_and_reads_back():
    event = question(name="Ada", size="m", city="city 7", tags=["b"], age=36, score=1.5,
                     ok=True, born=dt.date(1815, 12, 10), steps=["x", "y"], bio="line\nline")
    app = FormApp(event)
    async with app.run_test(size=(100, 60)):
        form = app.query_one(AnswerForm)
        kinds = {f.field_name: kind_of(f.input) for f in form.fields}
        assert kinds == {
            "name": "Input", "bio": "TextArea", "size": "RadioSet", "city": "Select",
            "tags": "SelectionList", "age": "Input", "score": "Input", "ok": "Switch",
            "born": "Input", "steps": "TextArea",
        }
        assert form.values() == {
            "name": "Ada", "bio": "line\nline", "size": "m", "city": "city 7", "tags": ["b"],
            "age": 36, "score": 1.5, "ok": True, "born": "1815-12-10", "steps": ["x", "y"],
        }
        assert form.field("age").query_one(Input).placeholder == "A whole number, like 5"
        assert form.field("score").query_one(Input).placeholder == "A number, like 3.5"
        assert app.query_one(TextArea).soft_wrap
        assert isinstance(form.field("ok").input, Switch)
        assert isinstance(form.field("size").input, RadioSet)
        assert isinstance(form.field("city").input, Select)
        assert isinstance(form.field("tags").input, SelectionList)
        # labels and help are shown; optional fields say so
        assert text_of(form.field("name").query_one(".field-label", Static)) == "Name"
        assert text_of(form.field("bio").query_one(".field-label", Static)) == "Bio  optional"
        assert text_of(form.field("bio").query_one(".field-help", Static)) == "A line or two."


async def test_errors_from_the_engines_check_go_beside_their_fields():
    event = question()
    app = FormApp(event, {"name": "Adalovelace", "age": 200})
    async with app.run_test(size=(100, 60)) as pilot:
        form = app.query_one(AnswerForm)
        with pytest.raises(ValidationError) as caught:
            event.answered(form.values())
        named = form.show_errors(caught.value)
        assert set(named) == {"name", "size", "city", "age"}
        assert form.errors == {
            "name": "at most 5 characters, got 11",
            "size": "an answer is required",
            "city": "an answer is required",
            "age": "must be at most 150",
        }
        assert text_of(form.field("age").query_one(".field-error", Static)) == (
            "✗ must be at most 150"
        )
        assert app.focused is form.field("name").input  # the first field named
        await pilot.press("backspace")
        assert "name" not in form.errors  # editing a field clears its message
        form.clear_errors()
        assert form.errors == {}


async def test_unreadable_text_is_a_validation_error_naming_the_field():
    app = FormApp(question(), {"born": "31/12/2025"})
    async with app.run_test(size=(100, 60)):
        form = app.query_one(AnswerForm)
        with pytest.raises(ValidationError) as caught:
            form.values()
        assert [e["loc"] for e in caught.value.errors()] == [("born",)]
        form.submit()
        assert form.errors == {"born": "a date is written YYYY-MM-DD, e.g. 2025-03-31"}
        assert app.submitted == []


async def test_enter_moves_to_the_next_field_and_submits_on_the_last():
    class Two(InputRequiredEvent):
        first: str = answer_field()
        second: str = answer_field()

    app = FormApp(Two(message="?", first="", second=""))
    async with app.run_test() as pilot:
        form = app.query_one(AnswerForm)
        form.focus_first()
        await pilot.press("a", "enter")
        assert app.focused is form.field("second").input
        assert app.submitted == []
        await pilot.press("b", "enter")
        assert app.submitted == [{"first": "a", "second": "b"}]


async def test_any_event_is_edited_by_its_annotations():
    event = Step(title="t", notes="a\nb", count=2, ratio=0.5, done=False, mode="slow",
                 extra={"k": [1, 2]})
    app = FormApp(event)
    async with app.run_test(size=(100, 80)):
        form = app.query_one(AnswerForm)
        kinds = {f.field_name: kind_of(f.input) for f in form.fields}
        assert kinds == {
            "title": "Input", "notes": "TextArea", "count": "Input", "ratio": "Input",
            "done": "Switch", "mode": "RadioSet", "extra": "TextArea",
        }
        assert isinstance(form.field("extra"), JsonField)
        assert form.values() == {
            "title": "t", "notes": "a\nb", "count": 2, "ratio": 0.5, "done": False,
            "mode": "slow", "extra": {"k": [1, 2]},
        }
        form.field("extra").query_one(TextArea).text = "{not json"
        with pytest.raises(ValidationError) as caught:
            form.values()
        assert caught.value.errors()[0]["loc"] == ("extra",)


async def test_markup_in_values_labels_and_choices_is_text():
    class Marked(InputRequiredEvent):
        pick: str = answer_field(label="[b]Label[/b]", help="[red]help[/red]",
                                 choices=["[i]one[/i]", "two"])

    app = FormApp(Marked(message="?", pick="[i]one[/i]"))
    async with app.run_test():
        form = app.query_one(AnswerForm)
        field = form.field("pick")
        assert text_of(field.query_one(".field-label", Static)) == "[b]Label[/b]"
        assert text_of(field.query_one(".field-help", Static)) == "[red]help[/red]"
        button = field.query("RadioButton").first()
        assert "[i]one[/i]" in button.label.plain
        assert form.values() == {"pick": "[i]one[/i]"}
