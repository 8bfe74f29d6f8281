"""`hitl new FLOW` loads what its first question needs and nothing else: checked
in a fresh process (sys.modules when the question is on screen), through the
command's own entry point, with the app run headless."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The `hitl` command, as a person types it, with Textual drawing to no terminal;
# the modules loaded are read when the first question is the screen shown.
FIRST_QUESTION = """
import json, sys
from textual.app import App
from tui.app.app import HitlApp
from tui.cli import launch
from tui.cli.main import main

launch.has_terminal = lambda: True
seen = {}

def run(self, **options):
    async def look(pilot):
        for _ in range(400):  # until the question is up (a worker starts the session)
            screen = pilot.app.screen
            if type(screen).__name__ == "QuestionScreen" and screen.query("#continue-button"):
                seen["modules"] = sorted(sys.modules)
                break
            await pilot.pause(0.025)
        await pilot.pause()
        pilot.app.exit()
    return App.run(self, headless=True, auto_pilot=look)

HitlApp.run = run
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": seen.get("modules")}))
"""

NOT_FOR_THE_FIRST_QUESTION = (
    "tui.app.screens.home",  # the sessions: made when the person leaves the question
    "tui.app.widgets.session_table",
    "psycopg",  # a PostgreSQL driver, with a SQLite store
    "hitl.store.postgres",
    "tui.cli.commands",  # the headless commands
    "tui.cli.answer_commands",
    "tui.cli.audit",
    "tui.cli.check",
    "tui.cli.plain",  # the line-by-line mode
    "tui.app.widgets.choice_fields",  # gather's questions are all typed text
    "textual.widgets._radio_set",
    "textual.widgets._selection_list",
    "re2",  # no question of gather has a pattern
    "flows.chat_model",  # the joke flow's HTTP client
    "urllib.request",
    "tomllib",  # no questionnaire file is read for a built-in flow
    "flows.questionnaire",
)


def test_hitl_new_gather_loads_no_module_its_first_question_does_not_need(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", FIRST_QUESTION, "--db", str(tmp_path / "s.db"),
         "--flows-dir", str(tmp_path), "new", "gather"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=True,
    )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    modules = result["modules"]
    assert modules is not None, "the first question was not shown"
    assert "tui.app.screens.question" in modules
    assert [name for name in NOT_FOR_THE_FIRST_QUESTION if name in modules] == []
