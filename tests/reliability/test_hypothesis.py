"""Property tests: any text a person types, and any envelope a row can hold.

(a) An answer is accepted exactly when it is safe text (no control character
but newline and tab, no lone surrogate), fits the field, and is not blank where
the field is required; an accepted one reads back exactly, a refused one raises
``pydantic.ValidationError`` naming the field and stores nothing.

(b) Whatever JSON (or not-JSON) a stored event or state holds, loading it gives
a valid event of the workflow's own types or raises hitl's
``CheckpointLoadError``: never any other exception.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import unicodedata
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from flows.gather import GatherFlow, NotesEvent, ObjectiveEvent
from hitl import (
    HUMAN,
    CheckpointLoadError,
    Event,
    MemoryStore,
    SqliteStore,
    WorkflowCheckpointer,
)
from tests.reliability.procs import finish

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- (a) text answers --------------------------------------------------------------------

TRICKY = [
    "\n",
    "\t",
    "\r",
    "\x00",
    "\x08",
    "\x0b",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9b",
    "\x9f",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    " ",
    "\u00a0",
    "\u2028",
    "\u3000",
    "\ufeff",
    "\u200b",
    "\u202e",
    "a",
    "é",
    "🚀",
    "\U0010ffff",
]
any_char = st.characters(exclude_categories=())  # surrogates and controls included
texts = st.one_of(
    st.text(any_char),
    st.lists(st.one_of(st.sampled_from(TRICKY), any_char), max_size=40).map("".join),
    st.builds(
        lambda n, c, tail: c * n + tail,
        st.integers(1990, 2010),
        st.sampled_from("a \n"),
        st.sampled_from(["", "\x00", "b"]),
    ),
)


def acceptable(text: str, required: bool, max_length: int) -> bool:
    """The rule, written independently of the engine's code."""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in "\n\t":
            return False
        if unicodedata.category(char) == "Cs":
            return False
    if required and all(c.isspace() or unicodedata.category(c) == "Cf" for c in text):
        return False  # nothing a person sees: white space and format characters
    return len(text) <= max_length


def question_checkpoints(ckptr: WorkflowCheckpointer) -> dict[str, str]:
    """Checkpoint ids of a stored objective question and a stored notes question."""

    async def go() -> str:
        handler = ckptr.run()
        await handler
        for field in ("objective", "resources", "approach"):
            await ckptr.answer(handler.run_id, **{field: f"{field} given"})
        return handler.run_id

    run_id = asyncio.run(go())
    found = {}
    for checkpoint in ckptr.checkpoints[run_id]:
        if checkpoint.last_completed_step == HUMAN:
            continue  # an answer, not the question
        if checkpoint.output_event_type == "ObjectiveEvent":
            found["objective"] = checkpoint.id
        if checkpoint.output_event_type == "NotesEvent":
            found["notes"] = checkpoint.id
    return found


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_any_text_answer_is_stored_exactly_or_refused_cleanly(tmp_path: Path, kind: str) -> None:
    store = MemoryStore() if kind == "memory" else SqliteStore(tmp_path / "text.db")
    with closing(store):
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        questions = question_checkpoints(ckptr)
        rules = {
            "objective": ObjectiveEvent.answer_rules["objective"],  # required, up to 2000
            "notes": NotesEvent.answer_rules["notes"],  # optional, up to 4000
        }

        @SETTINGS
        @given(text=texts, field=st.sampled_from(["objective", "notes"]))
        def check(text: str, field: str) -> None:
            # A fresh run waiting on the question, branched from the stored one.
            run_id = ckptr.run_from(ckptr.get_checkpoint(questions[field])).run_id
            assert ckptr.checkpoints[run_id] == []
            expected = acceptable(text, rules[field].required, rules[field].max_length)
            try:
                ckptr.answer(run_id, **{field: text})
            except ValidationError as exc:
                assert not expected, f"refused a fine answer: {exc}"
                assert [e["loc"] for e in exc.errors()] == [(field,)], exc.errors()
                assert ckptr.checkpoints[run_id] == []  # nothing stored
                assert ckptr.pending_question(run_id) is not None  # still waiting
                return
            assert expected, f"accepted an answer that should be refused: {text!r}"
            (stored,) = ckptr.checkpoints[run_id]  # read back from the store, decoded afresh
            assert stored.last_completed_step == HUMAN
            assert getattr(stored.output_event, field) == text

        check()


# -- (b) arbitrary envelopes ---------------------------------------------------------------

REGISTRY = sorted(GatherFlow().spec.registry)
FIELD_NAMES = [
    "message",
    "objective",
    "resources",
    "approach",
    "notes",
    "result",
    "topic",
    "__class__",
    "__dict__",
    "model_config",
    "__pydantic_extra__",
    "_private",
]
TYPE_NAMES = st.one_of(
    st.sampled_from(REGISTRY),
    st.sampled_from(
        [
            "os.system",
            "subprocess.Popen",
            "builtins.eval",
            "flows.gather.ObjectiveEvent",
            "",
            "Event",
            "InputRequiredEvent",
            "objectiveevent",
            "ObjectiveEvent ",
        ]
    ),
    st.text(max_size=30),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(any_char, max_size=20),
    st.sampled_from([10**400, -(10**400), 2**63, "x" * 3000]),
)
json_values = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)), kids, max_size=4
        ),
    ),
    max_leaves=20,
)
datas = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)), json_values, max_size=5
)
envelopes = st.one_of(
    st.fixed_dictionaries(
        {
            "type": TYPE_NAMES,
            "v": st.one_of(st.integers(-2, 3), st.integers(), json_values),
            "data": st.one_of(datas, json_values),
        }
    ),
    st.fixed_dictionaries(
        {"type": TYPE_NAMES, "v": st.just(1), "data": datas},
        optional={"extra": json_values},
    ),
    json_values,
)


def as_text(value: Any) -> str:
    return json.dumps(value)


# What a row can hold: SQLite text is UTF-8, so no lone surrogates (json.dumps
# escapes them inside envelopes, which is covered above).
storable_char = st.characters(exclude_categories=("Cs",))
stored_texts = st.one_of(
    envelopes.map(as_text),
    st.builds(lambda v, n: as_text(v)[:n], envelopes, st.integers(0, 40)),  # cut short
    st.text(storable_char, max_size=40),
    st.sampled_from(["", "[" * 5000 + "]" * 5000, "{" * 3000, "NaN", "Infinity", "1e999999"]),
)
states = st.one_of(
    st.builds(lambda d: as_text({"state": d}), datas),
    stored_texts,
)


def is_valid_event(event: object) -> bool:
    return (
        isinstance(event, Event)
        and GatherFlow().spec.registry.get(type(event).__name__) is type(event)
        and type(event).model_validate(event.model_dump()) == event
    )


def test_any_stored_envelope_loads_or_raises_only_checkpoint_load_error(tmp_path: Path) -> None:
    db = tmp_path / "envelopes.db"
    with closing(SqliteStore(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        questions = question_checkpoints(ckptr)
        target = questions["notes"]
        run_id = ckptr.get_checkpoint(target).run_id
        sound = ckptr.run_from(ckptr.get_checkpoint(questions["objective"])).run_id
        raw = sqlite3.connect(db, isolation_level=None)

        def outcome(read: Any) -> object:
            try:
                return read()
            except CheckpointLoadError as exc:
                assert run_id in str(exc)
                return exc

        @SETTINGS
        @given(output=stored_texts, input_=stored_texts, state=states)
        def check(output: str, input_: str, state: str) -> None:
            raw.execute(
                "UPDATE checkpoints SET output=?, input=?, state=? WHERE id=?",
                (output, input_, state, target),
            )
            checkpoint = ckptr.get_checkpoint(target)
            for read in (lambda: checkpoint.output_event, lambda: checkpoint.input_event):
                got = outcome(read)
                assert isinstance(got, CheckpointLoadError) or is_valid_event(got), got
            got = outcome(lambda: checkpoint.ctx_state)
            assert isinstance(got, (CheckpointLoadError, dict)), got
            for read in (
                lambda: ckptr.resume(run_id),
                lambda: ckptr.pending_question(run_id),
                lambda: ckptr.lineage(run_id),
                lambda: repr(ckptr.checkpoints[run_id]),
            ):
                outcome(read)
            with pytest.raises((CheckpointLoadError, ValidationError)):
                # An unsafe answer is refused; a broken row may be refused first.
                ckptr.answer(run_id, notes="\x00")
            # The other run never notices.
            assert ckptr.pending_question(sound) is not None

        try:
            check()
        finally:
            raw.close()
        assert finish(ckptr, sound)["notes"] == "notes given on resume"
