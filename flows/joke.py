"""The seed notebook's JokeFlow: write a joke about a topic, then critique it.

The language model is passed in: anything with ``async def acomplete(prompt)``
(a LlamaIndex LLM fits, since its reply is read with ``str()``). Without one,
the flow asks the model the environment names (``OPENAI_BASE_URL``,
``OPENAI_API_KEY``, ``OPENAI_MODEL``: any OpenAI-compatible server, see
:mod:`flows.chat_model`), and when it names none, :class:`OfflineStandIn`,
which is no language model at all: its canned, deterministic replies say so,
so the notebook's walk-through runs offline::

    ckptr = WorkflowCheckpointer(workflow=JokeFlow())
    await ckptr.run(topic="chemistry")

A run started without a topic (``hitl new joke``) asks for one first.
"""

from __future__ import annotations

import hashlib
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from hitl import (
    Context,
    DictState,
    Event,
    InputRequiredEvent,
    StartEvent,
    StopEvent,
    Workflow,
    answer_field,
    step,
)

JOKE_PROMPT = "Write your best joke about {topic}."
CRITIQUE_PROMPT = "Give a thorough analysis and critique of the following joke: {joke}"
STAND_IN_MARK = "[offline stand-in]"


@runtime_checkable
class LanguageModel(Protocol):
    """What JokeFlow needs of a language model."""

    async def acomplete(self, prompt: str) -> Any:
        """The model's reply to ``prompt``; read with ``str()``."""
        ...


_SETUPS = (
    "Why did the {topic} expert bring a ladder to work? "
    "Because the subject was said to be on another level.",
    "I tried to write a joke about {topic}, but all the good ones were already peer-reviewed.",
    "How many {topic} enthusiasts does it take to change a light bulb? "
    "Just one, but they will explain the history of the socket first.",
    "My friend said {topic} was dull. I said it only needs the right punchline.",
)


class OfflineStandIn:
    """Stands in for a language model when none is connected. It is not one.

    Every reply starts with ``[offline stand-in]`` and is canned: the same
    prompt always gets the same reply, picked by a hash of the prompt.
    """

    async def acomplete(self, prompt: str) -> str:
        if prompt.startswith("Write your best joke about "):
            topic = prompt.removeprefix("Write your best joke about ").removesuffix(".")
            return f"{STAND_IN_MARK} {_pick(_SETUPS, prompt).format(topic=topic)}"
        if prompt.startswith("Give a thorough analysis and critique of the following joke: "):
            joke = prompt.split(": ", 1)[1].removeprefix(STAND_IN_MARK).strip()
            return (
                f"{STAND_IN_MARK} A canned critique, not a language model's: the joke "
                f"\"{_clip(joke, 80)}\" is a template filled in with the topic. Its setup is "
                "familiar and its punchline safe; connect a real language model for a "
                "thorough analysis."
            )
        return (
            f"{STAND_IN_MARK} No language model is connected, so this reply is canned. "
            f"The prompt was: {_clip(prompt, 120)}"
        )


def _pick(options: tuple[str, ...], key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return options[digest[0] % len(options)]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class JokeEvent(Event):
    joke: str


class TopicEvent(InputRequiredEvent):
    topic: str = answer_field(
        label="Topic", help="Anything: chemistry, history, your cat.", max_length=200,
    )


class JokeFlow(Workflow):
    """Writes a joke about a topic with a language model, then critiques it."""

    name = "joke"
    title = "Tell a joke"
    description = (
        "The seed notebook's example: a joke about a topic, then its critique "
        "(a real model when OPENAI_BASE_URL or OPENAI_API_KEY is set, else an "
        "offline stand-in)."
    )
    state_type = DictState

    def __init__(self, llm: LanguageModel | None = None) -> None:
        super().__init__()
        if llm is None:
            from flows.chat_model import ChatModel  # its HTTP client: only for a joke flow

            llm = ChatModel.from_environment() or OfflineStandIn()
        self.llm: LanguageModel = llm

    @step(doing="Writing a joke about your topic")
    async def generate_joke(
        self, ctx: Context, ev: StartEvent | TopicEvent
    ) -> JokeEvent | TopicEvent:
        topic = getattr(ev, "topic", None)
        if topic is None or not str(topic).strip():
            ctx.state.topic_asked = True
            return TopicEvent(topic="", message="What should the joke be about?")
        prompt = JOKE_PROMPT.format(topic=topic)
        response = await self.llm.acomplete(prompt)
        return JokeEvent(joke=str(response))

    @step(doing="Critiquing the joke")
    async def critique_joke(self, ev: JokeEvent) -> StopEvent:
        joke = ev.joke
        prompt = CRITIQUE_PROMPT.format(joke=joke)
        response = await self.llm.acomplete(prompt)
        return StopEvent(result=str(response))

    def question_total(self, state: BaseModel) -> int:
        """One question (the topic) when the run was started without one, else none."""
        return 1 if getattr(state, "topic_asked", False) else 0


__all__ = [
    "JokeEvent",
    "JokeFlow",
    "LanguageModel",
    "OfflineStandIn",
    "TopicEvent",
]
