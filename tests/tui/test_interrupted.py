"""A run cut off mid-step (its process died) is shown as interrupted and resumed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from flows.registry import BUILT_IN, FlowEntry, Registry
from tests.tui.crash_flow import CRASH_SCRIPT, CrashFlow
from tests.tui.helpers import home, question, text_of
from tui.app import make_app
from tui.app.widgets.session_table import SessionTable
from tui.sessions import workspace as workspace_module

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def crashy(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = FlowEntry("crashy", CrashFlow.title, CrashFlow.description, BUILT_IN, CrashFlow)
    monkeypatch.setattr(workspace_module, "available_flows",
                        lambda _dir: Registry({"crashy": entry}, []))


def crash(db: Path) -> str:
    """Answer the first question in another process, which dies in the next step."""
    done = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, str(db)], cwd=ROOT, capture_output=True,
        text=True, env={**os.environ, "HITL_TEST_CRASH": "1"}, timeout=60, check=False,
    )
    assert done.returncode == 17, done.stderr
    return done.stdout.strip()


async def test_an_interrupted_run_shows_so_and_is_resumed_when_opened(db, crashy, fixed):
    run_id = crash(db)
    from hitl import SqliteStore

    store = SqliteStore(db)
    try:
        app = make_app(store, **fixed.options())
        async with app.run_test(size=(100, 30)) as pilot:
            screen = await home(pilot)
            row = [c.plain for c in screen.query_one(SessionTable).get_row_at(0)]
            assert row[:4] == ["Ada", "crashy", "◐ interrupted", "question 2 of 2"]
            await pilot.press("enter")
            q = await question(pilot, 2)  # the cut-off step ran again
            assert q.run_id == run_id
            assert text_of(q.query_one("#question-prompt", Static)) == "Ada, what is your colour?"
        assert app.checkpointer("crashy").get_run(run_id).status == "waiting"
    finally:
        store.close()


async def test_open_run_resumes_an_interrupted_run(db, crashy, fixed):
    run_id = crash(db)
    from hitl import SqliteStore

    store = SqliteStore(db)
    try:
        app = make_app(store, open_run=run_id, **fixed.options())
        async with app.run_test(size=(100, 30)) as pilot:
            q = await question(pilot, 2)
            assert q.run_id == run_id
    finally:
        store.close()


def test_show_and_export_call_an_interrupted_run_interrupted(db, crashy, capsys):
    run_id = crash(db)
    from tui.cli.main import main

    said = {}
    for args in (["show", "--json"], ["export", "--format", "json"]):
        assert main(["--db", str(db), args[0], run_id, *args[1:]]) == 0
        said[args[0]] = json.loads(capsys.readouterr().out)["status"]
    assert main(["--db", str(db), "export", run_id]) == 0
    markdown = capsys.readouterr().out
    assert said == {"show": "interrupted", "export": "interrupted"}  # nothing runs it now
    assert "- Status: interrupted\n" in markdown
