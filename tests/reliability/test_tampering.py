"""Hostile rows: someone edits the store file with sqlite3 behind the engine's back.

Each broken row fails alone, with hitl's own ``CheckpointLoadError`` (or its
``UnknownEventType``) naming the run, the event and the field; nothing named in
the data is ever imported or run; oversized text is refused before it is parsed;
and every other run still lists, loads, resumes and completes.
"""

from __future__ import annotations

import asyncio
import builtins
import importlib
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from flows.gather import GatherFlow
from hitl import (
    COMPLETED,
    HUMAN,
    CheckpointLoadError,
    SqliteStore,
    UnknownEventType,
    WorkflowCheckpointer,
)
from tests.reliability.procs import GATHER_STEPS, finish, integrity

CAP = 1 << 20
SENTINEL = "hitl_evil_sentinel"  # a module that exists on sys.path and must never be imported
DANGEROUS_NAMES = (
    "os.system",
    "subprocess.Popen",
    "builtins.eval",
    "builtins.exec",
    "pickle.loads",
    f"{SENTINEL}.Payload",
    f"{SENTINEL}:Payload",
    SENTINEL,
    "flows.gather.ObjectiveEvent",
    "__import__('os').system('true')",
    "hitl.events.StopEvent",
    "../../etc/passwd",
)


def envelope(type_name: str, data: Any, v: Any = 1) -> str:
    return json.dumps({"type": type_name, "v": v, "data": data})


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# -- the store every test tampers with -----------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A store holding a run of every kind: recorded but never started, waiting on
    its first question, waiting halfway, cut off after an answer, and completed."""
    db = tmp_path_factory.mktemp("template") / "store.db"
    with closing(SqliteStore(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        ids = {"fresh": ckptr.run(topic="never started").run_id}  # no loop: no step ran

        async def build() -> None:
            for name in ("waiting", "spare"):
                handler = ckptr.run(topic=name)
                await handler
                ids[name] = handler.run_id
            handler = ckptr.run(topic="middle")
            await handler
            for field in ("objective", "resources"):
                await ckptr.answer(handler.run_id, **{field: f"{field} of middle"})
            ids["middle"] = handler.run_id
            handler = ckptr.run(topic="done")
            await handler
            for field in ("objective", "resources", "approach", "notes"):
                await ckptr.answer(handler.run_id, **{field: f"{field} of done"})
            ids["done"] = handler.run_id
            handler = ckptr.run(topic="cut")
            await handler
            ids["cut"] = handler.run_id

        asyncio.run(build())
        ckptr.answer(ids["cut"], objective="objective of cut")  # no loop: the step never runs
    return db, ids


@pytest.fixture
def env(template: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    db, ids = template
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            shutil.copy(f"{db}{suffix}", tmp_path / f"store.db{suffix}")
    return tmp_path / "store.db", ids


def tamper(db: Path, sql: str, *params: Any) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute(sql, params).rowcount == 1
        conn.commit()
    finally:
        conn.close()


# -- proof that nothing is imported or run --------------------------------------------


@pytest.fixture
def sentinel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real, importable module named like the data; importing it leaves a mark."""
    home = tmp_path / "evil"
    home.mkdir()
    mark = tmp_path / "imported.mark"
    (home / f"{SENTINEL}.py").write_text(
        f"open({str(mark)!r}, 'w').close()\nclass Payload:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(home))
    importlib.invalidate_caches()
    return mark


@contextmanager
def nothing_imported_or_run(monkeypatch: pytest.MonkeyPatch, mark: Path) -> Iterator[list[int]]:
    """Fails if, inside, a module is imported, a dangerous callable is reached, or
    JSON over the cap is parsed. Yields the sizes of the JSON texts parsed."""
    before = set(sys.modules)
    imports: list[str] = []
    parsed: list[int] = []
    real_import, real_import_module, real_loads = (
        builtins.__import__,
        importlib.import_module,
        json.loads,
    )

    def spy_import(name: str, *args: Any, **kwargs: Any) -> Any:
        imports.append(name)
        return real_import(name, *args, **kwargs)

    def spy_import_module(name: str, *args: Any, **kwargs: Any) -> Any:
        imports.append(name)
        return real_import_module(name, *args, **kwargs)

    def spy_loads(text: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(len(text))
        return real_loads(text, *args, **kwargs)

    def tripwire(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a dangerous callable was reached with {args!r}")

    with monkeypatch.context() as patch:
        patch.setattr(builtins, "__import__", spy_import)
        patch.setattr(importlib, "import_module", spy_import_module)
        patch.setattr(json, "loads", spy_loads)
        for owner, name in (
            (os, "system"),
            (subprocess, "Popen"),
            (pickle, "loads"),
            (builtins, "eval"),
            (builtins, "exec"),
        ):
            patch.setattr(owner, name, tripwire)
        yield parsed
    assert not mark.exists(), "the sentinel module was imported"
    assert SENTINEL not in sys.modules
    assert set(sys.modules) == before, f"modules imported: {set(sys.modules) - before}"
    risky = ("os", "subprocess", "builtins", "pickle", SENTINEL, "flows")
    assert not [n for n in imports if n.split(".")[0] in risky], imports
    assert all(size <= CAP for size in parsed), f"parsed {max(parsed)} chars of JSON, over the cap"


# -- the cases -------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One tampered cell: ``target`` names the run and column, and how it must fail."""

    target: str  # output | input | state | start | output_type
    value: Any
    which: str  # the event the error must name
    words: tuple[str, ...] = ()  # fields or reasons the error must name too
    error: type[Exception] = CheckpointLoadError


CASES = {
    # Garbage and non-envelopes.
    "output-garbage-json": Case(
        "output",
        '{"type": "ObjectiveEvent", "v": 1, "data": {',
        "output_event",
        ("not valid JSON",),
    ),
    "output-empty": Case("output", "", "output_event", ("not valid JSON",)),
    "output-bytes": Case("output", b"\xff\xfe\x00garbage", "output_event"),
    "output-not-an-envelope": Case("output", "[1, 2, 3]", "output_event", ("envelope",)),
    "output-envelope-missing-data": Case(
        "output", '{"type": "ObjectiveEvent", "v": 1}', "output_event", ("envelope",)
    ),
    "output-deeply-nested": Case(
        "output",
        envelope("StopEvent", {"result": 0})[:-2] + ', "x": ' + deep(50_000) + "}}",
        "output_event",
    ),
    "output-deeply-nested-data": Case(
        "output",
        '{"type": "StopEvent", "v": 1, "data": {"result": ' + deep(50_000) + "}}",
        "output_event",
    ),
    "output-huge-int": Case(
        "output", '{"type": "ObjectiveEvent", "v": ' + "9" * 5000 + ', "data": {}}', "output_event"
    ),
    "output-newer-version": Case(
        "output",
        envelope("ObjectiveEvent", {"message": "q", "objective": ""}, v=99),
        "output_event",
        ("newer",),
    ),
    # Type names: unknown, or real importable paths. Never imported.
    **{
        f"output-type-{name}": Case(
            "output",
            envelope(name, {"message": "q", "objective": ""}),
            "output_event",
            (name[:80],),
            UnknownEventType,
        )
        for name in DANGEROUS_NAMES
    },
    **{
        f"output_type-column-{name}": Case(
            "output_type", name, "output_event", (name[:80],), UnknownEventType
        )
        for name in ("os.system", f"{SENTINEL}.Payload", "subprocess.Popen")
    },
    "input-type-builtins.eval": Case(
        "input",
        envelope("builtins.eval", {"source": "1"}),
        "input_event",
        ("builtins.eval",),
        UnknownEventType,
    ),
    "start-type-os.system": Case(
        "start",
        envelope("os.system", {"command": "true"}),
        "start event",
        ("os.system",),
        UnknownEventType,
    ),
    # Oversized text: refused before parsing, even though it is a valid envelope.
    "output-oversized": Case(
        "output",
        envelope("ObjectiveEvent", {"message": "q", "objective": "x" * (CAP + 1)}),
        "output_event",
        ("cap",),
    ),
    "input-oversized": Case(
        "input",
        envelope("ObjectiveEvent", {"message": "q", "objective": "x" * (3 * CAP)}),
        "input_event",
        ("cap",),
    ),
    "start-oversized": Case(
        "start", envelope("StartEvent", {"topic": "x" * (CAP + 1)}), "start event", ("cap",)
    ),
    "state-oversized": Case(
        "state", json.dumps({"state": {"notes": "x" * (CAP + 1)}}), "ctx_state", ("cap",)
    ),
    # Wrong field types, missing and unknown fields.
    "output-wrong-types": Case(
        "output",
        envelope("ObjectiveEvent", {"message": 5, "objective": ["x"]}),
        "output_event",
        ("'message'", "'objective'"),
    ),
    "output-missing-field": Case(
        "output", envelope("ObjectiveEvent", {"objective": ""}), "output_event", ("'message'",)
    ),
    "output-unknown-field": Case(
        "output",
        envelope("ObjectiveEvent", {"message": "q", "objective": "", "evil": 1}),
        "output_event",
        ("'evil'",),
    ),
    "output-nan": Case(
        "output",
        '{"type": "ObjectiveEvent", "v": 1, "data": {"message": NaN, "objective": ""}}',
        "output_event",
        ("'message'",),
    ),
    "input-wrong-types": Case(
        "input",
        envelope("ObjectiveEvent", {"message": "q", "objective": 42}),
        "input_event",
        ("'objective'",),
    ),
    "start-garbage": Case("start", "}{", "start event", ("not valid JSON",)),
    # ctx_state: not JSON, not a state, wrong field types.
    "state-not-json": Case("state", "not json {", "ctx_state"),
    "state-not-a-state": Case("state", "[1, 2]", "ctx_state"),
    "state-state-not-an-object": Case("state", '{"state": 5}', "ctx_state"),
    "state-wrong-types": Case(
        "state",
        json.dumps({"state": {"objective": 5, "notes": ["x"]}}),
        "ctx_state",
        ("'objective'", "'notes'"),
    ),
    "state-deeply-nested": Case("state", '{"state": {"notes": ' + deep(50_000) + "}}", "ctx_state"),
}

# Which run each target breaks, and the stored cell.
TARGETS = {
    "output": ("waiting", "UPDATE checkpoints SET output=? WHERE run_id=? AND seq=0"),
    "output_type": ("waiting", "UPDATE checkpoints SET output_type=? WHERE run_id=? AND seq=0"),
    "state": ("waiting", "UPDATE checkpoints SET state=? WHERE run_id=? AND seq=0"),
    "input": ("done", "UPDATE checkpoints SET input=? WHERE run_id=? AND seq=2"),
    "start": ("fresh", "UPDATE runs SET start=? WHERE run_id=?"),
}


def reads_that_must_fail(
    ckptr: WorkflowCheckpointer, case: Case, run_id: str
) -> dict[str, Callable[[], Any]]:
    """Every way of reaching the broken cell, by what it is called."""
    view = ckptr.checkpoints
    if case.target == "output":
        return {
            "output_event": lambda: view[run_id][0].output_event,
            "resume": lambda: ckptr.resume(run_id),
            "pending_question": lambda: ckptr.pending_question(run_id),
            "answer": lambda: ckptr.answer(run_id, objective="an answer"),
            "run_from": lambda: ckptr.run_from(view[run_id][0]),
        }
    if case.target == "output_type":
        return {
            "pending_question": lambda: ckptr.pending_question(run_id),
            "answer": lambda: ckptr.answer(run_id, objective="an answer"),
        }
    if case.target == "state":
        reads = {
            "resume": lambda: ckptr.resume(run_id),
            "answer": lambda: ckptr.answer(run_id, objective="an answer"),
        }
        if not case.value.startswith("{") or "cap" in case.words or "[[[" in case.value:
            reads["ctx_state"] = lambda: view[run_id][0].ctx_state  # unreadable as JSON
        return reads
    if case.target == "input":
        return {"input_event": lambda: view[run_id][2].input_event}
    if case.target == "start":
        return {"resume": lambda: ckptr.resume(run_id)}
    raise AssertionError(case.target)


def assert_others_fine(
    ckptr: WorkflowCheckpointer, ids: dict[str, str], broken: str, *, row_sound: bool = True
) -> None:
    """Every run but the broken one lists, loads, resumes and completes. With
    ``row_sound`` (only a checkpoint is broken, not the run's own row) the broken
    run is listed too."""
    others = set(ids.values()) - {broken}
    listed = {info.run_id for info in ckptr.runs()}
    view = ckptr.checkpoints
    if row_sound:
        assert listed == set(view) == set(ids.values())
    else:
        assert others <= listed <= set(ids.values())
        assert others <= set(view) <= set(ids.values())
    repr(view)  # shows the broken checkpoint as unreadable, and does not raise
    assert ckptr.filter_checkpoints(last_completed_step=HUMAN)
    for name, run_id in ids.items():
        if run_id == broken:
            continue
        for checkpoint in view[run_id]:
            checkpoint.input_event, checkpoint.output_event, checkpoint.ctx_state  # noqa: B018
        result = finish(ckptr, run_id)
        assert set(result) == {"objective", "resources", "approach", "notes"}, name
        assert [c.last_completed_step for c in view[run_id]] == GATHER_STEPS, name
        assert ckptr.get_run(run_id).status == COMPLETED


@pytest.mark.parametrize("name", list(CASES))
def test_a_tampered_row_fails_alone(
    env: tuple[Path, dict[str, str]], sentinel: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    db, ids = env
    case = CASES[name]
    run_key, sql = TARGETS[case.target]
    run_id = ids[run_key]
    tamper(db, sql, case.value, run_id)

    with closing(SqliteStore(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        # Warm up: reach the same code on a sound run, so lazy imports happen now.
        spare = ids["spare"]
        ckptr.checkpoints[spare][0].output_event, ckptr.checkpoints[spare][0].ctx_state
        ckptr.pending_question(spare), ckptr.resume(spare), ckptr.runs()
        count = len(ckptr.checkpoints[run_id])
        with nothing_imported_or_run(monkeypatch, sentinel):
            for how, read in reads_that_must_fail(ckptr, case, run_id).items():
                try:
                    read()
                except CheckpointLoadError as exc:
                    err: CheckpointLoadError = exc
                else:
                    raise AssertionError(f"{how}: the tampered {case.which} was accepted")
                message = str(err)
                assert isinstance(err, case.error), (how, type(err), message)
                assert run_id in message, (how, message)
                assert case.which in message, (how, message)
                for word in case.words:
                    assert word in message, (how, word, message)
                assert len(message) < 2000, (how, "the error quotes the data at length")
        # A refused answer stores nothing.
        assert len(ckptr.checkpoints[run_id]) == count
        assert_others_fine(ckptr, ids, broken=run_id)
    assert integrity(db) == "ok"


def test_a_done_run_with_one_broken_input_still_gives_its_result(
    env: tuple[Path, dict[str, str]],
) -> None:
    """Broken history before the tip does not stop a completed run giving its result."""
    db, ids = env
    tamper(db, TARGETS["input"][1], "garbage", ids["done"])
    with closing(SqliteStore(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        result = finish(ckptr, ids["done"])
        assert result == {
            f: f"{f} of done" for f in ("objective", "resources", "approach", "notes")
        }


@pytest.mark.parametrize(
    "column, value",
    [
        ("created_at", "yesterday"),
        ("updated_at", "x"),
        ("tip_seq", "seven"),
        ("status", "bogus"),
    ],
)
def test_a_tampered_run_row_does_not_hide_the_others(
    env: tuple[Path, dict[str, str]], column: str, value: str
) -> None:
    """A run row with a wrong-typed column: listing runs still works for the rest."""
    db, ids = env
    tamper(db, f"UPDATE runs SET {column}=? WHERE run_id=?", value, ids["middle"])
    with closing(SqliteStore(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        try:
            ckptr.runs()
        except Exception as exc:
            raise AssertionError(
                f"one bad run row breaks runs() for every run: {type(exc).__name__}: {exc}"
            ) from None
        assert_others_fine(ckptr, ids, broken=ids["middle"], row_sound=False)


@pytest.mark.parametrize("held", [envelope("StartEvent", {}), envelope("StopEvent", {"result": 1})])
def test_a_row_whose_event_is_not_the_question_its_type_column_says(
    env: tuple[Path, dict[str, str]], held: str
) -> None:
    """The type column says ObjectiveEvent, the envelope holds another known event:
    asking for the pending question, or answering it, fails with hitl's error."""
    db, ids = env
    run_id = ids["waiting"]
    tamper(db, TARGETS["output"][1], held, run_id)
    with closing(SqliteStore(db)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        for read in (
            lambda: ckptr.pending_question(run_id),
            lambda: ckptr.answer(run_id, objective="an answer"),
        ):
            with pytest.raises(CheckpointLoadError) as caught:
                read()
            assert run_id in str(caught.value) and "output_event" in str(caught.value)
            assert "ObjectiveEvent" in str(caught.value)
        assert len(ckptr.checkpoints[run_id]) == 1
        assert_others_fine(ckptr, ids, broken=run_id)
