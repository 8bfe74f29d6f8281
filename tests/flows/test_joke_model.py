"""The joke flow with a real model: any OpenAI-compatible server the environment
names, here a small one the test starts (tests/fake_model.py)."""

from __future__ import annotations

import socket

import pytest

from flows.chat_model import LanguageModelError
from flows.joke import JokeEvent, JokeFlow
from hitl import FAILED, MemoryStore, SqliteStore, WorkflowCheckpointer
from tests.fake_model import FakeModelServer

KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def model_env(model_server: FakeModelServer, monkeypatch: pytest.MonkeyPatch) -> FakeModelServer:
    monkeypatch.setenv("OPENAI_BASE_URL", model_server.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_MODEL", "tiny-llama")
    return model_server


async def test_the_joke_and_its_critique_come_from_the_model(
    model_env: FakeModelServer, store: MemoryStore | SqliteStore
) -> None:
    model_env.replies("Cats have nine lives, but only one keyboard.", "A fair pun, 6/10.")
    ckptr = WorkflowCheckpointer(workflow=JokeFlow(), store=store)
    handler = ckptr.run(topic="cats")
    assert await handler == "A fair pun, 6/10."
    joke = ckptr.checkpoints[handler.run_id][0].output_event
    assert isinstance(joke, JokeEvent)
    assert joke.joke == "Cats have nine lives, but only one keyboard."

    first, second = model_env.seen
    assert first.path == "/v1/chat/completions"
    assert first.headers["Authorization"] == f"Bearer {KEY}"
    assert first.body == {
        "model": "tiny-llama",
        "messages": [{"role": "user", "content": "Write your best joke about cats."}],
    }
    assert second.body["messages"] == [{
        "role": "user",
        "content": "Give a thorough analysis and critique of the following joke: "
                   "Cats have nine lives, but only one keyboard.",
    }]


async def test_a_local_server_needs_no_key_and_the_model_has_a_default(
    model_server: FakeModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", model_server.url + "/")
    result = await WorkflowCheckpointer(workflow=JokeFlow()).run(topic="tea")
    assert result == "a reply"
    assert [seen.path for seen in model_server.seen] == ["/v1/chat/completions"] * 2
    assert "Authorization" not in model_server.seen[0].headers
    assert model_server.seen[0].body["model"] == "gpt-4o-mini"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _fails(ckptr: WorkflowCheckpointer, *expected: str) -> str:
    handler = ckptr.run(topic="cats")
    with pytest.raises(LanguageModelError) as caught:
        await handler
    message = str(caught.value)
    for part in expected:
        assert part in message, message
    assert KEY not in message
    assert handler.status == FAILED
    (info,) = [r for r in ckptr.runs() if r.run_id == handler.run_id]
    assert info.status == FAILED
    assert KEY not in (info.error or "")
    return message


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ((401, b'{"error": {"message": "Incorrect API key provided: sk-test-0123"}}'),
         ["refused the request (HTTP 401): check OPENAI_API_KEY"]),
        ((404, b'{"error": {"message": "The model `tiny-llama` does not exist"}}'),
         ["answered HTTP 404: The model `tiny-llama` does not exist"]),
        ((500, f'{{"error": {{"message": "boom for {KEY}"}}}}'.encode()),
         ["answered HTTP 500: boom for ***"]),
        ((200, b"<html>not an API</html>"), ["did not answer with JSON"]),
        ((200, b'{"choices": []}'), ["did not answer with a chat completion"]),
    ],
    ids=["401", "404", "500", "not-json", "not-a-completion"],
)
async def test_a_server_that_refuses_or_talks_nonsense_is_named(
    model_env: FakeModelServer, store: MemoryStore | SqliteStore,
    reply: tuple[int, bytes], expected: list[str],
) -> None:
    model_env.answer = lambda body: reply
    ckptr = WorkflowCheckpointer(workflow=JokeFlow(), store=store)
    message = await _fails(ckptr, *expected)
    assert message.startswith(f"the language model server at {model_env.endpoint} ")


async def test_a_server_that_is_not_there_is_named_without_the_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = _closed_port()
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    await _fails(
        WorkflowCheckpointer(workflow=JokeFlow()),
        f"cannot reach the language model server at http://127.0.0.1:{port}/v1/chat/completions",
        "Check OPENAI_BASE_URL",
    )


async def test_a_server_too_slow_to_answer_times_out(
    model_env: FakeModelServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_TIMEOUT", "0.3")
    model_env.answer = model_env.wait
    await _fails(
        WorkflowCheckpointer(workflow=JokeFlow()),
        f"the language model server at {model_env.endpoint} did not answer within 0.3 s",
    )


async def test_settings_that_cannot_work_are_clear_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "localhost:11434/v1")
    await _fails(
        WorkflowCheckpointer(workflow=JokeFlow()),
        "OPENAI_BASE_URL must be an http:// or https:// URL",
    )
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://me:{KEY}@localhost:11434/v1")
    message = await _fails(
        WorkflowCheckpointer(workflow=JokeFlow()),
        "OPENAI_BASE_URL holds a user name or password (http://localhost:11434/v1): "
        "give the URL alone and the key in OPENAI_API_KEY",
    )
    assert "me" not in message.split("(")[1]
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
    monkeypatch.setenv("OPENAI_TIMEOUT", "soon")
    await _fails(
        WorkflowCheckpointer(workflow=JokeFlow()),
        "OPENAI_TIMEOUT must be a number of seconds such as 120, not 'soon'",
    )
