"""Limits at input: sizes capped before parsing, control characters and lone
surrogates refused in answers, start fields and edits, on every store."""

import json
import time

import pytest
from pydantic import ValidationError

from hitl import (
    CheckpointLoadError,
    Event,
    InputRequiredEvent,
    PayloadTooLarge,
    SqliteStore,
    StartEvent,
    StopEvent,
    Workflow,
    WorkflowCheckpointer,
    answer_field,
    step,
)
from tests.hitl.helpers import EchoFlow, sql

MiB = 1 << 20


class TextQuestion(InputRequiredEvent):
    text: str = answer_field()
    tags: list[str] = answer_field([], required=False)


class Said(Event):
    text: str


class TextFlow(Workflow):
    """Asks for free text (no length rule), echoes it back."""

    name = "text"

    @step
    async def ask(self, ev: StartEvent) -> TextQuestion:
        return TextQuestion(message="Say anything", text=getattr(ev, "preset", ""))

    @step
    async def said(self, ev: TextQuestion) -> Said:
        return Said(text=ev.text)

    @step
    async def done(self, ev: Said) -> StopEvent:
        return StopEvent(result=ev.text)


async def waiting(store, **options):
    ckptr = WorkflowCheckpointer(workflow=TextFlow(), store=store, **options)
    handler = ckptr.run()
    await handler
    return ckptr, handler.run_id


def stored(ckptr):
    return len(ckptr.runs()), sum(len(c) for c in ckptr.checkpoints.values())


def only_error(exc: ValidationError) -> dict:
    [error] = exc.errors()
    return error


# -- sizes -------------------------------------------------------------------------------


async def test_a_20_mb_answer_is_refused_clearly_and_fast(store):
    ckptr, run_id = await waiting(store)
    before = stored(ckptr)
    huge = "x" * (20 * 1000 * 1000)
    started = time.perf_counter()
    with pytest.raises(ValidationError) as info:
        ckptr.answer(run_id, text=huge)
    elapsed = time.perf_counter() - started
    error = only_error(info.value)
    assert (error["loc"], error["type"]) == (("text",), "too_large")
    assert "too large" in str(info.value)
    assert len(str(info.value)) < 500  # the answer is not echoed back
    assert elapsed < 1.0
    assert stored(ckptr) == before
    assert ckptr.runs()[0].status == "waiting"


async def test_a_20_mb_start_field_is_refused_and_no_run_recorded(store):
    ckptr = WorkflowCheckpointer(workflow=TextFlow(), store=store)
    with pytest.raises(ValidationError) as info:
        ckptr.run(preset="x" * (20 * 1000 * 1000))
    assert only_error(info.value)["loc"] == ("preset",)
    assert stored(ckptr) == (0, 0)


async def test_a_20_mb_edit_is_refused_and_nothing_stored(store):
    ckptr, run_id = await waiting(store)
    await ckptr.answer(run_id, text="short")
    said = ckptr.filter_checkpoints(last_completed_step="said")[0]
    said.output_event.text = "x" * (20 * 1000 * 1000)
    before = stored(ckptr)
    with pytest.raises(ValidationError) as info:
        ckptr.run_from(checkpoint=said)
    assert only_error(info.value)["loc"] == ("text",)
    assert stored(ckptr) == before


async def test_the_default_cap_is_one_mib_an_event(store):
    ckptr, run_id = await waiting(store)
    with pytest.raises(ValidationError):
        ckptr.answer(run_id, text="x" * (MiB + 1))
    # counted in bytes: 400,000 euro signs are 1.2 MB of UTF-8
    with pytest.raises(ValidationError) as info:
        ckptr.answer(run_id, text="€" * 400_000)
    assert only_error(info.value)["type"] == "too_large"
    assert stored(ckptr) == (1, 1)
    text = "y" * (MiB - 1000)
    assert await ckptr.answer(run_id, text=text) == text


async def test_max_event_bytes_is_settable(store):
    ckptr, run_id = await waiting(store, max_event_bytes=1000)
    with pytest.raises(ValidationError):
        ckptr.answer(run_id, text="x" * 1001)
    with pytest.raises(ValidationError):
        ckptr.answer(run_id, text="x" * 10, tags=["y" * 600, "z" * 600])  # counted over the list
    with pytest.raises(ValidationError):
        ckptr.run(preset="x" * 1001)
    assert stored(ckptr) == (1, 1)
    assert await ckptr.answer(run_id, text="x" * 500) == "x" * 500


async def test_a_step_output_over_the_cap_fails_the_run(store):
    class Big(Workflow):
        @step
        async def grow(self, ev: StartEvent) -> StopEvent:
            return StopEvent(result="x" * 2000)

    ckptr = WorkflowCheckpointer(workflow=Big(), store=store, max_event_bytes=1000)
    handler = ckptr.run()
    with pytest.raises(PayloadTooLarge, match="over the cap of 1000"):
        await handler
    [info] = ckptr.runs()
    assert info.status == "failed"
    assert info.error.startswith("PayloadTooLarge: ")
    assert ckptr.checkpoints[handler.run_id] == []
    assert isinstance(PayloadTooLarge("x"), ValueError)


async def test_a_stored_row_over_the_cap_is_refused_before_parsing(tmp_path, monkeypatch):
    path = tmp_path / "hitl.db"
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        handler = ckptr.run(topic="t")
        await handler
    big = json.dumps({"type": "NoteEvent", "v": 1, "data": {"text": "x" * (3 * MiB)}})
    sql(path, "UPDATE checkpoints SET output=? WHERE run_id=? AND seq=0", (big, handler.run_id))
    parsed = []
    real_loads = json.loads

    def watching_loads(text, *args, **kwargs):
        parsed.append(len(text))
        return real_loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", watching_loads)
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        with pytest.raises(CheckpointLoadError, match="over the cap") as info:
            _ = ckptr.checkpoints[handler.run_id][0].output_event
        assert handler.run_id in str(info.value)
    assert all(size < MiB for size in parsed)


async def test_stored_text_over_the_cap_in_bytes_is_refused(tmp_path):
    path = tmp_path / "hitl.db"
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        handler = ckptr.run(topic="t")
        await handler
    euros = "€" * 400_000  # under the cap in characters, 1.2 MB in UTF-8
    event = json.dumps({"type": "NoteEvent", "v": 1, "data": {"text": euros}}, ensure_ascii=False)
    state = json.dumps({"state": {"note": euros}}, ensure_ascii=False)
    sql(
        path,
        "UPDATE checkpoints SET output=?, state=? WHERE run_id=? AND seq=0",
        (event, state, handler.run_id),
    )
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        checkpoint = ckptr.checkpoints[handler.run_id][0]
        with pytest.raises(CheckpointLoadError, match=r"1200\d\d\d bytes, over the cap of 1048576"):
            _ = checkpoint.output_event
        with pytest.raises(CheckpointLoadError, match="over the cap"):
            _ = checkpoint.ctx_state


# -- unsafe text ---------------------------------------------------------------------------

UNSAFE = [
    "\x00",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\r",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\ud800",
    "\udfff",
    "\udc80",
]


@pytest.mark.parametrize("char", UNSAFE, ids=[f"U+{ord(c):04X}" for c in UNSAFE])
async def test_unsafe_characters_are_refused_in_answers(store, char):
    ckptr, run_id = await waiting(store)
    before = stored(ckptr)
    with pytest.raises(ValidationError) as info:
        ckptr.answer(run_id, text=f"hello{char}world")
    error = only_error(info.value)
    assert (error["loc"], error["type"]) == (("text",), "unsafe_text")
    assert f"U+{ord(char):04X}" in str(info.value)
    with pytest.raises(ValidationError) as info:
        ckptr.answer(run_id, text="fine", tags=["ok", f"bad{char}"])
    assert only_error(info.value)["loc"] == ("tags",)
    assert stored(ckptr) == before


@pytest.mark.parametrize("char", UNSAFE, ids=[f"U+{ord(c):04X}" for c in UNSAFE])
async def test_unsafe_characters_are_refused_in_start_fields(store, char):
    ckptr = WorkflowCheckpointer(workflow=TextFlow(), store=store)
    for fields, field in [
        ({"preset": f"a{char}"}, "preset"),
        ({"input_data": {"user_id": "123", "task": f"analysis{char}"}}, "input_data"),
        ({"input_data": {f"key{char}": "value"}}, "input_data"),
        ({"items": ["ok", [f"deep{char}"]]}, "items"),
    ]:
        with pytest.raises(ValidationError) as info:
            ckptr.run(**fields)
        assert only_error(info.value)["loc"] == (field,)
    assert stored(ckptr) == (0, 0)


@pytest.mark.parametrize("char", UNSAFE, ids=[f"U+{ord(c):04X}" for c in UNSAFE])
async def test_unsafe_characters_are_refused_in_edits(store, char):
    ckptr, run_id = await waiting(store)
    await ckptr.answer(run_id, text="short")
    question, _human, said = ckptr.checkpoints[run_id][:3]
    question.output_event.text = f"edited{char}"
    said.output_event.text = f"edited{char}"
    before = stored(ckptr)
    for checkpoint in (question, said):
        with pytest.raises(ValidationError) as info:
            ckptr.run_from(checkpoint=checkpoint)
        assert only_error(info.value)["loc"] == ("text",)
    assert stored(ckptr) == before


async def test_newline_and_tab_are_accepted_everywhere(store):
    text = "line one\nline two\tindented\n"
    ckptr = WorkflowCheckpointer(workflow=TextFlow(), store=store)
    handler = ckptr.run(preset=text, input_data={"note": text})
    assert (await handler).text == text
    assert await ckptr.answer(handler.run_id, text=text, tags=[text]) == text
    said = ckptr.filter_checkpoints(last_completed_step="said")[0]
    said.output_event.text = text + "more\tand\nmore"
    assert await ckptr.run_from(checkpoint=said) == text + "more\tand\nmore"
    assert ckptr.checkpoints[handler.run_id][0].input_event == StartEvent(
        preset=text, input_data={"note": text}
    )
