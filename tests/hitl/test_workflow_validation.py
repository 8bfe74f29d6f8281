"""Events and steps: what a workflow may be, checked when it is defined or made."""

import pytest

from hitl import (
    Context,
    Event,
    InputRequiredEvent,
    StartEvent,
    StopEvent,
    Workflow,
    WorkflowCheckpointer,
    WorkflowValidationError,
    answer_field,
    step,
)


class AEvent(Event):
    a: str


class BEvent(Event):
    b: int


class OrphanEvent(Event):
    x: int = 0


# -- events --------------------------------------------------------------------------


def test_start_event_takes_arbitrary_fields():
    ev = StartEvent(topic="chemistry", count=3, tags=["a"])
    assert ev.topic == "chemistry"
    assert ev.count == 3
    assert ev.tags == ["a"]
    assert ev.model_dump() == {"topic": "chemistry", "count": 3, "tags": ["a"]}


def test_stop_event_carries_a_result_and_defaults_to_none():
    assert StopEvent(result={"k": [1, 2]}).result == {"k": [1, 2]}
    assert StopEvent().result is None


def test_event_refuses_unknown_fields():
    with pytest.raises(ValueError, match="extra"):
        AEvent(a="x", nope=1)


def test_question_is_built_with_empty_answer_slots_and_a_message():
    class ObjectiveEvent(InputRequiredEvent):
        objective: str = answer_field()

    ev = ObjectiveEvent(objective="", message="What is your main objective?")
    assert ev.message == "What is your main objective?"
    assert ev.objective == ""
    assert isinstance(ev, Event)


def test_question_needs_a_message():
    class Q(InputRequiredEvent):
        value: str = answer_field("")

    with pytest.raises(ValueError, match="message"):
        Q()


@pytest.mark.parametrize("reserved", ["at", "run_id"])
def test_question_field_may_not_shadow_answer_parameters(reserved):
    with pytest.raises(WorkflowValidationError, match=f"'{reserved}'") as info:
        type(
            "BadQuestion",
            (InputRequiredEvent,),
            {
                "__annotations__": {reserved: str},
                reserved: answer_field(""),
            },
        )
    assert "BadQuestion" in str(info.value)


# -- steps and routing ---------------------------------------------------------------


class UnionFlow(Workflow):
    """Routing by annotation: one step takes a union, one step needs no ctx."""

    @step
    async def first(self, ev: StartEvent) -> AEvent | BEvent:  # no ctx, like the seed
        if ev.kind == "a":
            return AEvent(a="from start")
        return BEvent(b=7)

    @step
    async def either(self, ctx: Context, ev: AEvent | BEvent) -> StopEvent:
        ctx.state.seen = type(ev).__name__
        return StopEvent(result=f"{type(ev).__name__}:{await ctx.get('seen')}:{ctx.run_id}")


@pytest.mark.parametrize("kind,expected", [("a", "AEvent"), ("b", "BEvent")])
async def test_steps_route_by_input_annotation_including_unions(kind, expected):
    ckptr = WorkflowCheckpointer(workflow=UnionFlow())
    handler = ckptr.run(kind=kind)
    assert await handler == f"{expected}:{expected}:{handler.run_id}"
    steps = [c.last_completed_step for c in ckptr.checkpoints[handler.run_id]]
    assert steps == ["first", "either"]
    assert type(ckptr.checkpoints[handler.run_id][0].output_event).__name__ == expected


async def test_ctx_may_be_unannotated_when_named_ctx():
    class Flow(Workflow):
        @step
        async def only(self, ctx, ev: StartEvent) -> StopEvent:
            await ctx.set("k", ev.v)
            return StopEvent(result=await ctx.get("k"))

    assert await WorkflowCheckpointer(workflow=Flow()).run(v="yes") == "yes"


async def test_step_returning_an_unannotated_type_fails_the_run():
    class Flow(Workflow):
        @step
        async def first(self, ev: StartEvent) -> AEvent:
            return BEvent(b=1)  # not what it says

        @step
        async def second(self, ev: AEvent) -> StopEvent:
            return StopEvent()

    ckptr = WorkflowCheckpointer(workflow=Flow())
    handler = ckptr.run()
    with pytest.raises(TypeError, match="step 'first' returned BEvent"):
        await handler
    assert handler.status == "failed"
    assert ckptr.runs()[0].status == "failed"


# -- workflows whose events cannot flow -------------------------------------------------


def test_emitted_event_no_step_accepts():
    class Flow(Workflow):
        @step
        async def first(self, ev: StartEvent) -> OrphanEvent | StopEvent:
            return StopEvent()

    with pytest.raises(WorkflowValidationError) as info:
        Flow()
    assert "OrphanEvent" in str(info.value)
    assert "'first'" in str(info.value)


def test_no_step_accepts_start_event():
    class Flow(Workflow):
        @step
        async def first(self, ev: AEvent) -> StopEvent:
            return StopEvent()

    with pytest.raises(WorkflowValidationError, match="no step accepts StartEvent"):
        Flow()


def test_no_path_to_stop_event():
    class Flow(Workflow):
        @step
        async def first(self, ev: StartEvent) -> AEvent:
            return AEvent(a="")

        @step
        async def second(self, ev: AEvent) -> StartEvent:
            return StartEvent()

    with pytest.raises(WorkflowValidationError, match="no path from StartEvent to StopEvent"):
        Flow()


def test_step_never_reached_is_named():
    class Flow(Workflow):
        @step
        async def first(self, ev: StartEvent) -> StopEvent:
            return StopEvent()

        @step
        async def island(self, ev: AEvent) -> StopEvent:
            return StopEvent()

    with pytest.raises(WorkflowValidationError, match="'island' is never reached"):
        Flow()


def test_step_named_human_is_refused_at_definition():
    with pytest.raises(WorkflowValidationError, match="'human'"):

        class Flow(Workflow):
            @step
            async def human(self, ev: StartEvent) -> StopEvent:
                return StopEvent()


def test_step_must_be_async():
    with pytest.raises(WorkflowValidationError, match="'sync_step' must be an async def"):

        class Flow(Workflow):
            @step
            def sync_step(self, ev: StartEvent) -> StopEvent:
                return StopEvent()


def test_missing_input_annotation_names_the_step():
    class Flow(Workflow):
        @step
        async def unannotated(self, ev) -> StopEvent:
            return StopEvent()

    with pytest.raises(
        WorkflowValidationError, match="step 'unannotated' must annotate the event it accepts"
    ):
        Flow()


def test_missing_return_annotation_names_the_step():
    class Flow(Workflow):
        @step
        async def no_return(self, ev: StartEvent):
            return StopEvent()

    with pytest.raises(
        WorkflowValidationError, match="step 'no_return' must annotate the event it returns"
    ):
        Flow()


def test_annotation_that_is_not_an_event_names_the_step():
    class Flow(Workflow):
        @step
        async def wrong(self, ev: str) -> StopEvent:
            return StopEvent()

    with pytest.raises(WorkflowValidationError, match="step 'wrong' input"):
        Flow()


def test_two_steps_accepting_one_event():
    class Flow(Workflow):
        @step
        async def first(self, ev: StartEvent) -> AEvent:
            return AEvent(a="")

        @step
        async def one(self, ev: AEvent) -> StopEvent:
            return StopEvent()

        @step
        async def other(self, ev: AEvent) -> StopEvent:
            return StopEvent()

    with pytest.raises(WorkflowValidationError) as info:
        Flow()
    message = str(info.value)
    assert "AEvent is accepted by both 'one' and 'other'" in message


def test_workflow_without_steps():
    class Empty(Workflow):
        pass

    with pytest.raises(WorkflowValidationError, match="Empty has no @step methods"):
        Empty()


def test_a_valid_workflow_instantiates_and_subclasses_inherit_steps():
    class Base(Workflow):
        @step
        async def first(self, ev: StartEvent) -> StopEvent:
            return StopEvent(result="base")

    class Child(Base):
        pass

    Base()
    Child()
    assert Child().flow_name == "Child"


# -- a base class in a return annotation ------------------------------------------------


class AnyAsk(Event):
    """A base no step accepts: in a return annotation it stands for the events below."""


class AskA(AnyAsk):
    a: str = ""


class AskB(AnyAsk):
    b: str = ""


class Asking(Workflow):
    @step
    async def first(self, ev: StartEvent) -> AnyAsk | StopEvent:
        return AskB(b="straight to b") if getattr(ev, "skip", False) else AskA(a="a")

    @step
    async def on_a(self, ev: AskA) -> AnyAsk | StopEvent:
        return AskB(b=ev.a + "b")

    @step
    async def on_b(self, ev: AskB) -> StopEvent:
        return StopEvent(result=ev.b)


async def test_a_base_class_in_a_return_annotation_stands_for_the_events_derived_from_it():
    spec = Asking().spec
    assert set(spec.registry) == {"StartEvent", "StopEvent", "AskA", "AskB"}  # not the base
    assert ("first", "StartEvent", "AskB") in spec.shapes
    assert ("on_b", "AskB", "AskA") not in spec.shapes
    assert ("human", "AskA", "AskA") in spec.shapes
    assert len(spec.shapes) == len(set(spec.shapes)) == 3 + 3 + 1 + 4  # first, on_a, on_b; human
    ckptr = WorkflowCheckpointer(workflow=Asking())
    assert await ckptr.run() == "ab"
    assert await ckptr.run(skip=True) == "straight to b"
    outputs = ckptr.filter_checkpoints(output_event_type="AskB")
    assert [c.last_completed_step for c in outputs] == ["on_a", "first"]


async def test_a_step_that_returns_the_base_itself_fails_the_run():
    class Flow(Workflow):
        @step
        async def first(self, ev: StartEvent) -> AnyAsk | StopEvent:
            return AnyAsk()

        @step
        async def on_a(self, ev: AskA) -> StopEvent:
            return StopEvent()

    ckptr = WorkflowCheckpointer(workflow=Flow())
    handler = ckptr.run()
    with pytest.raises(TypeError, match="step 'first' returned AnyAsk, which no step accepts"):
        await handler
    assert handler.status == "failed"


def test_a_base_class_with_no_accepted_event_below_it_is_refused():
    class Flow(Workflow):
        @step
        async def first(self, ev: StartEvent) -> AnyAsk | StopEvent:
            return StopEvent()

    with pytest.raises(WorkflowValidationError, match="'first' emits AnyAsk, which no step"):
        Flow()
