"""Runs and answers: run(), awaiting a handler, statuses, failures, answer()."""

import asyncio

import pytest
from pydantic import ValidationError

from hitl import (
    CheckpointNotFound,
    ConflictError,
    InputRequiredEvent,
    MemoryStore,
    RunNotFound,
    RunNotWaiting,
    StartEvent,
    StopEvent,
    StoreUnavailable,
    Workflow,
    WorkflowCheckpointer,
    answer_field,
    step,
)
from tests.hitl.helpers import (
    AgeQuestion,
    EchoFlow,
    FailTimes,
    Gate,
    Hooks,
    NameQuestion,
    SurveyFlow,
    count_checkpoints,
)


def error_locs(exc: ValidationError) -> list[tuple]:
    return [e["loc"] for e in exc.errors()]


# -- run ------------------------------------------------------------------------------


async def test_run_id_is_known_and_the_run_recorded_before_awaiting(store):
    hooks = Hooks()
    gate = hooks.actions["write"] = Gate()
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=store)
    handler = ckptr.run(topic="tea")
    run_id = handler.run_id
    assert isinstance(run_id, str) and run_id
    [info] = ckptr.runs()
    assert (info.run_id, info.status, info.session, info.branched_from) == (
        run_id,
        "running",
        run_id,
        None,
    )
    assert handler.status == "running"
    await gate.entered.wait()
    assert handler.status == "running"
    assert handler.checkpoint is None
    assert ckptr.checkpoints[run_id] == []
    gate.release.set()
    assert await handler == "NOTE ABOUT TEA"
    assert handler.status == "completed"
    assert ckptr.runs()[0].status == "completed"


def test_a_run_started_outside_an_event_loop_goes_on_when_awaited(store):
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    handler = ckptr.run(topic="later")
    [info] = ckptr.runs()
    assert (info.run_id, info.status) == (handler.run_id, "running")
    assert ckptr.checkpoints[handler.run_id] == []

    async def later():
        return await handler

    assert asyncio.run(later()) == "NOTE ABOUT LATER"
    assert ckptr.runs()[0].status == "completed"


async def test_await_gives_the_stop_event_result(store):
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    handler = ckptr.run(topic="chemistry")
    assert await handler == "NOTE ABOUT CHEMISTRY"
    assert handler.status == "completed"
    assert handler.checkpoint.last_completed_step == "finish"
    assert handler.checkpoint.output_event == StopEvent(result="NOTE ABOUT CHEMISTRY")


async def test_await_gives_the_pending_question_when_paused(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = ckptr.run(nickname="Annie")
    question = await handler
    assert question == NameQuestion(message="What is your name?", name="", nickname="Annie")
    assert handler.status == "waiting"
    assert handler.question == question
    assert ckptr.runs()[0].status == "waiting"
    assert handler.checkpoint.last_completed_step == "begin"
    assert handler.checkpoint.output_event == question


async def test_status_moves_running_waiting_running_completed(store):
    hooks = Hooks()
    gate = hooks.actions["take_name"] = Gate()
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(hooks), store=store)
    handler = ckptr.run()
    await handler
    assert handler.status == "waiting"
    after_answer = ckptr.answer(handler.run_id, name="Ann")
    assert after_answer.status == "running"
    await gate.entered.wait()
    assert after_answer.status == "running"
    assert ckptr.runs()[0].status == "running"
    gate.release.set()
    assert isinstance(await after_answer, AgeQuestion)
    assert after_answer.status == "waiting"
    done = ckptr.answer(handler.run_id, age=41)
    assert await done == {"name": "Ann", "nickname": "", "age": 41}
    assert done.status == "completed"
    assert ckptr.runs()[0].status == "completed"


async def test_a_step_that_raises_fails_the_run_and_resume_reruns_it(store):
    hooks = Hooks()
    hooks.actions["finish"] = FailTimes(1)
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=store)
    handler = ckptr.run(topic="x")
    with pytest.raises(RuntimeError, match=r"^boom in finish$"):
        await handler
    assert handler.status == "failed"
    [info] = ckptr.runs()
    assert info.status == "failed"
    assert info.error == "RuntimeError: boom in finish"
    # the step that completed is kept; the failed one left nothing
    assert [c.last_completed_step for c in ckptr.checkpoints[handler.run_id]] == ["write"]

    again = ckptr.resume(handler.run_id)
    assert again.run_id == handler.run_id
    assert await again == "NOTE ABOUT X"
    assert again.status == "completed"
    assert hooks.calls == ["write", "finish", "finish"]  # write is not run again
    [info] = ckptr.runs()
    assert (info.status, info.error) == ("completed", None)
    assert [c.last_completed_step for c in ckptr.checkpoints[handler.run_id]] == ["write", "finish"]


async def test_a_first_step_that_raises_is_resumed_from_the_start_event(store):
    hooks = Hooks()
    hooks.actions["write"] = FailTimes(1)
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=store)
    handler = ckptr.run(topic="first")
    with pytest.raises(RuntimeError, match="boom in write"):
        await handler
    assert ckptr.checkpoints[handler.run_id] == []
    assert ckptr.runs()[0].status == "failed"
    assert await ckptr.resume(handler.run_id) == "NOTE ABOUT FIRST"
    checkpoints = ckptr.checkpoints[handler.run_id]
    assert checkpoints[0].input_event == StartEvent(topic="first")


# -- answer: validation ------------------------------------------------------------------


async def waiting_survey(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = ckptr.run()
    await handler
    return ckptr, handler.run_id


@pytest.mark.parametrize(
    "answers,field",
    [
        ({"name": ""}, "name"),  # required, empty
        ({"name": "   "}, "name"),  # required, blank
        ({}, "name"),  # required, left out
        ({"name": 42}, "name"),  # wrong type
        ({"name": "Ann", "shoe_size": 9}, "shoe_size"),  # unknown field
        ({"name": "Ann", "message": "Who are you?"}, "message"),  # the prompt is the step's
        ({"name": "x" * 21}, "name"),  # max_length=20
    ],
)
async def test_an_invalid_answer_names_the_field_and_stores_nothing(store, answers, field):
    ckptr, run_id = await waiting_survey(store)
    before = count_checkpoints(ckptr)
    with pytest.raises(ValidationError) as info:
        ckptr.answer(run_id, **answers)
    assert (field,) in error_locs(info.value)
    assert field in str(info.value)
    assert count_checkpoints(ckptr) == before == 1
    assert ckptr.runs()[0].status == "waiting"
    # and the question can still be answered
    assert isinstance(await ckptr.answer(run_id, name="Ann"), AgeQuestion)


async def test_answer_rules_choices_pattern_and_range(store):
    class Pick(InputRequiredEvent):
        colour: str = answer_field(choices=["red", "green"])
        code: str = answer_field("", required=False, pattern=r"[A-Z]{3}")
        count: int = answer_field(1, ge=1, le=5)

    class Flow(Workflow):
        @step
        async def ask(self, ev: StartEvent) -> Pick:
            return Pick(message="Pick", colour="")

        @step
        async def done(self, ev: Pick) -> StopEvent:
            return StopEvent(result=(ev.colour, ev.code, ev.count))

    ckptr = WorkflowCheckpointer(workflow=Flow(), store=store)
    first = ckptr.run()
    await first
    run_id = first.run_id
    for answers, field in [
        ({"colour": "blue"}, "colour"),
        ({"colour": "red", "code": "abc"}, "code"),
        ({"colour": "red", "count": 0}, "count"),
        ({"colour": "red", "count": 6}, "count"),
    ]:
        with pytest.raises(ValidationError) as info:
            ckptr.answer(run_id, **answers)
        assert error_locs(info.value) == [(field,)]
    assert count_checkpoints(ckptr) == 1
    assert await ckptr.answer(run_id, colour="green", code="ABC", count=5) == ("green", "ABC", 5)


async def test_fields_left_out_keep_the_steps_values(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = ckptr.run(nickname="Annie")
    await handler
    await ckptr.answer(handler.run_id, name="Ann")
    human = ckptr.checkpoints[handler.run_id][1]
    assert human.output_event == NameQuestion(
        message="What is your name?", name="Ann", nickname="Annie"
    )
    assert await ckptr.answer(handler.run_id, age=3) == {
        "name": "Ann",
        "nickname": "Annie",
        "age": 3,
    }


# -- answer: the human checkpoint ---------------------------------------------------------


async def test_answer_stores_a_human_checkpoint(store):
    ckptr, run_id = await waiting_survey(store)
    handler = ckptr.answer(run_id, name="Ann")
    await handler
    question_ck, human, next_ck = ckptr.checkpoints[run_id]
    assert human.last_completed_step == "human"
    assert human.input_event == NameQuestion(message="What is your name?", name="", nickname="")
    assert human.output_event == NameQuestion(message="What is your name?", name="Ann", nickname="")
    assert human.parent_id == question_ck.id
    assert human.seq == 1
    assert human.ctx_state == question_ck.ctx_state
    assert next_ck.input_event == human.output_event
    assert next_ck.parent_id == human.id
    assert handler.checkpoint == next_ck


async def test_human_checkpoint_is_stored_before_the_next_step_runs(store):
    hooks = Hooks()
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(hooks), store=store)
    seen_by_step = []

    async def look(name, ev):
        seen_by_step.append([c.last_completed_step for c in ckptr.checkpoints[run_id]])
        await gate(name, ev)

    gate = Gate()
    hooks.actions["take_name"] = look
    first = ckptr.run()
    await first
    run_id = first.run_id
    handler = ckptr.answer(run_id, name="Ann")
    # answer() has returned: the answer is stored, the next step has not even started
    assert [c.last_completed_step for c in ckptr.checkpoints[run_id]] == ["begin", "human"]
    await gate.entered.wait()
    assert seen_by_step == [["begin", "human"]]
    gate.release.set()
    await handler
    assert [c.last_completed_step for c in ckptr.checkpoints[run_id]] == [
        "begin",
        "human",
        "take_name",
    ]


async def test_answer_survives_a_next_step_that_raises(store):
    hooks = Hooks()
    hooks.actions["take_name"] = FailTimes(1)
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(hooks), store=store)
    first = ckptr.run()
    await first
    run_id = first.run_id
    handler = ckptr.answer(run_id, name="Ann")
    with pytest.raises(RuntimeError, match="boom in take_name"):
        await handler
    checkpoints = ckptr.checkpoints[run_id]
    assert [c.last_completed_step for c in checkpoints] == ["begin", "human"]
    assert checkpoints[-1].output_event.name == "Ann"
    assert ckptr.runs()[0].status == "failed"
    # the answer is not asked again: resume re-runs the step with it
    question = await ckptr.resume(run_id)
    assert question == AgeQuestion(message="How old are you, Ann?")
    assert hooks.calls == ["begin", "take_name", "take_name"]


# -- answer: refusals ---------------------------------------------------------------------


async def test_answer_unknown_run(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    with pytest.raises(RunNotFound):
        ckptr.answer("no-such-run", name="Ann")
    assert isinstance(RunNotFound("x"), KeyError)


async def test_answer_completed_run_is_not_waiting(store):
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    handler = ckptr.run(topic="t")
    await handler
    before = count_checkpoints(ckptr)
    with pytest.raises(RunNotWaiting, match="completed"):
        ckptr.answer(handler.run_id, text="x")
    assert count_checkpoints(ckptr) == before


async def test_answer_while_the_first_step_runs_is_not_waiting(store):
    hooks = Hooks()
    gate = hooks.actions["begin"] = Gate()
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(hooks), store=store)
    handler = ckptr.run()
    await gate.entered.wait()
    with pytest.raises(RunNotWaiting):
        ckptr.answer(handler.run_id, name="Ann")
    gate.release.set()
    await handler
    assert count_checkpoints(ckptr) == 1


async def test_answer_twice_while_the_next_step_runs_is_not_waiting(store):
    hooks = Hooks()
    gate = hooks.actions["take_name"] = Gate()
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(hooks), store=store)
    first = ckptr.run()
    await first
    run_id = first.run_id
    handler = ckptr.answer(run_id, name="Ann")
    with pytest.raises(RunNotWaiting):
        ckptr.answer(run_id, name="Bob")
    await gate.entered.wait()
    with pytest.raises(RunNotWaiting):
        ckptr.answer(run_id, name="Bob")
    gate.release.set()
    await handler
    humans = ckptr.filter_checkpoints(run_id=run_id, last_completed_step="human")
    assert [h.output_event.name for h in humans] == ["Ann"]


async def test_answer_at_the_tip_goes_on(store):
    ckptr, run_id = await waiting_survey(store)
    tip = ckptr.checkpoints[run_id][-1]
    assert isinstance(await ckptr.answer(run_id, at=tip.id, name="Ann"), AgeQuestion)


async def test_answer_at_a_stale_checkpoint_is_a_conflict(store):
    ckptr, run_id = await waiting_survey(store)
    first_question = ckptr.checkpoints[run_id][-1].id
    await ckptr.answer(run_id, at=first_question, name="Ann")
    # the run now waits on its second question; an answer aimed at the first is stale
    before = count_checkpoints(ckptr)
    with pytest.raises(ConflictError):
        ckptr.answer(run_id, at=first_question, age=5)
    assert count_checkpoints(ckptr) == before
    assert ckptr.runs()[0].status == "waiting"


async def test_answer_at_an_unknown_checkpoint(store):
    ckptr, run_id = await waiting_survey(store)
    with pytest.raises(CheckpointNotFound):
        ckptr.answer(run_id, at="no-such-checkpoint", name="Ann")
    assert count_checkpoints(ckptr) == 1
    assert isinstance(CheckpointNotFound("x"), KeyError)


class _FlushFailsOnce(MemoryStore):
    """A store whose next flush fails, as a server that crashed before its disk."""

    fail = False

    def sync(self) -> None:
        if self.fail:
            self.fail = False
            raise StoreUnavailable("the server restarted before the answer reached its disk")


class _SlowAfterAnswer(Workflow):
    name = "slow"

    @step
    async def ask(self, ev: StartEvent) -> NameQuestion:
        return NameQuestion(message="Name?", name="")

    @step
    async def after(self, ev: NameQuestion) -> StopEvent:
        await asyncio.sleep(0)  # waits on I/O, as a real step would
        return StopEvent(result=ev.name)


async def test_an_answer_that_cannot_be_made_durable_is_an_error_and_goes_no_further():
    store = _FlushFailsOnce()
    ckptr = WorkflowCheckpointer(_SlowAfterAnswer(), store)
    handler = ckptr.run()
    await handler
    store.fail = True
    with pytest.raises(StoreUnavailable):
        ckptr.answer(handler.run_id, name="Ann")
    for _ in range(5):
        await asyncio.sleep(0)  # a step left going would finish here
    assert [c.last_completed_step for c in ckptr.checkpoints[handler.run_id]] == ["ask", "human"]
    assert await ckptr.resume(handler.run_id) == "Ann"  # the run goes on from what is stored
