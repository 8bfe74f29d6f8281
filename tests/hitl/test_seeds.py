"""The seed documents' own usage, run against our API.

Seed 001 is LlamaIndex's checkpointing notebook (JokeFlow, with an offline LLM
here); seed 000 is the checkpointing guide's patterns. Where the seed shows
LlamaIndex behaviour our design changes (a run with store_checkpoints=False
appearing in ``checkpoints``), the test follows the design and says so.
"""

from flows.gather import GatherFlow, ObjectiveEvent
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


class OfflineLLM:
    """Stands in for ``OpenAI(api_key=...)``: answers from the prompt, no network."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

    async def acomplete(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if prompt.startswith("Write your best joke about "):
            topic = prompt.removeprefix("Write your best joke about ").rstrip(".")
            return f"Why did the {topic} teacher smile? Because it was {topic}-tastic!"
        return f"Critique: {prompt.rsplit(': ', 1)[1]} is a pun."


# -- seed 001, the notebook -------------------------------------------------------------


class JokeEvent(Event):
    joke: str


class JokeFlow(Workflow):
    llm = OfflineLLM()

    @step
    async def generate_joke(self, ev: StartEvent) -> JokeEvent:
        topic = ev.topic

        prompt = f"Write your best joke about {topic}."
        response = await self.llm.acomplete(prompt)
        return JokeEvent(joke=str(response))

    @step
    async def critique_joke(self, ev: JokeEvent) -> StopEvent:
        joke = ev.joke

        prompt = f"Give a thorough analysis and critique of the following joke: {joke}"
        response = await self.llm.acomplete(prompt)
        return StopEvent(result=str(response))


def joke(topic: str) -> str:
    return f"Why did the {topic} teacher smile? Because it was {topic}-tastic!"


async def test_the_notebook_walk_through(capsys):
    # instantiate Jokeflow
    workflow = JokeFlow()
    wflow_ckptr = WorkflowCheckpointer(workflow=workflow)

    handler = wflow_ckptr.run(
        topic="chemistry",
        store_checkpoints=False,
    )
    assert await handler == f"Critique: {joke('chemistry')} is a pun."
    # our design: store_checkpoints=False stores nothing (LlamaIndex listed it anyway)
    assert dict(wflow_ckptr.checkpoints) == {}
    assert repr(wflow_ckptr.checkpoints) == "{}"

    additional_topics = ["biology", "history"]

    for topic in additional_topics:
        handler = wflow_ckptr.run(topic=topic)
        await handler

    for run_id, ckpts in wflow_ckptr.checkpoints.items():
        print(f"Run: {run_id} has {len(ckpts)} stored checkpoints")
    biology, history = [r.run_id for r in wflow_ckptr.runs()]
    assert capsys.readouterr().out == (
        f"Run: {biology} has 2 stored checkpoints\nRun: {history} has 2 stored checkpoints\n"
    )
    shown = repr(wflow_ckptr.checkpoints)
    assert shown.startswith(f"{{'{biology}': [Checkpoint(id_='")
    assert "last_completed_step='generate_joke'" in shown
    assert "output_event=JokeEvent(joke=" in shown

    # Filter by the name of last completed step
    checkpoints_right_after_generate_joke_step = wflow_ckptr.filter_checkpoints(
        last_completed_step="generate_joke",
    )
    found = [ckpt for ckpt in checkpoints_right_after_generate_joke_step]
    assert [c.run_id for c in found] == [biology, history]
    assert [c.output_event for c in found] == [
        JokeEvent(joke=joke("biology")),
        JokeEvent(joke=joke("history")),
    ]
    assert [c.input_event for c in found] == [
        StartEvent(topic="biology"),
        StartEvent(topic="history"),
    ]

    # can work with a new instance
    new_workflow_instance = JokeFlow()
    wflow_ckptr.workflow = new_workflow_instance

    ckpt = checkpoints_right_after_generate_joke_step[0]

    handler = wflow_ckptr.run_from(checkpoint=ckpt)
    assert await handler == f"Critique: {joke('biology')} is a pun."

    for run_id, ckpts in wflow_ckptr.checkpoints.items():
        print(f"Run: {run_id} has {len(ckpts)} stored checkpoints")
    assert capsys.readouterr().out == (
        f"Run: {biology} has 2 stored checkpoints\n"
        f"Run: {history} has 2 stored checkpoints\n"
        f"Run: {handler.run_id} has 1 stored checkpoints\n"
    )
    [only] = wflow_ckptr.checkpoints[handler.run_id]
    assert only.last_completed_step == "critique_joke"
    assert only.input_event == JokeEvent(joke=joke("biology"))
    generate_prompts = [p for p in JokeFlow.llm.prompts if p.startswith("Write")]
    assert generate_prompts.count("Write your best joke about biology.") == 1  # not generated again


# -- seed 000, the guide ----------------------------------------------------------------


class MyEvent(Event):
    data: str


def test_the_guides_one_step_workflow_is_refused_for_its_dangling_event():
    class MyWorkflow(Workflow):
        @step
        async def step_one(self, ev: StartEvent) -> MyEvent:
            return MyEvent(data="step one complete")

    try:
        MyWorkflow()
    except WorkflowValidationError as exc:
        assert "MyEvent" in str(exc) and "step_one" in str(exc)
    else:
        raise AssertionError("a workflow whose MyEvent goes nowhere must be refused")


class AskEvent(InputRequiredEvent):
    user_input: str = answer_field()


class GuideFlow(Workflow):
    """The guide's workflow, finished: three steps and a question for a person."""

    fail_next = False

    @step
    async def step_one(self, ev: StartEvent) -> MyEvent:
        data = getattr(ev, "input_data", None)
        return MyEvent(
            data=f"step one complete for {data['user_id']}" if data else "step one complete"
        )

    @step
    async def step_two(self, ctx: Context, ev: MyEvent) -> AskEvent:
        if GuideFlow.fail_next:
            GuideFlow.fail_next = False
            raise RuntimeError("step two failed")
        ctx.state.data = ev.data
        return AskEvent(message="Anything to add?", user_input="")

    @step
    async def step_three(self, ctx: Context, ev: AskEvent) -> StopEvent:
        return StopEvent(result=f"{ctx.state.data}; user said {ev.user_input}")


async def test_the_guides_run_and_input_data():
    checkpointer = WorkflowCheckpointer(workflow=GuideFlow())
    # Start a new workflow execution
    handler = checkpointer.run()
    result = await handler
    run_id = handler.run_id
    assert result == AskEvent(message="Anything to add?", user_input="")
    assert run_id in checkpointer.checkpoints

    handler = checkpointer.run(input_data={"user_id": "123", "task": "analysis"})
    await handler
    first = checkpointer.checkpoints[handler.run_id][0]
    assert first.input_event.input_data == {"user_id": "123", "task": "analysis"}
    assert first.output_event == MyEvent(data="step one complete for 123")


async def test_the_guides_monitor_execution_then_resume(capsys):
    checkpointer = WorkflowCheckpointer(workflow=GuideFlow())
    GuideFlow.fail_next = True
    handler = checkpointer.run()
    try:
        result = await handler
        print(f"Workflow completed: {result}")
    except Exception as e:
        print(f"Workflow failed: {e}")
        # Checkpoint is still saved for resume
    assert capsys.readouterr().out == "Workflow failed: step two failed\n"
    assert [c.last_completed_step for c in checkpointer.checkpoints[handler.run_id]] == ["step_one"]
    assert await checkpointer.resume(handler.run_id) == AskEvent(
        message="Anything to add?", user_input=""
    )


async def test_the_guides_resume_patterns(capsys):
    checkpointer = WorkflowCheckpointer(workflow=GuideFlow())
    handler = checkpointer.run()
    await handler
    run_id = handler.run_id

    # Resume from the latest checkpoint (a question: the new run waits on it too)
    checkpoints = checkpointer.checkpoints[run_id]
    latest_checkpoint = checkpoints[-1]
    handler = checkpointer.run_from(checkpoint=latest_checkpoint)
    result = await handler
    assert result == AskEvent(message="Anything to add?", user_input="")
    assert handler.status == "waiting"

    # Resume from a specific checkpoint by index
    checkpoint_index = 1
    checkpoint = checkpointer.checkpoints[run_id][checkpoint_index]
    assert checkpoint.last_completed_step == "step_two"
    handler = checkpointer.run_from(checkpoint=checkpoint)
    assert isinstance(await handler, AskEvent)

    # Resume with user input
    checkpoint = checkpointer.checkpoints[run_id][-1]
    if hasattr(checkpoint.output_event, "user_input"):
        checkpoint.output_event.user_input = "User provided input"
    handler = checkpointer.run_from(checkpoint=checkpoint)
    result = await handler
    assert result == "step one complete; user said User provided input"
    human, step_three = checkpointer.checkpoints[handler.run_id]
    assert step_three.input_event == human.output_event
    assert human.last_completed_step == "human"
    assert human.output_event.user_input == "User provided input"
    assert (
        checkpointer.checkpoints[run_id][-1].output_event.user_input == ""
    )  # the stored one is unchanged

    # List checkpoints for a specific run
    if run_id in checkpointer.checkpoints:
        checkpoints = checkpointer.checkpoints[run_id]
        for i, checkpoint in enumerate(checkpoints):
            print(f"Checkpoint {i}: {checkpoint.last_completed_step}")
    assert capsys.readouterr().out == "Checkpoint 0: step_one\nCheckpoint 1: step_two\n"

    # List all workflow runs
    for each_run, checkpoints in checkpointer.checkpoints.items():
        print(f"Run {each_run}: {len(checkpoints)} checkpoints")
    counts = [line.rsplit(": ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    # the root; two branches waiting on its question; the branch with the edit
    assert counts == ["2 checkpoints", "0 checkpoints", "0 checkpoints", "2 checkpoints"]


async def test_the_guides_checkpoint_management_and_safe_resume(capsys):
    checkpointer = WorkflowCheckpointer(workflow=GuideFlow())
    handler = checkpointer.run()
    await handler
    run_id = handler.run_id

    # Get checkpoint by ID
    def get_checkpoint_by_id(run_id, checkpoint_id):
        checkpoints = checkpointer.checkpoints[run_id]
        for checkpoint in checkpoints:
            if checkpoint.id == checkpoint_id:
                return checkpoint
        return None

    wanted = checkpointer.checkpoints[run_id][0].id
    checkpoint = get_checkpoint_by_id(run_id, wanted)
    assert checkpoint == checkpointer.get_checkpoint(wanted)
    assert get_checkpoint_by_id(run_id, "049ffb7b-595d-40f3-b6da-3a50ba1ebcc7") is None
    if checkpoint:
        handler = checkpointer.run_from(checkpoint=checkpoint)
        result = await handler
    assert result == AskEvent(message="Anything to add?", user_input="")

    async def safe_resume(run_id, checkpoint_index=0):
        try:
            if run_id not in checkpointer.checkpoints:
                raise ValueError(f"No checkpoints found for run {run_id}")

            checkpoints = checkpointer.checkpoints[run_id]
            if checkpoint_index >= len(checkpoints):
                raise ValueError(f"Checkpoint index {checkpoint_index} out of range")

            checkpoint = checkpoints[checkpoint_index]
            handler = checkpointer.run_from(checkpoint=checkpoint)
            result = await handler
            return result

        except Exception as e:
            print(f"Resume failed: {e}")
            return None

    assert await safe_resume("abc123") is None
    assert await safe_resume(run_id, checkpoint_index=5) is None
    assert capsys.readouterr().out == (
        "Resume failed: No checkpoints found for run abc123\n"
        "Resume failed: Checkpoint index 5 out of range\n"
    )
    assert await safe_resume(run_id) == AskEvent(message="Anything to add?", user_input="")


async def test_the_guides_interrupted_checkpoint_is_the_gather_flows_first():
    checkpointer = WorkflowCheckpointer(workflow=GatherFlow())
    handler = checkpointer.run()
    await handler
    [checkpoint] = checkpointer.checkpoints[handler.run_id]
    assert checkpoint.last_completed_step == "start_process"
    assert checkpoint.input_event == StartEvent()
    assert checkpoint.output_event == ObjectiveEvent(
        objective="", message="What is your main objective?"
    )
    assert isinstance(checkpoint.ctx_state, dict)
