"""run_from(): branches, edits recorded as human checkpoints, new workflow instances,
store_checkpoints=False."""

import pytest
from pydantic import ValidationError

from flows.gather import GatherFlow, ObjectiveEvent, ResourcesEvent
from hitl import (
    CheckpointNotFound,
    InputRequiredEvent,
    RunNotFound,
    SqliteStore,
    StartEvent,
    StopEvent,
    Workflow,
    WorkflowCheckpointer,
    answer_field,
    step,
)
from tests.hitl.helpers import (
    AgeQuestion,
    EchoFlow,
    Hooks,
    NameQuestion,
    NoteEvent,
    SurveyFlow,
    count_checkpoints,
    finish_survey,
    sql,
)


def steps_of(ckptr, run_id):
    return [c.last_completed_step for c in ckptr.checkpoints[run_id]]


def stored(ckptr):
    return len(ckptr.runs()), count_checkpoints(ckptr)


# -- branches --------------------------------------------------------------------------


async def test_run_from_makes_a_new_run_in_the_same_session(store):
    hooks = Hooks()
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(hooks), store=store)
    root = ckptr.run(topic="tea")
    await root
    origin = ckptr.checkpoints[root.run_id][0]
    branch = ckptr.run_from(checkpoint=origin)
    assert branch.run_id != root.run_id
    assert await branch == "NOTE ABOUT TEA"
    assert hooks.calls == ["write", "finish", "finish"]  # only what follows the checkpoint runs

    [mine] = ckptr.checkpoints[branch.run_id]
    assert (mine.last_completed_step, mine.seq, mine.parent_id) == ("finish", 0, origin.id)
    assert mine.input_event == NoteEvent(text="note about tea")
    info = {r.run_id: r for r in ckptr.runs()}
    assert info[branch.run_id].session == root.run_id
    assert info[branch.run_id].branched_from == origin.id
    assert info[branch.run_id].status == "completed"
    assert steps_of(ckptr, root.run_id) == ["write", "finish"]  # the root is untouched

    # a branch of a branch stays in the root's session
    again = ckptr.run_from(checkpoint=mine)
    assert await again == "NOTE ABOUT TEA"
    assert ckptr.checkpoints[again.run_id] == []
    assert {r.run_id: r for r in ckptr.runs()}[again.run_id].session == root.run_id


async def test_unedited_question_leaves_the_new_run_waiting_with_no_checkpoint(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root = await finish_survey(ckptr)
    question = ckptr.checkpoints[root][0]
    branch = ckptr.run_from(checkpoint=question)
    assert branch.status == "waiting"
    assert await branch == NameQuestion(message="What is your name?", name="", nickname="")
    assert ckptr.checkpoints[branch.run_id] == []
    info = {r.run_id: r for r in ckptr.runs()}[branch.run_id]
    assert (info.status, info.branched_from, info.session) == ("waiting", question.id, root)

    # it is answered like any waiting run; its first checkpoint follows the origin
    assert await ckptr.answer(branch.run_id, name="Bob") == AgeQuestion(
        message="How old are you, Bob?"
    )
    human, take_name = ckptr.checkpoints[branch.run_id]
    assert (human.last_completed_step, human.seq, human.parent_id) == ("human", 0, question.id)
    assert (take_name.seq, take_name.parent_id) == (1, human.id)
    assert await ckptr.answer(branch.run_id, age=7) == {"name": "Bob", "nickname": "", "age": 7}


async def test_unedited_human_checkpoint_goes_on_with_its_answer(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root = await finish_survey(ckptr)
    human = ckptr.checkpoints[root][1]
    branch = ckptr.run_from(checkpoint=human)
    assert await branch == AgeQuestion(message="How old are you, Ann?")
    [take_name] = ckptr.checkpoints[branch.run_id]
    assert (take_name.last_completed_step, take_name.parent_id) == ("take_name", human.id)


async def test_run_from_the_last_checkpoint_of_a_completed_run_gives_its_result(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root = await finish_survey(ckptr)
    branch = ckptr.run_from(checkpoint=ckptr.checkpoints[root][-1])
    assert await branch == {"name": "Ann", "nickname": "", "age": 30}
    assert branch.status == "completed"
    assert ckptr.checkpoints[branch.run_id] == []


async def test_run_from_an_unknown_checkpoint(store):
    elsewhere = WorkflowCheckpointer(workflow=EchoFlow())
    handler = elsewhere.run(topic="x")
    await handler
    foreign = elsewhere.checkpoints[handler.run_id][0]
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    with pytest.raises(CheckpointNotFound):
        ckptr.run_from(checkpoint=foreign)
    assert stored(ckptr) == (0, 0)


async def test_run_from_a_checkpoint_whose_run_was_deleted_since_it_was_read(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root = await finish_survey(ckptr)
    held = ckptr.checkpoints[root][1]
    held.output_event.name = "Bob"
    WorkflowCheckpointer(workflow=SurveyFlow(), store=store).delete_run(root)
    with pytest.raises(CheckpointNotFound, match="its run is gone"):
        ckptr.run_from(checkpoint=held)
    assert stored(ckptr) == (0, 0)


async def test_run_from_a_checkpoint_of_another_flow_in_the_same_store(store):
    echo = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    handler = echo.run(topic="x")
    await handler
    foreign = echo.checkpoints[handler.run_id][0]
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    with pytest.raises(CheckpointNotFound, match="from a 'echo' run"):
        ckptr.run_from(checkpoint=foreign)
    assert len(echo.runs()) == 1 and ckptr.runs() == []


# -- edits ------------------------------------------------------------------------------


async def test_editing_a_question_is_recorded_as_a_human_checkpoint(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root = await finish_survey(ckptr)
    question = ckptr.checkpoints[root][0]
    question.output_event.name = "Bob"
    branch = ckptr.run_from(checkpoint=question)
    assert await branch == AgeQuestion(message="How old are you, Bob?")
    human, take_name = ckptr.checkpoints[branch.run_id]
    assert (human.last_completed_step, human.seq, human.parent_id) == ("human", 0, question.id)
    assert human.input_event == NameQuestion(message="What is your name?", name="", nickname="")
    assert human.output_event == NameQuestion(message="What is your name?", name="Bob", nickname="")
    assert human.ctx_state == question.ctx_state
    assert take_name.input_event == human.output_event
    # the stored origin is unchanged
    assert ckptr.get_checkpoint(question.id).output_event.name == ""


async def test_editing_an_answer_branches_with_the_new_answer(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root = await finish_survey(ckptr)
    answer = ckptr.checkpoints[root][1]
    answer.output_event.name = "Bob"
    branch = ckptr.run_from(checkpoint=answer)
    assert await branch == AgeQuestion(message="How old are you, Bob?")
    human = ckptr.checkpoints[branch.run_id][0]
    assert human.last_completed_step == "human"
    assert human.input_event.name == "Ann"  # the event before the edit
    assert human.output_event.name == "Bob"
    assert ckptr.get_checkpoint(answer.id).output_event.name == "Ann"


async def test_editing_a_steps_output_event(store):
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    root = ckptr.run(topic="tea")
    await root
    checkpoint = ckptr.checkpoints[root.run_id][0]
    checkpoint.output_event.text = "a better note"
    branch = ckptr.run_from(checkpoint=checkpoint)
    assert await branch == "A BETTER NOTE"
    human, finish = ckptr.checkpoints[branch.run_id]
    assert (human.last_completed_step, human.input_event, human.output_event) == (
        "human",
        NoteEvent(text="note about tea"),
        NoteEvent(text="a better note"),
    )
    assert finish.parent_id == human.id


async def test_replacing_the_output_event_with_an_equal_one_is_no_edit(store):
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    root = ckptr.run(topic="tea")
    await root
    checkpoint = ckptr.checkpoints[root.run_id][0]
    checkpoint.output_event = NoteEvent(text="note about tea")
    branch = ckptr.run_from(checkpoint=checkpoint)
    await branch
    assert steps_of(ckptr, branch.run_id) == ["finish"]


# pydantic warns when it dumps a model holding a value of the wrong type
@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")
@pytest.mark.parametrize(
    "edit,field",
    [
        ({"name": ""}, "name"),  # a required answer emptied
        ({"name": 5}, "name"),  # wrong type
        ({"name": "x" * 21}, "name"),  # over max_length
        ({"message": "Who?"}, "message"),  # the prompt is the step's
        ({"name": "bell\x07"}, "name"),  # control character
    ],
)
async def test_an_invalid_edit_names_the_field_and_stores_nothing(store, edit, field):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root = await finish_survey(ckptr)
    answer = ckptr.checkpoints[root][1]
    for name, value in edit.items():
        setattr(answer.output_event, name, value)
    before = stored(ckptr)
    with pytest.raises(ValidationError) as info:
        ckptr.run_from(checkpoint=answer)
    assert [e["loc"] for e in info.value.errors()] == [(field,)]
    assert stored(ckptr) == before


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings:UserWarning")
async def test_an_invalid_edit_of_a_steps_event_stores_nothing(store):
    ckptr = WorkflowCheckpointer(workflow=EchoFlow(), store=store)
    root = ckptr.run(topic="tea")
    await root
    checkpoint = ckptr.checkpoints[root.run_id][0]
    checkpoint.output_event.text = 12  # assignment is not validated; run_from is
    before = stored(ckptr)
    with pytest.raises(ValidationError) as info:
        ckptr.run_from(checkpoint=checkpoint)
    assert [e["loc"] for e in info.value.errors()] == [("text",)]
    assert stored(ckptr) == before


async def test_an_edit_may_not_change_the_events_type(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root = await finish_survey(ckptr)
    question = ckptr.checkpoints[root][0]
    question.output_event = AgeQuestion(message="What is your name?", age=3)
    before = stored(ckptr)
    with pytest.raises(TypeError, match="may not change the event's type"):
        ckptr.run_from(checkpoint=question)
    assert stored(ckptr) == before


class FirstQuestion(InputRequiredEvent):
    value: str = answer_field()


class SecondQuestion(InputRequiredEvent):
    value: str = answer_field()


class TwinFlow(Workflow):
    """Two questions with the same fields: only the type tells them apart."""

    @step
    async def ask(self, ev: StartEvent) -> FirstQuestion:
        return FirstQuestion(message="Say something", value="")

    @step
    async def ask_again(self, ev: FirstQuestion) -> SecondQuestion:
        return SecondQuestion(message="Say something", value="")

    @step
    async def done(self, ev: SecondQuestion) -> StopEvent:
        return StopEvent(result=ev.value)


async def test_a_type_change_is_refused_even_when_the_fields_are_equal(store):
    ckptr = WorkflowCheckpointer(workflow=TwinFlow(), store=store)
    root = ckptr.run()
    await root
    question = ckptr.checkpoints[root.run_id][0]
    question.output_event = SecondQuestion(message="Say something", value="")
    before = stored(ckptr)
    with pytest.raises(TypeError, match="may not change the event's type"):
        ckptr.run_from(checkpoint=question)
    assert stored(ckptr) == before


# -- a new workflow instance ---------------------------------------------------------------


async def test_run_from_after_setting_a_new_workflow_instance(store):
    ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store)
    root = ckptr.run()
    assert await root == ObjectiveEvent(objective="", message="What is your main objective?")
    await ckptr.answer(root.run_id, objective="Ship v2")
    ckptr.workflow = GatherFlow()
    checkpoint = ckptr.checkpoints[root.run_id][0]
    checkpoint.output_event.objective = "Ship v3"
    branch = ckptr.run_from(checkpoint=checkpoint)
    assert await branch == ResourcesEvent(
        resources="", message="What resources do you have available?"
    )
    assert ckptr.checkpoints[branch.run_id][-1].ctx_state["state"]["objective"] == "Ship v3"
    await ckptr.answer(branch.run_id, resources="Two people")
    await ckptr.answer(branch.run_id, approach="Small steps")
    assert await ckptr.answer(branch.run_id) == {
        "objective": "Ship v3",
        "resources": "Two people",
        "approach": "Small steps",
        "notes": "",
    }
    # the root waits where it was, with its own answer
    assert ckptr.runs()[0].status == "waiting"
    assert ckptr.checkpoints[root.run_id][-1].ctx_state["state"]["objective"] == "Ship v2"


# -- store_checkpoints=False ----------------------------------------------------------------


async def test_run_from_without_storing_checkpoints(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    root = await finish_survey(ckptr)
    before = stored(ckptr)
    question = ckptr.checkpoints[root][0]
    question.output_event.name = "Bob"
    branch = ckptr.run_from(checkpoint=question, store_checkpoints=False)
    assert await branch == AgeQuestion(message="How old are you, Bob?")
    assert branch.run_id not in ckptr.checkpoints
    assert branch.run_id not in [r.run_id for r in ckptr.runs()]
    assert stored(ckptr) == before
    # its question is answered through the same checkpointer, still storing nothing
    assert await ckptr.answer(branch.run_id, age=9) == {"name": "Bob", "nickname": "", "age": 9}
    assert stored(ckptr) == before
    assert ckptr.filter_checkpoints(last_completed_step="take_age") == ckptr.checkpoints[root][-1:]


async def test_run_without_storing_checkpoints_can_be_answered(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    handler = ckptr.run(store_checkpoints=False, nickname="N")
    assert isinstance(await handler, NameQuestion)
    assert stored(ckptr) == (0, 0)
    assert list(ckptr.checkpoints) == []
    assert await ckptr.answer(handler.run_id, name="Ann") == AgeQuestion(
        message="How old are you, Ann?"
    )
    assert await ckptr.answer(handler.run_id, age=1) == {"name": "Ann", "nickname": "N", "age": 1}
    assert stored(ckptr) == (0, 0)
    if isinstance(store, SqliteStore):
        assert sql(store.path, "SELECT count(*) FROM runs") == [(0,)]
        assert sql(store.path, "SELECT count(*) FROM checkpoints") == [(0,)]


async def test_unstored_start_fields_are_still_checked(store):
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    with pytest.raises(ValidationError):
        ckptr.run(store_checkpoints=False, nickname="\x1b[31m")


async def test_an_unsaved_branch_is_kept_as_it_was_and_goes_on_from_the_store(store):
    hooks = Hooks()
    ckptr = WorkflowCheckpointer(workflow=SurveyFlow(hooks), store=store)
    root = await finish_survey(ckptr)
    before = stored(ckptr)
    answer = ckptr.checkpoints[root][1]  # the name, answered: take_name runs after it
    branch = ckptr.run_from(checkpoint=answer, store_checkpoints=False)
    assert await branch == AgeQuestion(message="How old are you, Ann?")
    assert stored(ckptr) == before and hooks.calls.count("take_name") == 2
    info = ckptr.keep(branch.run_id)
    # stored as it was: its run, its checkpoint, where it branched from; no step ran again
    assert (info.status, info.branched_from, info.session) == ("waiting", answer.id, root)
    assert steps_of(ckptr, branch.run_id) == ["take_name"]
    assert hooks.calls.count("take_name") == 2
    assert stored(ckptr) == (before[0] + 1, before[1] + 1)
    assert await ckptr.answer(branch.run_id, age=7) == {"name": "Ann", "nickname": "", "age": 7}
    assert steps_of(ckptr, branch.run_id) == ["take_name", "human", "take_age"]
    assert ckptr.get_run(branch.run_id).status == "completed"
    # a second process reads it from the store
    other = WorkflowCheckpointer(workflow=SurveyFlow(), store=store)
    assert steps_of(other, branch.run_id) == ["take_name", "human", "take_age"]
    with pytest.raises(RunNotFound):
        ckptr.keep(branch.run_id)  # stored already: nothing unsaved to keep
