"""A pattern refuses an answer in words a person answering can read: the example of
the question's help, never the raw regular expression. The same words in the app,
the CLI and the plain mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from textual.widgets import Static

from tests.tui.helpers import question, text_of, until
from tui.app import make_app

ROOT = Path(__file__).resolve().parents[2]

CODES = """\
title = "Codes"

[[questions]]
id = "version"
prompt = "Which version?"
help = "As the app reports it, e.g. 2.4.1 or 2.5.0rc1."
pattern = '\\d+\\.\\d+(\\.\\d+)?([a-z]+\\d*)?'

[[questions]]
id = "ticket"
prompt = "Which ticket?"
pattern = '[A-Z]{2,5}-\\d+'
"""
EXAMPLE = "should look like 2.4.1 or 2.5.0rc1"
NO_EXAMPLE = "is not in the form this question asks for"


def hitl(flows: Path, db: Path, *args: str, typed: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HITL_DB": str(db), "HITL_FLOWS": str(flows), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], input=typed,
                          capture_output=True, text=True, env=env, timeout=60)


async def test_the_app_says_the_example_of_the_help_not_the_pattern(sqlite, flows_dir, fixed):
    (flows_dir / "codes.toml").write_text(CODES, encoding="utf-8")
    app = make_app(sqlite, flows_dir=flows_dir, open_flow="codes", **fixed.options())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await question(pilot, 1)
        await pilot.press(*"two", "enter")
        error = lambda: text_of(screen.query_one(".field-error", Static))  # noqa: E731
        await until(pilot, lambda: bool(error()))
        assert error() == f"✗ {EXAMPLE}"
        await pilot.press("ctrl+u", *"2.4", "enter")
        screen = await question(pilot, 2)
        await pilot.press(*"ticket 9", "enter")
        await until(pilot, lambda: bool(error()))
        assert error() == f"✗ {NO_EXAMPLE}"  # no example to give: no regex either


def test_the_cli_and_the_plain_mode_say_the_same(tmp_path, flows_dir):
    (flows_dir / "codes.toml").write_text(CODES, encoding="utf-8")
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"version": "two"}), encoding="utf-8")
    done = hitl(flows_dir, tmp_path / "a.db", "new", "codes", "--answers", str(answers))
    assert done.returncode == 1
    assert done.stderr.strip() == f"hitl: error: version: {EXAMPLE}"

    done = hitl(flows_dir, tmp_path / "b.db", "--plain", "new", "codes",
                typed="two\n2.4\nticket 9\nAB-12\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Version (text, required, like 2.4.1 or 2.5.0rc1)" in lines
    assert f"> Not accepted: {EXAMPLE}. Please answer again." in lines
    assert f"> Not accepted: {NO_EXAMPLE}. Please answer again." in lines
    assert "\\d" not in done.stdout + done.stderr  # the pattern is never shown
