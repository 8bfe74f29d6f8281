"""The reference questionnaire: objective, resources, approach, notes.

The seed's shape exactly: ``start_process`` asks the first question, and each
``gather_*`` step keeps its answer in the run's state and asks the next.
"""

from __future__ import annotations

from pydantic import BaseModel

from hitl import (
    Context,
    InputRequiredEvent,
    StartEvent,
    StopEvent,
    Workflow,
    answer_field,
    step,
)


class ObjectiveEvent(InputRequiredEvent):
    objective: str = answer_field(
        label="Objective", help="One or two sentences: what should be true when you are done?",
        kind="long_text", max_length=2000,
    )


class ResourcesEvent(InputRequiredEvent):
    resources: str = answer_field(
        label="Resources", help="People, tools, budget and time you can call on.",
        kind="long_text", max_length=4000,
    )


class ApproachEvent(InputRequiredEvent):
    approach: str = answer_field(
        label="Approach", help="The steps you mean to take, in order.",
        kind="long_text", max_length=4000,
    )


class NotesEvent(InputRequiredEvent):
    notes: str = answer_field(
        "", required=False, label="Notes", help="Anything else worth writing down (optional).",
        kind="long_text", max_length=4000,
    )


class GatherState(BaseModel):
    objective: str = ""
    resources: str = ""
    approach: str = ""
    notes: str = ""


class GatherFlow(Workflow):
    """Gathers an objective, resources, an approach and notes into a brief."""

    name = "gather"
    title = "Gather a plan"
    description = "Objective, resources, approach and notes, gathered into a brief."
    state_type = GatherState

    @step
    async def start_process(self, ev: StartEvent) -> ObjectiveEvent:
        return ObjectiveEvent(objective="", message="What is your main objective?")

    @step
    async def gather_objective(self, ctx: Context, ev: ObjectiveEvent) -> ResourcesEvent:
        ctx.state.objective = ev.objective
        return ResourcesEvent(resources="", message="What resources do you have available?")

    @step
    async def gather_resources(self, ctx: Context, ev: ResourcesEvent) -> ApproachEvent:
        ctx.state.resources = ev.resources
        return ApproachEvent(approach="", message="What approach will you take?")

    @step
    async def gather_approach(self, ctx: Context, ev: ApproachEvent) -> NotesEvent:
        ctx.state.approach = ev.approach
        return NotesEvent(notes="", message="Any additional notes?")

    @step
    async def gather_notes(self, ctx: Context, ev: NotesEvent) -> StopEvent:
        ctx.state.notes = ev.notes
        return StopEvent(result=brief(ctx.state))


def brief(state: GatherState) -> dict[str, str]:
    """The questionnaire's result: all four answers."""
    return state.model_dump()
