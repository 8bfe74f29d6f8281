"""The seed notebook's walk-through, exactly, on the offline stand-in."""

from __future__ import annotations

from flows.joke import JokeEvent, JokeFlow, LanguageModel, OfflineStandIn, TopicEvent
from hitl import MemoryStore, SqliteStore, StartEvent, StopEvent, WorkflowCheckpointer


async def test_notebook_walk_through(store: MemoryStore | SqliteStore) -> None:
    # instantiate JokeFlow
    workflow = JokeFlow()
    wflow_ckptr = WorkflowCheckpointer(workflow=workflow, store=store)

    # Run the Workflow from the WorkflowCheckpointer (nothing stored for this one)
    handler = wflow_ckptr.run(topic="chemistry", store_checkpoints=False)
    critique = await handler
    assert isinstance(critique, str)
    assert critique.startswith("[offline stand-in]")
    assert "chemistry" in critique
    assert dict(wflow_ckptr.checkpoints) == {}

    additional_topics = ["biology", "history"]
    run_ids = []
    for topic in additional_topics:
        handler = wflow_ckptr.run(topic=topic)
        await handler
        run_ids.append(handler.run_id)

    lines = [
        f"Run: {run_id} has {len(ckpts)} stored checkpoints"
        for run_id, ckpts in wflow_ckptr.checkpoints.items()
    ]
    assert lines == [f"Run: {run_id} has 2 stored checkpoints" for run_id in run_ids]
    assert [info.checkpoint_count for info in wflow_ckptr.runs()] == [2, 2]

    # Filter by the name of the last completed step
    checkpoints_right_after_generate_joke_step = wflow_ckptr.filter_checkpoints(
        last_completed_step="generate_joke",
    )
    assert [c.run_id for c in checkpoints_right_after_generate_joke_step] == run_ids
    first = checkpoints_right_after_generate_joke_step[0]
    assert first.last_completed_step == "generate_joke"
    assert isinstance(first.input_event, StartEvent)
    assert first.input_event.topic == "biology"
    assert isinstance(first.output_event, JokeEvent)
    assert first.output_event.joke.startswith("[offline stand-in]")
    assert "biology" in first.output_event.joke
    assert wflow_ckptr.filter_checkpoints(output_event_type=StopEvent) == [
        wflow_ckptr.checkpoints[run_id][1] for run_id in run_ids
    ]

    # Re-run the workflow from a specific checkpoint, with a new workflow instance
    new_workflow_instance = JokeFlow()
    wflow_ckptr.workflow = new_workflow_instance
    ckpt = checkpoints_right_after_generate_joke_step[0]
    handler = wflow_ckptr.run_from(checkpoint=ckpt)
    result = await handler
    assert result.startswith("[offline stand-in]")
    assert "biology" in result

    counts = {run_id: len(ckpts) for run_id, ckpts in wflow_ckptr.checkpoints.items()}
    assert counts == {run_ids[0]: 2, run_ids[1]: 2, handler.run_id: 1}
    (only,) = wflow_ckptr.checkpoints[handler.run_id]
    assert only.last_completed_step == "critique_joke"
    assert only.parent_id == ckpt.id
    assert wflow_ckptr.get_run(handler.run_id).branched_from == ckpt.id


async def test_the_stand_in_says_what_it_is_and_is_deterministic() -> None:
    llm = OfflineStandIn()
    assert isinstance(llm, LanguageModel)
    joke = await llm.acomplete("Write your best joke about chemistry.")
    assert joke == await llm.acomplete("Write your best joke about chemistry.")
    assert joke.startswith("[offline stand-in] ")
    other = await llm.acomplete("Summarise this.")
    assert other.startswith("[offline stand-in] No language model is connected")


async def test_a_language_model_is_passed_in() -> None:
    prompts: list[str] = []

    class Echo:
        async def acomplete(self, prompt: str) -> str:
            prompts.append(prompt)
            return f"reply {len(prompts)}"

    ckptr = WorkflowCheckpointer(workflow=JokeFlow(llm=Echo()))
    assert await ckptr.run(topic="cats") == "reply 2"
    assert prompts == [
        "Write your best joke about cats.",
        "Give a thorough analysis and critique of the following joke: reply 1",
    ]


async def test_without_a_topic_the_run_asks_for_one() -> None:
    workflow = JokeFlow()
    ckptr = WorkflowCheckpointer(workflow=workflow)
    handler = ckptr.run()
    question = await handler
    assert isinstance(question, TopicEvent)
    assert handler.status == "waiting"
    pending = ckptr.pending_question(handler.run_id)
    assert pending is not None
    state = workflow.state_type.model_validate(pending[0].ctx_state["state"])
    assert workflow.question_total(state) == 1
    result = await ckptr.answer(handler.run_id, topic="octopuses")
    assert "octopuses" in result
    steps = [c.last_completed_step for c in ckptr.checkpoints[handler.run_id]]
    assert steps == ["generate_joke", "human", "generate_joke", "critique_joke"]
    assert workflow.question_total(workflow.new_state()) == 0
