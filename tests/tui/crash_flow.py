"""A flow whose second step kills its process when HITL_TEST_CRASH is set: a run
cut off mid-step, for the interrupted-run tests. Not a test module."""

from __future__ import annotations

import os

from hitl import InputRequiredEvent, StartEvent, StopEvent, Workflow, answer_field, step


class NameEvent(InputRequiredEvent):
    name: str = answer_field(label="Name")


class ColourEvent(InputRequiredEvent):
    colour: str = answer_field(label="Colour")


class CrashFlow(Workflow):
    name = "crashy"
    title = "Crashes once"
    description = "Asks two questions; dies between them when told to."

    @step
    async def ask_name(self, ev: StartEvent) -> NameEvent:
        return NameEvent(name="", message="What is your name?")

    @step
    async def ask_colour(self, ev: NameEvent) -> ColourEvent:
        if os.environ.get("HITL_TEST_CRASH"):
            os._exit(17)  # the process dies inside the step, after the answer was saved
        return ColourEvent(colour="", message=f"{ev.name}, what is your colour?")

    @step
    async def done(self, ev: ColourEvent) -> StopEvent:
        return StopEvent(result={"colour": ev.colour})


CRASH_SCRIPT = """
import asyncio, sys
from hitl import SqliteStore, WorkflowCheckpointer
from tests.tui.crash_flow import CrashFlow

async def main():
    ckptr = WorkflowCheckpointer(CrashFlow(), SqliteStore(sys.argv[1]))
    handler = ckptr.run()
    await handler
    print(handler.run_id, flush=True)
    await ckptr.answer(handler.run_id, name="Ada")

asyncio.run(main())
"""
