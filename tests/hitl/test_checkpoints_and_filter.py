"""Checkpoints: their fields, copies, the read-only mapping, filter_checkpoints,
get_checkpoint and runs()."""

from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from hitl import (
    Checkpoint,
    CheckpointNotFound,
    Event,
    InputRequiredEvent,
    RunNotFound,
    StartEvent,
    StopEvent,
    WorkflowCheckpointer,
)
from tests.hitl.helpers import (
    AgeQuestion,
    EchoFlow,
    FailTimes,
    Hooks,
    NameQuestion,
    NoteEvent,
    SurveyFlow,
    finish_survey,
)


class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


async def test_checkpoint_fields(store):
    clock = FakeClock(1000.0)
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store, clock=clock)
    handler = ckptr.run(nickname="Annie")
    await handler
    run_id = handler.run_id
    clock.now = 1010.0
    await ckptr.answer(run_id, name="Ann")
    clock.now = 1020.0
    await ckptr.answer(run_id, age=30)
    checkpoints = ckptr.checkpoints[run_id]
    assert [c.seq for c in checkpoints] == [0, 1, 2, 3, 4]
    assert [c.last_completed_step for c in checkpoints] == [
        "begin",
        "human",
        "take_name",
        "human",
        "take_age",
    ]
    assert {c.run_id for c in checkpoints} == {run_id}
    assert checkpoints[0].parent_id is None
    assert [c.parent_id for c in checkpoints[1:]] == [c.id for c in checkpoints[:-1]]
    assert len({c.id for c in checkpoints}) == 5
    for c in checkpoints:
        assert isinstance(c, Checkpoint)
        assert c.id_ == c.id
    assert [c.created_at for c in checkpoints] == [at(1000), at(1010), at(1010), at(1020), at(1020)]

    begin, human, take_name, human2, take_age = checkpoints
    assert begin.input_event == StartEvent(nickname="Annie")
    assert begin.output_event == NameQuestion(
        message="What is your name?", name="", nickname="Annie"
    )
    assert begin.ctx_state == {"state": {"name": "", "nickname": ""}}
    assert take_name.input_event == human.output_event
    assert take_name.output_event == AgeQuestion(message="How old are you, Ann?", age=None)
    assert take_name.ctx_state == {"state": {"name": "Ann", "nickname": "Annie"}}
    assert human2.output_event.age == 30
    assert take_age.output_event == StopEvent(
        result={"name": "Ann", "nickname": "Annie", "age": 30}
    )


async def test_handed_out_checkpoints_are_copies(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    run_id = await finish_survey(ckptr)
    checkpoint = ckptr.checkpoints[run_id][2]
    checkpoint.output_event.message = "changed"
    checkpoint.ctx_state["state"]["name"] = "Mallory"
    checkpoint.ctx_state["extra"] = 1
    checkpoint.input_event.name = "Mallory"

    again = ckptr.checkpoints[run_id][2]
    assert again.output_event.message == "How old are you, Ann?"
    assert again.input_event.name == "Ann"
    assert again.ctx_state == {"state": {"name": "Ann", "nickname": ""}}
    by_id = ckptr.get_checkpoint(checkpoint.id)
    assert by_id.output_event.message == "How old are you, Ann?"
    [filtered] = ckptr.filter_checkpoints(last_completed_step="take_name")
    assert filtered.ctx_state == {"state": {"name": "Ann", "nickname": ""}}

    listed = ckptr.checkpoints[run_id]
    listed.clear()
    assert len(ckptr.checkpoints[run_id]) == 5


async def test_the_handlers_checkpoint_and_result_are_copies(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = ckptr.run()
    question = await handler
    question.name = "typed into the object"
    handler.checkpoint.output_event.name = "also this"
    assert ckptr.checkpoints[handler.run_id][0].output_event.name == ""
    assert handler.checkpoint.output_event.name == ""
    # and the answer is taken from the store, not from the object handed out
    await ckptr.answer(handler.run_id, name="Ann")
    assert ckptr.checkpoints[handler.run_id][1].input_event.name == ""


async def test_checkpoints_is_a_read_only_mapping(store):
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    handler = ckptr.run(topic="x")
    await handler
    view = ckptr.checkpoints
    assert isinstance(view, Mapping)
    assert list(view) == [handler.run_id]
    assert len(view) == 1
    assert handler.run_id in view
    assert "nope" not in view
    assert 42 not in view
    with pytest.raises(KeyError):
        view["nope"]
    with pytest.raises(TypeError):
        view["new"] = []
    with pytest.raises(TypeError):
        del view[handler.run_id]
    with pytest.raises(AttributeError):
        ckptr.checkpoints = {}
    assert [len(c) for c in ckptr.checkpoints.values()] == [2]
    assert dict(ckptr.checkpoints.items()).keys() == {handler.run_id}


async def test_a_checkpointer_sees_only_its_own_workflows_runs(store):
    survey = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    echo = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    survey_run = await finish_survey(survey)
    echo_handler = echo.run(topic="x")
    await echo_handler
    echo_run = echo_handler.run_id

    assert list(survey.checkpoints) == [survey_run]
    assert list(echo.checkpoints) == [echo_run]
    assert echo_run not in survey.checkpoints
    with pytest.raises(KeyError):
        survey.checkpoints[echo_run]
    assert [r.run_id for r in survey.runs()] == [survey_run]
    assert [(r.run_id, r.flow) for r in echo.runs()] == [(echo_run, "echo")]
    assert survey.filter_checkpoints(run_id=echo_run) == []
    assert (
        survey.filter_checkpoints(input_event_type=StartEvent) == survey.checkpoints[survey_run][:1]
    )
    assert [c.run_id for c in echo.filter_checkpoints(input_event_type="StartEvent")] == [echo_run]


async def test_a_checkpointer_does_not_drive_another_workflows_runs(store):
    survey = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    echo = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    waiting = survey.run()
    await waiting
    with pytest.raises(RunNotFound):
        echo.resume(waiting.run_id)
    with pytest.raises(RunNotFound):
        echo.answer(waiting.run_id, name="Ann")
    question_id = survey.checkpoints[waiting.run_id][0].id
    with pytest.raises(CheckpointNotFound):
        echo.get_checkpoint(question_id)
    assert [c.last_completed_step for c in survey.checkpoints[waiting.run_id]] == ["begin"]
    assert survey.runs()[0].status == "waiting"


async def test_a_checkpointer_does_not_run_its_steps_on_another_workflows_cut_off_run(store):
    hooks = Hooks()
    hooks.actions["write"] = FailTimes(1)
    echo = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=store)
    failed = echo.run(topic="x")
    with pytest.raises(RuntimeError):
        await failed
    survey = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    with pytest.raises(RunNotFound):
        survey.resume(failed.run_id)
    assert echo.checkpoints[failed.run_id] == []
    assert await echo.resume(failed.run_id) == "NOTE ABOUT X"


# -- filter_checkpoints -------------------------------------------------------------------


async def three_runs(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    done = await finish_survey(ckptr)
    waiting = ckptr.run()
    await waiting
    half = ckptr.run()
    await half
    await ckptr.answer(half.run_id, name="Bob")
    return ckptr, done, waiting.run_id, half.run_id


async def test_filter_by_step(store):
    ckptr, done, waiting, half = await three_runs(store)
    found = ckptr.filter_checkpoints(last_completed_step="begin")
    assert [c.run_id for c in found] == [done, waiting, half]
    assert all(c.last_completed_step == "begin" for c in found)
    humans = ckptr.filter_checkpoints(last_completed_step="human")
    assert [(c.run_id, c.seq) for c in humans] == [(done, 1), (done, 3), (half, 1)]


async def test_filter_ands_its_filters(store):
    ckptr, done, waiting, half = await three_runs(store)
    found = ckptr.filter_checkpoints(run_id=half, last_completed_step="human")
    assert [(c.run_id, c.seq) for c in found] == [(half, 1)]
    found = ckptr.filter_checkpoints(last_completed_step="human", output_event_type=AgeQuestion)
    assert [(c.run_id, c.seq) for c in found] == [(done, 3)]
    found = ckptr.filter_checkpoints(
        run_id=done,
        last_completed_step="take_name",
        input_event_type=NameQuestion,
        output_event_type=AgeQuestion,
    )
    assert [(c.run_id, c.seq) for c in found] == [(done, 2)]
    assert ckptr.filter_checkpoints(run_id=waiting, last_completed_step="take_name") == []
    assert ckptr.filter_checkpoints(last_completed_step="begin", output_event_type=StopEvent) == []


async def test_filter_compares_by_value(store):
    ckptr, done, _waiting, half = await three_runs(store)

    class ScreenText(str):
        """A string as a widget might hand it back."""

    step_name = "".join(["take", "_", "name"])  # equal, not the same object
    assert [c.run_id for c in ckptr.filter_checkpoints(last_completed_step=step_name)] == [
        done,
        half,
    ]
    assert [
        c.run_id for c in ckptr.filter_checkpoints(last_completed_step=ScreenText("take_name"))
    ] == [done, half]
    run_id = "".join(list(half))
    assert [c.seq for c in ckptr.filter_checkpoints(run_id=run_id)] == [0, 1, 2]
    assert [c.seq for c in ckptr.filter_checkpoints(run_id=ScreenText(half))] == [0, 1, 2]
    # take_name's two questions, and the answer to one of them
    assert len(ckptr.filter_checkpoints(output_event_type="".join(["Age", "Question"]))) == 3


async def test_filter_event_types_as_classes_or_names_exact_type_only(store):
    ckptr, done, waiting, half = await three_runs(store)
    by_class = ckptr.filter_checkpoints(output_event_type=NameQuestion)
    by_name = ckptr.filter_checkpoints(output_event_type="NameQuestion")
    assert by_class == by_name
    # begin's three questions, and the two answers to the name question
    assert [(c.run_id, c.last_completed_step) for c in by_class] == [
        (done, "begin"),
        (done, "human"),
        (waiting, "begin"),
        (half, "begin"),
        (half, "human"),
    ]
    assert ckptr.filter_checkpoints(input_event_type=StartEvent) == ckptr.filter_checkpoints(
        input_event_type="StartEvent"
    )
    assert len(ckptr.filter_checkpoints(input_event_type=StartEvent)) == 3
    # a base class does not match its subclasses
    assert ckptr.filter_checkpoints(output_event_type=InputRequiredEvent) == []
    assert ckptr.filter_checkpoints(output_event_type=Event) == []
    assert ckptr.filter_checkpoints(output_event_type="InputRequiredEvent") == []


async def test_filter_needs_a_filter(store):
    ckptr, *_ = await three_runs(store)
    with pytest.raises(ValueError, match="at least one filter"):
        ckptr.filter_checkpoints()
    with pytest.raises(ValueError):
        ckptr.filter_checkpoints(run_id=None, last_completed_step=None)


async def test_filter_with_nothing_matching(store):
    ckptr, *_ = await three_runs(store)
    assert ckptr.filter_checkpoints(run_id="no-such-run") == []
    assert ckptr.filter_checkpoints(last_completed_step="no_such_step") == []
    assert ckptr.filter_checkpoints(output_event_type=NoteEvent) == []


# -- get_checkpoint and runs() --------------------------------------------------------------


async def test_get_checkpoint(store):
    ckptr, done, *_ = await three_runs(store)
    third = ckptr.checkpoints[done][2]
    got = ckptr.get_checkpoint(third.id)
    assert got == third
    assert (got.run_id, got.seq, got.last_completed_step) == (done, 2, "take_name")
    assert got.output_event == third.output_event
    with pytest.raises(CheckpointNotFound):
        ckptr.get_checkpoint("no-such-checkpoint")


async def test_runs_fields(store):
    clock = FakeClock(5000.0)
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store, clock=clock)
    first = ckptr.run()
    await first
    clock.now = 5100.0
    second = ckptr.run()
    await second
    clock.now = 5200.0
    await ckptr.answer(first.run_id, name="Ann")
    clock.now = 5300.0
    origin = ckptr.checkpoints[first.run_id][0]
    branch = ckptr.run_from(checkpoint=origin)
    await branch

    runs = ckptr.runs()
    assert [r.run_id for r in runs] == [first.run_id, second.run_id, branch.run_id]
    one, two, three = runs
    assert (one.flow, one.status, one.branched_from, one.session) == (
        "survey",
        "waiting",
        None,
        first.run_id,
    )
    assert (one.created_at, one.updated_at) == (at(5000), at(5200))
    assert (two.status, two.session, two.created_at, two.updated_at) == (
        "waiting",
        second.run_id,
        at(5100),
        at(5100),
    )
    assert (three.flow, three.status, three.session, three.branched_from) == (
        "survey",
        "waiting",
        first.run_id,
        origin.id,
    )
    assert (three.created_at, three.updated_at) == (at(5300), at(5300))
    assert ckptr.get_run(first.run_id) == one


async def test_runs_are_listed_in_the_order_they_were_started(store):
    """Oldest first means first recorded: a clock set back does not reorder them."""
    clock = FakeClock(9000.0)
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store, clock=clock)
    started = []
    for now in (9000.0, 8000.0, 8500.0, 8000.0):
        clock.now = now
        handler = ckptr.run()
        await handler
        started.append(handler.run_id)
    assert [r.run_id for r in ckptr.runs()] == started
    assert [r.run_id for r in store.list_runs()] == started
