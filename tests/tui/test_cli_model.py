"""`hitl new joke` with a real model: the OpenAI-compatible server the environment
names, here a small one the test starts (tests/fake_model.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hitl import SqliteStore
from tests.fake_model import FakeModelServer
from tui.cli.main import main

KEY = "sk-test-fedcba9876543210"


@pytest.fixture
def joke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    model_server: FakeModelServer,
):
    db = tmp_path / "store.db"
    SqliteStore(db).close()
    monkeypatch.setenv("HITL_DB", str(db))
    monkeypatch.setenv("OPENAI_BASE_URL", model_server.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    answers = tmp_path / "topic.json"
    answers.write_text(json.dumps({"topic": "cats"}), encoding="utf-8")

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args or ("new", "joke", "--answers", str(answers))))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_the_model_s_text_is_printed_as_text(joke, model_server: FakeModelServer) -> None:
    model_server.replies("A cat joke.", "[bold]Fine[/bold] but \x1b[31mred\x1b[0m.")
    code, out, err = joke()
    assert code == 0, err
    assert "[bold]Fine[/bold] but \\u001b[31mred\\u001b[0m." in out
    assert "\x1b" not in out
    assert model_server.seen[0].headers["Authorization"] == f"Bearer {KEY}"


def test_a_refused_key_is_one_clear_line_without_the_key(
    joke, model_server: FakeModelServer,
) -> None:
    model_server.answer = lambda body: (401, b'{"error": {"message": "bad key sk-test-fed"}}')
    code, out, err = joke()
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("hitl: error: "), err
    assert (
        f"failed in a step: LanguageModelError: the language model server at "
        f"{model_server.endpoint} refused the request (HTTP 401): check OPENAI_API_KEY"
    ) in err
    assert KEY not in out + err
    code, out, _ = joke("list")
    assert "failed" in out and KEY not in out
