"""Closed-world loading: stored events are envelopes read against the workflow's own
registry. A bad row fails alone and names run, event and field; no name read from
data is ever imported; nothing is pickled."""

import json
import sys
from pathlib import Path

import pytest

from hitl import (
    CheckpointLoadError,
    Event,
    SqliteStore,
    StartEvent,
    StopEvent,
    UnknownEventType,
    Workflow,
    WorkflowCheckpointer,
    step,
)
from tests.hitl.helpers import EchoFlow, NoteEvent, SurveyFlow, sql

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def three_runs(tmp_path):
    """A store file with three completed echo runs; yields (path, [run_id, ...])."""
    path = tmp_path / "hitl.db"
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        run_ids = []
        for topic in ("one", "two", "three"):
            handler = ckptr.run(topic=topic)
            await handler
            run_ids.append(handler.run_id)
    return path, run_ids


def tamper_output(path, run_id, seq, text, type_name=None):
    sql(path, "UPDATE checkpoints SET output=? WHERE run_id=? AND seq=?", (text, run_id, seq))
    if type_name is not None:
        sql(
            path,
            "UPDATE checkpoints SET output_type=? WHERE run_id=? AND seq=?",
            (type_name, run_id, seq),
        )


def envelope(type_name, data, v=1):
    return json.dumps({"type": type_name, "v": v, "data": data})


async def assert_others_load(ckptr, run_ids):
    """Every run listed still reads in full, resumes and answers its filter."""
    for run_id in run_ids:
        checkpoints = ckptr.checkpoints[run_id]
        assert [c.last_completed_step for c in checkpoints] == ["write", "finish"]
        for c in checkpoints:
            c.input_event, c.output_event, c.ctx_state  # noqa: B018 - reading is the test
        assert (await ckptr.resume(run_id)).startswith("NOTE ABOUT ")


async def test_stored_events_are_json_envelopes(tmp_path):
    path = tmp_path / "hitl.db"
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        await ckptr.run(topic="tea")
    rows = sql(path, "SELECT input, output FROM checkpoints ORDER BY n")
    assert [json.loads(text) for row in rows for text in row] == [
        {"type": "StartEvent", "v": 1, "data": {"topic": "tea"}},
        {"type": "NoteEvent", "v": 1, "data": {"text": "note about tea"}},
        {"type": "NoteEvent", "v": 1, "data": {"text": "note about tea"}},
        {"type": "StopEvent", "v": 1, "data": {"result": "NOTE ABOUT TEA"}},
    ]


async def test_unknown_event_type_fails_alone(three_runs):
    path, (bad, *good) = three_runs
    tamper_output(path, bad, 0, envelope("Mystery", {"text": "x"}), "Mystery")
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        assert [r.run_id for r in ckptr.runs()] == [bad, *good]
        first = ckptr.checkpoints[bad][0]
        assert first.input_event == StartEvent(topic="one")  # the rest of the row reads
        with pytest.raises(UnknownEventType) as info:
            _ = first.output_event
        message = str(info.value)
        assert bad in message and "output_event" in message and "'Mystery'" in message
        assert isinstance(info.value, CheckpointLoadError)
        assert "Mystery" in repr(first)  # repr shows the row as unreadable, it does not raise
        with pytest.raises(UnknownEventType):
            _ = ckptr.get_checkpoint(first.id).output_event
        await assert_others_load(ckptr, good)


@pytest.mark.parametrize("name", ["os.system", "builtins.eval", "subprocess.Popen", "pickle.loads"])
async def test_a_dotted_name_in_data_is_never_imported(three_runs, name):
    path, (bad, *good) = three_runs
    tamper_output(path, bad, 0, envelope(name, {}), name)
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        with pytest.raises(UnknownEventType, match="unknown event type"):
            _ = ckptr.checkpoints[bad][0].output_event
        await assert_others_load(ckptr, good)


async def test_a_module_named_in_data_is_not_imported(three_runs, tmp_path, monkeypatch):
    path, (bad, *good) = three_runs
    marker = tmp_path / "imported.txt"
    package = tmp_path / "probe"
    package.mkdir()
    (package / "hitl_probe_payload.py").write_text(
        f"open({str(marker)!r}, 'w').write('imported')\nclass Evil:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(package))
    for text, type_name in [
        (envelope("hitl_probe_payload.Evil", {}), "hitl_probe_payload.Evil"),
        (envelope("hitl_probe_payload", {}), "hitl_probe_payload"),
    ]:
        tamper_output(path, bad, 1, text, type_name)
        before = set(sys.modules)
        with SqliteStore(path) as store:
            ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
            with pytest.raises(UnknownEventType):
                _ = ckptr.checkpoints[bad][1].output_event
            with pytest.raises(UnknownEventType):
                await ckptr.resume(bad)
        assert "hitl_probe_payload" not in sys.modules
        assert set(sys.modules) - before == set()
        assert not marker.exists()
    with SqliteStore(path) as store:
        await assert_others_load(WorkflowCheckpointer(workflow=EchoFlow(), store=store), good)


async def test_a_row_that_no_longer_validates_names_run_event_and_field(three_runs):
    path, (first, bad, last) = three_runs
    tamper_output(path, bad, 0, envelope("NoteEvent", {"txt": "renamed field"}))
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        with pytest.raises(CheckpointLoadError) as info:
            _ = ckptr.checkpoints[bad][0].output_event
        message = str(info.value)
        assert bad in message
        assert "output_event" in message and "NoteEvent" in message
        assert "'text'" in message  # the missing field
        assert "'txt'" in message  # and the one it does not know
        assert ckptr.checkpoints[bad][1].input_event == NoteEvent(
            text="note about two"
        )  # its own copy
        await assert_others_load(ckptr, [first, last])


class LongerNoteEvent(Event):
    """NoteEvent as a later version of a flow declares it: a new required field."""

    text: str
    words: int


LongerNoteEvent.__name__ = "NoteEvent"


class ChangedEchoFlow(Workflow):
    name = "echo"

    @step
    async def write(self, ev: StartEvent) -> LongerNoteEvent:
        return LongerNoteEvent(text=f"note about {ev.topic}", words=3)

    @step
    async def finish(self, ev: LongerNoteEvent) -> StopEvent:
        return StopEvent(result=ev.text.upper())


async def test_rows_written_before_the_flow_changed_fail_with_the_field_named(three_runs):
    path, run_ids = three_runs
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=ChangedEchoFlow(), store=store)
        assert len(ckptr.runs()) == 3
        old = ckptr.checkpoints[run_ids[0]][0]
        with pytest.raises(CheckpointLoadError) as info:
            _ = old.output_event
        message = str(info.value)
        assert run_ids[0] in message and "NoteEvent" in message and "'words'" in message
        assert old.input_event == StartEvent(topic="one")
        # a new run of the changed flow in the same store is fine
        assert await ckptr.run(topic="new") == "NOTE ABOUT NEW"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("{not json", "not valid JSON"),
        ('["NoteEvent", {"text": "x"}]', "not an event envelope"),
        ('{"type": "NoteEvent", "data": {"text": "x"}}', "not an event envelope"),
        (
            '{"type": "NoteEvent", "v": 1, "data": {"text": "x"}, "extra": 1}',
            "not an event envelope",
        ),
        ('{"type": "NoteEvent", "v": 99, "data": {"text": "x"}}', "newer"),
    ],
)
async def test_a_corrupt_row_fails_alone(three_runs, text, expected):
    path, (first, bad, last) = three_runs
    tamper_output(path, bad, 0, text)
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        with pytest.raises(CheckpointLoadError, match=expected) as info:
            _ = ckptr.checkpoints[bad][0].output_event
        assert bad in str(info.value) and "output_event" in str(info.value)
        assert [c.seq for c in ckptr.filter_checkpoints(last_completed_step="write")] == [0, 0, 0]
        await assert_others_load(ckptr, [first, last])


async def test_a_corrupt_saved_state_fails_alone(three_runs):
    path, (first, bad, last) = three_runs
    sql(path, "UPDATE checkpoints SET state='{broken' WHERE run_id=? AND seq=0", (bad,))
    sql(
        path,
        "UPDATE checkpoints SET output=? WHERE run_id=? AND seq=1",
        (envelope("NoteEvent", {"text": "x"}), bad),
    )
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
        with pytest.raises(CheckpointLoadError, match=bad):
            _ = ckptr.checkpoints[bad][0].ctx_state
        branch = ckptr.checkpoints[bad][0]
        with pytest.raises(CheckpointLoadError, match=bad):
            ckptr.run_from(checkpoint=branch)
        await assert_others_load(ckptr, [first, last])


async def test_a_corrupt_start_event_fails_the_resume_of_that_run_only(tmp_path):
    path = tmp_path / "hitl.db"
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
        fresh = ckptr.run(nickname="never started")  # recorded; its first step has not run
        fresh_id = fresh.run_id
        await fresh
        other = ckptr.run()
        await other
    sql(path, "DELETE FROM checkpoints WHERE run_id=?", (fresh_id,))
    sql(
        path,
        "UPDATE runs SET status='running', tip=NULL, tip_seq=-1, start=? WHERE run_id=?",
        ('{"type": "StartEvent", "v": 1, "data": {"nick', fresh_id),
    )
    with SqliteStore(path) as store:
        ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
        with pytest.raises(CheckpointLoadError) as info:
            ckptr.resume(fresh_id)
        assert fresh_id in str(info.value) and "start event" in str(info.value)
        assert (await ckptr.answer(other.run_id, name="Ann")).message == "How old are you, Ann?"


def test_no_pickle_and_no_dynamic_import_in_the_engine_or_flows():
    words = ("pickle", "marshal", "shelve", "dill", "importlib", "__import__", "eval(", "exec(")
    offenders = []
    for folder in ("hitl", "flows"):
        for file in sorted((ROOT / folder).rglob("*.py")):
            text = file.read_text().replace("nothing is pickled", "")  # serde's docstring says so
            offenders += [f"{file.relative_to(ROOT)}: {word}" for word in words if word in text]
    assert offenders == []
