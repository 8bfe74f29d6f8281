"""The `hitl` command, run in-process through ``main(argv)`` (fast), plus a few
real processes that prove the exit codes, the lack of tracebacks, and that the
headless commands never import textual."""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from flows.gather import GatherFlow
from flows.registry import BUILT_IN, available_flows
from hitl import (
    RUNNING,
    InputRequiredEvent,
    SqliteStore,
    StartEvent,
    StopEvent,
    Workflow,
    WorkflowCheckpointer,
    answer_field,
    step,
)
from hitl.store.sqlite_schema import APPLICATION_ID
from tui.cli import launch
from tui.cli.main import main
from tui.sessions.workspace import Workspace

SHIPPED = sorted(e.name for e in available_flows().values() if e.source != BUILT_IN)

GATHER_ANSWERS = {
    "objective": "Ship v2",
    "resources": "Two people\nand a laptop",
    "approach": "Small steps",
    "notes": "",
}


@dataclass
class Out:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.db"
    SqliteStore(path).close()  # an empty store (read-only commands create none)
    monkeypatch.setenv("HITL_DB", str(path))
    return path


@pytest.fixture
def hitl(capsys: pytest.CaptureFixture[str], db: Path):
    def run(*args: str) -> Out:
        code = main(list(args))
        captured = capsys.readouterr()
        return Out(code, captured.out, captured.err)

    return run


def fails(result: Out, message: str, code: int = 1) -> None:
    """The command failed with one line on stderr that holds ``message``."""
    assert result.code == code, result
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith("hitl: error: "), result.err
    assert message in result.err, result.err
    assert "Traceback" not in result.err


def new_run(hitl, write, answers: dict[str, Any] | None = None, flow: str = "gather") -> str:
    result = hitl("new", flow, "--answers", write(answers or {}, "start.json"))
    assert result.code == 0, result
    return result.lines[0]


# -- a new user's first commands ---------------------------------------------------------


def test_help_says_what_hitl_is_and_lists_every_command(hitl) -> None:
    result = hitl("--help")
    assert result.code == 0
    assert "questionnaires in the terminal" in result.out
    for command in ("flows", "new", "resume", "answer", "list", "show", "export", "schema",
                    "delete", "prune"):
        assert f"\n    {command} " in result.out, command
    assert "--db PATH" in result.out and "--flows-dir DIR" in result.out


def test_each_command_has_help(hitl) -> None:
    for command in ("flows", "new", "resume", "answer", "list", "show", "export", "schema",
                    "delete", "prune"):
        result = hitl(command, "--help")
        assert result.code == 0, command
        assert result.out.startswith(f"usage: hitl {command}"), command


def test_version(hitl) -> None:
    result = hitl("--version")
    assert (result.code, result.out) == (0, "hitl 0.1.0\n")


def test_usage_errors_exit_2(hitl) -> None:
    result = hitl("bogus")
    assert result.code == 2 and "invalid choice: 'bogus'" in result.err
    assert hitl("show").code == 2  # RUN is required
    assert hitl("export", "x", "--format", "pdf").code == 2
    assert hitl("prune").code == 2  # --older-than is required


def test_flows_lists_built_ins_and_shipped_questionnaires(hitl) -> None:
    result = hitl("flows")
    assert result.code == 0
    assert result.lines[0].startswith("gather ")
    assert "Gather a plan (built-in)" in result.lines[0]
    for name in SHIPPED:
        assert any(line.startswith(f"{name} ") and "(shipped)" in line for line in result.lines)
    assert "Start one with: hitl new NAME" in result.out

    data = hitl("flows", "--json").json
    names = [f["name"] for f in data["flows"]]
    assert names[:2] == ["gather", "joke"] and sorted(names[2:]) == SHIPPED
    assert data["problems"] == []


def test_flows_reports_a_broken_user_file_and_still_lists_the_rest(hitl, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "broken.toml").write_text('id = "broken"\n[[questions]]\nprompt = "no id"\n')
    result = hitl("--flows-dir", str(folder), "flows")
    assert result.code == 0
    assert "gather" in result.out
    assert result.err.startswith("hitl: warning: left out ")
    assert "broken.toml" in result.err
    data = hitl("flows", "--flows-dir", str(folder), "--json").json
    assert len(data["problems"]) == 1 and "broken.toml" in data["problems"][0]


def test_flows_dir_naming_a_file_says_it_is_not_a_folder(hitl, tmp_path: Path) -> None:
    survey = tmp_path / "survey.toml"  # the file itself, not the folder it is in
    survey.write_text('title = "Survey"\n[[questions]]\nid = "a"\nprompt = "A?"\n')
    result = hitl("--flows-dir", str(survey), "flows")
    assert result.code == 0 and "gather" in result.out
    assert result.err == (f"hitl: warning: left out {survey}: not a folder (--flows-dir or "
                          "HITL_FLOWS names the folder your *.toml questionnaires are in)\n")


def test_list_on_an_empty_store_says_how_to_start(hitl, db: Path) -> None:
    result = hitl("list")
    assert result.code == 0
    assert result.lines == [
        f"No sessions yet in {db}.", "Start one with: hitl new FLOW   (hitl flows lists them)",
    ]
    assert hitl("list", "--json").json == []


# -- new, answer, show, list ---------------------------------------------------------------


def test_new_with_every_answer_completes_and_prints_the_result(hitl, write) -> None:
    result = hitl("new", "gather", "--answers", write(GATHER_ANSWERS))
    assert result.code == 0, result
    run_id = result.lines[0]
    assert len(run_id) == 36
    assert result.lines[1] == "Completed: 4 questions answered."
    assert result.lines[2] == "Result:"
    assert json.loads("\n".join(result.lines[3:-2])) == GATHER_ANSWERS
    assert result.lines[-1] == f"  hitl export {run_id} --format md"
    assert result.err == ""


def test_new_stops_at_the_first_question_the_file_does_not_answer(hitl, write) -> None:
    result = hitl("new", "gather", "--answers", write({"objective": "Ship v2"}))
    assert result.code == 0, result
    run_id = result.lines[0]
    assert result.lines[1:] == [
        "Question 2 of 4: What resources do you have available?",
        "  resources: long text, required, at most 4000 characters",
        "    People, tools, budget and time you can call on.",
        "Answer it with:",
        f"  hitl answer {run_id} --set resources=...",
    ]


def test_answer_with_set_goes_question_by_question_to_the_end(hitl, write) -> None:
    run_id = new_run(hitl, write)
    for field, value in GATHER_ANSWERS.items():
        result = hitl("answer", run_id, "--set", f"{field}={value}")
        assert result.code == 0, result
        assert result.lines[0] == run_id
    assert result.lines[1] == "Completed: 4 questions answered."
    shown = hitl("show", run_id, "--json").json
    assert shown["status"] == "completed"
    assert shown["result"] == GATHER_ANSWERS


def test_answer_takes_a_unique_prefix_of_the_run_id(hitl, write) -> None:
    run_id = new_run(hitl, write)
    result = hitl("answer", run_id[:8], "--set", "objective=Ship v2")
    assert result.code == 0, result
    assert result.lines[0] == run_id
    assert result.lines[1].startswith("Question 2 of 4:")


def test_answer_from_a_file_goes_on_from_the_current_question(hitl, write) -> None:
    run_id = new_run(hitl, write, {"objective": "Ship v2"})
    rest = {"objective": "Ship v2", "resources": "Time", "approach": "Steps"}
    result = hitl("answer", run_id, "--answers", write(rest, "rest.json"))
    assert (result.code, result.err) == (0, ""), result  # objective: stored already, as given
    assert result.lines[1] == "Question 4 of 4: Any additional notes?"
    answers = hitl("show", run_id, "--json").json["answers"]
    assert [(a["id"], a["value"]) for a in answers] == [
        ("objective", "Ship v2"), ("resources", "Time"), ("approach", "Steps"),
    ]


def test_an_answer_given_before_differently_is_not_stored_and_said_so(hitl, write) -> None:
    run_id = new_run(hitl, write, {"objective": "Ship v2"})
    other = write({"objective": "Ship v3", "resources": "Time"}, "other.json")
    result = hitl("answer", run_id, "--answers", other)
    fails(result, f"{other}: stored resources; not stored objective: answered before, "
                  f"differently (hitl change {run_id} --set objective=... changes it)")
    assert result.lines[1] == "Question 3 of 4: What approach will you take?"
    fails(hitl("answer", run_id, "--set", "objective=Ship v3", "--set", "approach=Steps"),
          "--set: stored approach; not stored objective: answered before, differently")


def test_answers_can_come_from_standard_input(hitl, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(GATHER_ANSWERS)))
    result = hitl("new", "gather", "--answers", "-")
    assert result.code == 0, result
    assert result.lines[1] == "Completed: 4 questions answered."


BRANCHY = """\
id = "branchy"

[[questions]]
id = "pet"
prompt = "A pet?"
type = "choice"
choices = ["cat", "dog"]

[[questions]]
id = "bark"
prompt = "How loud?"
when = { question = "pet", equals = "dog" }

[[questions]]
id = "name"
prompt = "Its name?"
"""


def test_answers_the_run_never_asked_are_named_when_it_completes(hitl, write, tmp_path,
                                                                 monkeypatch) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "branchy.toml").write_text(BRANCHY, encoding="utf-8")
    monkeypatch.setenv("HITL_FLOWS", str(tmp_path / "flows"))
    answers = write({"pet": "cat", "bark": "x" * 500_000, "name": "Tom"})
    result = hitl("new", "branchy", "--answers", answers)
    assert result.code == 0, result
    assert result.err == f"hitl: note: {answers}: not asked, not used: bark\n"


def test_a_misspelled_field_is_refused_naming_it_and_the_fields_there_are(hitl, write) -> None:
    answers = write({**GATHER_ANSWERS, "objektive": "typo"})
    result = hitl("new", "gather", "--answers", answers)
    fails(result, f"{answers}: objektive: not an answer field of flow gather "
                  "(its fields: objective, resources, approach, notes)")
    assert result.out == ""
    assert hitl("list", "--json").json == []  # refused before a run was made
    run_id = new_run(hitl, write)
    fails(hitl("answer", run_id, "--set", "objective=Ship", "--set", "objektive=x"),
          "objektive: not an answer field of flow gather")
    fails(hitl("answer", run_id, "--answers", answers), "objektive: not an answer field")
    assert hitl("show", run_id, "--json").json["answers"] == []


def test_a_value_of_the_wrong_type_is_refused_before_a_run_is_made(hitl, write) -> None:
    answers = write({"objective": "Ship", "notes": 5})
    fails(hitl("new", "gather", "--answers", answers), "notes: Input should be a valid string")
    assert hitl("list", "--json").json == []


def test_json_output_of_new_and_answer(hitl, write) -> None:
    data = hitl("new", "gather", "--answers", write({}), "--json").json
    assert data["status"] == "waiting" and data["answered"] == 0 and data["result"] is None
    question = data["question"]
    assert question["message"] == "What is your main objective?"
    assert (question["number"], question["total"], question["type"]) == (1, 4, "ObjectiveEvent")
    assert question["fields"] == [{
        "id": "objective", "label": "Objective", "kind": "long_text", "required": True,
        "help": "One or two sentences: what should be true when you are done?", "choices": None,
        "min_length": None, "max_length": 2000, "pattern": None, "min": None, "max": None,
        "value": "",
    }]
    run_id = data["run_id"]
    data = hitl("answer", run_id, "--answers", write(GATHER_ANSWERS), "--json").json
    assert data["status"] == "completed" and data["question"] is None
    assert data["answered"] == 4 and data["result"] == GATHER_ANSWERS


def test_list_shows_each_session_with_its_status_and_progress(hitl, write) -> None:
    waiting = new_run(hitl, write, {"objective": "Ship v2"})
    done = new_run(hitl, write, {**GATHER_ANSWERS, "objective": "Write docs"})
    result = hitl("list")
    assert result.code == 0
    header, latest, earlier = result.lines
    assert header.split() == ["RUN", "FLOW", "STATUS", "PROGRESS", "BRANCHES", "LAST", "CHANGE",
                              "TITLE"]
    # The latest first.
    assert earlier.split()[1:6] == ["gather", "waiting", "question", "2", "of"]
    assert earlier.endswith("Ship v2") and earlier.startswith(waiting[:8])
    assert latest.split()[1:4] == ["gather", "completed", "4"]
    assert latest.endswith("Write docs") and latest.startswith(done[:8])
    data = hitl("list", "--json").json
    assert [(s["run_id"], s["status"], s["progress"], s["branches"]) for s in data] == [
        (done, "completed", "4 answers", 1), (waiting, "waiting", "question 2 of 4", 1),
    ]


def test_show_lists_checkpoints_answers_and_the_pending_question(hitl, write) -> None:
    run_id = new_run(hitl, write, {"objective": "Ship v2", "resources": "Two\nlines"})
    result = hitl("show", run_id)
    assert result.code == 0
    out = result.out
    assert f"Run:      {run_id}\n" in out
    assert "Flow:     gather (Gather a plan)\n" in out
    assert "Status:   waiting\n" in out
    assert "SEQ  STEP              INPUT -> OUTPUT" in out
    assert "    1  human             ObjectiveEvent -> ObjectiveEvent" in out
    assert "\nAnswers\n  objective: Ship v2\n  resources: Two\n    lines\n" in out
    assert "Question 3 of 4: What approach will you take?" in out

    data = hitl("show", run_id[:10], "--json").json
    assert data["run_id"] == run_id and data["status"] == "waiting"
    assert [(c["seq"], c["step"], c["input"], c["output"]) for c in data["checkpoints"]] == [
        (0, "start_process", "StartEvent", "ObjectiveEvent"),
        (1, "human", "ObjectiveEvent", "ObjectiveEvent"),
        (2, "gather_objective", "ObjectiveEvent", "ResourcesEvent"),
        (3, "human", "ResourcesEvent", "ResourcesEvent"),
        (4, "gather_resources", "ResourcesEvent", "ApproachEvent"),
    ]
    assert data["answers"] == [
        {"id": "objective", "question": "What is your main objective?", "value": "Ship v2"},
        {"id": "resources", "question": "What resources do you have available?",
         "value": "Two\nlines"},
    ]
    assert data["question"]["fields"][0]["id"] == "approach"
    assert data["result"] is None


def test_db_option_and_hitl_db_choose_the_store(hitl, write, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    result = hitl("--db", str(other), "new", "gather", "--answers", write({}))
    assert result.code == 0 and other.exists()
    run_id = result.lines[0]
    assert hitl("list", "--json").json == []  # HITL_DB's store holds nothing
    assert hitl("list", "--db", str(other), "--json").json[0]["run_id"] == run_id
    assert hitl("--db", str(other), "show", run_id).code == 0


# -- how --set is read ---------------------------------------------------------------------

KINDS = '''
id = "kinds"
title = "Every kind"

[[questions]]
id = "count"
prompt = "How many?"
type = "integer"
min = 1

[[questions]]
id = "ratio"
prompt = "What ratio?"
type = "number"

[[questions]]
id = "ok"
prompt = "All good?"
type = "yes_no"

[[questions]]
id = "areas"
prompt = "Which areas?"
type = "multi_choice"
choices = ["API", "UI", "DB"]

[[questions]]
id = "tags"
prompt = "Any tags?"
type = "list"
required = false

[[questions]]
id = "due"
prompt = "Due when?"
type = "date"

[[questions]]
id = "size"
prompt = "What size?"
type = "choice"
choices = ["small", "large"]

[[questions]]
id = "note"
prompt = "A note?"
type = "long_text"
required = false
'''


@pytest.fixture
def kinds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "flows"
    folder.mkdir()
    (folder / "kinds.toml").write_text(KINDS, encoding="utf-8")
    monkeypatch.setenv("HITL_FLOWS", str(folder))
    return folder


def test_set_values_are_read_by_the_question_kind(hitl, write, kinds: Path) -> None:
    run_id = new_run(hitl, write, flow="kinds")
    for given in (["count=12"], ["ratio=0.25"], ["ok=Y"], ["areas=api, DB", "areas=UI"],
                  ["tags=one,two", "tags=three"], ["due=2024-06-30"], ["size=Large"],
                  ["note=line 1\nline 2"]):
        args = [arg for value in given for arg in ("--set", value)]
        result = hitl("answer", run_id, *args)
        assert result.code == 0, (given, result)
    data = hitl("export", run_id, "--format", "json").json
    assert data["status"] == "completed"
    assert {a["id"]: a["value"] for a in data["answers"]} == {
        "count": 12, "ratio": 0.25, "ok": True, "areas": ["API", "DB", "UI"],
        "tags": ["one", "two", "three"], "due": "2024-06-30", "size": "large",
        "note": "line 1\nline 2",
    }


def test_yes_no_words(hitl, write, kinds: Path) -> None:
    for word, value in (("no", False), ("FALSE", False), ("0", False), ("n", False),
                        ("yes", True), ("true", True), ("1", True)):
        run_id = new_run(hitl, write, {"count": 1, "ratio": 1}, flow="kinds")
        assert hitl("answer", run_id, "--set", f"ok={word}").code == 0
        answers = hitl("show", run_id, "--json").json["answers"]
        assert answers[-1] == {"id": "ok", "question": "All good?", "value": value}, word


def test_an_answers_file_takes_json_values_and_text_alike(hitl, write, kinds: Path) -> None:
    answers = {"count": "3", "ratio": 1.5, "ok": "no", "areas": "UI,DB", "tags": [],
               "due": "2024-01-31", "size": "small", "note": None}
    result = hitl("new", "kinds", "--answers", write(answers))
    assert result.code == 0, result
    data = hitl("export", result.lines[0], "--format", "json").json
    assert data["result"] == {"count": 3, "ratio": 1.5, "ok": False, "areas": ["UI", "DB"],
                              "tags": [], "due": "2024-01-31", "size": "small", "note": ""}


@pytest.mark.parametrize(("answers", "message"), [
    (["count=twelve"], "count: 'twelve' is not a whole number"),
    (["count=0"], "count: must be at least 1"),
    (["count=1", "count=2"], "count: given 2 times; only multiple choice and list answers"),
    (["count="], "count:"),
])
def test_invalid_set_values_name_the_field_and_why(hitl, write, kinds: Path,
                                                   answers: list[str], message: str) -> None:
    run_id = new_run(hitl, write, flow="kinds")
    args = [arg for value in answers for arg in ("--set", value)]
    result = hitl("answer", run_id, *args)
    fails(result, message)
    assert result.out == ""  # nothing answered, nothing printed
    assert hitl("show", run_id, "--json").json["answers"] == []


@pytest.mark.parametrize(("answers", "message"), [
    ({"count": 1, "ratio": "nan"}, "ratio: 'nan' is not a number"),
    ({"count": 1, "ratio": 1, "ok": "maybe"}, "ok: 'maybe' is not yes or no"),
    ({"count": 1, "ratio": 1, "ok": True, "areas": ["API", "CLI"]},
     "areas: CLI is not one of: API, UI, DB"),
    ({"count": 1, "ratio": 1, "ok": True, "areas": ["UI"], "tags": [], "due": "tomorrow"},
     "due: 'tomorrow' is not a date (write it as YYYY-MM-DD)"),
    ({"count": 1, "ratio": 1, "ok": True, "areas": ["UI"], "tags": [], "due": "2024-01-01",
      "size": "huge"}, "size: huge is not one of: small, large"),
])
def test_an_invalid_answer_in_a_file_is_named_before_anything_is_stored(
    hitl, write, kinds: Path, answers: dict[str, Any], message: str,
) -> None:
    result = hitl("new", "kinds", "--answers", write(answers))
    fails(result, message)
    assert result.out == ""
    assert hitl("list", "--json").json == []  # no run was made
    run_id = new_run(hitl, write, flow="kinds")
    fails(hitl("answer", run_id, "--answers", write(answers)), message)
    assert hitl("show", run_id, "--json").json["answers"] == []  # not even the valid ones


# -- every shipped questionnaire, to the end ------------------------------------------------

PATTERN_SAMPLES = ("2.4.1", "1.0", "ABC-123", "abc", "x1")


def sample(kind: str, *, choices: list[Any] | None = None, min_length: int | None = None,
           max_length: int | None = None, pattern: str | None = None, low: Any = None,
           high: Any = None, pick: int = 0) -> Any:
    """A valid answer, as JSON, for a field with these rules."""
    import re

    if kind == "choice":
        return choices[pick % len(choices)]
    if kind == "multi_choice":
        count = max(min_length or 1, min(2, max_length or 2))
        return (choices[pick:] + choices[:pick])[:count]
    if kind == "list":
        return [f"item {i + 1}" for i in range(max(min_length or 0, 2))][: max_length or 2]
    if kind == "integer":
        return low if low is not None else (high if high is not None and high < 3 else 3)
    if kind == "number":
        return low if low is not None else (high if high is not None and high < 2.5 else 2.5)
    if kind == "yes_no":
        return pick % 2 == 0
    if kind == "date":
        return low or high or "2024-05-01"
    if pattern is not None:
        matching = [s for s in PATTERN_SAMPLES if re.fullmatch(pattern, s)]
        assert matching, f"add a sample that matches {pattern!r} to PATTERN_SAMPLES"
        return matching[0]
    text = "An answer given through the command line"
    text = text.ljust(min_length or 0, ".")
    return text[:max_length] if max_length else text


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


@pytest.mark.parametrize("flow", SHIPPED)
def test_each_shipped_questionnaire_is_answered_to_the_end_from_a_file(hitl, write,
                                                                       flow: str) -> None:
    schema = hitl("schema", flow)
    assert schema.code == 0
    properties = schema.json["properties"]
    answers = {}
    for name, prop in properties.items():
        rules = prop["x-hitl"]
        answers[name] = sample(
            rules["kind"], choices=rules.get("choices"), min_length=rules.get("min_length"),
            max_length=rules.get("max_length"), pattern=rules.get("pattern"),
            low=rules.get("ge"), high=rules.get("le"),
        )
    result = hitl("new", flow, "--answers", write(answers))
    assert result.code == 0, result
    run_id = result.lines[0]
    assert result.lines[1].startswith("Completed: ")
    data = hitl("export", run_id, "--format", "json").json
    assert data["status"] == "completed"
    asked = {a["id"]: a["value"] for a in data["answers"]}
    assert asked == {name: answers[name] for name in asked}
    assert data["result"] == asked
    markdown = hitl("export", run_id, "--format", "md").out
    assert markdown.startswith(f"# {data['title']}\n\n- Status: completed\n")
    for answer in data["answers"]:
        assert f"\n## {answer['question']}" in markdown.replace("\\", "")


@pytest.mark.parametrize("flow", SHIPPED)
def test_each_shipped_questionnaire_is_answered_to_the_end_with_set(hitl, write,
                                                                    flow: str) -> None:
    data = hitl("new", flow, "--answers", write({}), "--json").json
    run_id, given = data["run_id"], {}
    for _ in range(100):
        question = data["question"]
        if question is None:
            break
        assert data["status"] == "waiting"
        assert question["number"] == len(given) + 1
        args = []
        for field in question["fields"]:
            value = sample(
                field["kind"], choices=field["choices"], min_length=field["min_length"],
                max_length=field["max_length"], pattern=field["pattern"], low=field["min"],
                high=field["max"], pick=1,
            )
            given[field["id"]] = value
            args += ["--set", f"{field['id']}={as_text(value)}"]
        result = hitl("answer", run_id, *args, "--json")
        assert result.code == 0, (question, result)
        data = result.json
    assert data["status"] == "completed"
    assert data["result"] == given
    assert hitl("show", run_id, "--json").json["status"] == "completed"


# -- export ----------------------------------------------------------------------------------


def test_export_markdown_and_json_to_standard_output(hitl, write) -> None:
    result = hitl("--user", "Ann", "new", "gather", "--answers", write(GATHER_ANSWERS))
    run_id = result.lines[0]
    markdown = hitl("export", run_id[:8], "--format", "md")
    assert markdown.code == 0
    lines = markdown.lines
    assert lines[:3] == ["# Gather a plan", "", "- Status: completed"]
    assert lines[3].startswith("- Started: ") and lines[4].startswith("- Last change: ")
    by = [line for line in lines if line.startswith("*Ann, ")]  # who and when, each answer
    assert len(by) == 4
    assert [line for line in lines[5:] if line not in by] == [
        f"- Run: {run_id}", "",
        "## What is your main objective?", "", "", "Ship v2", "",
        "## What resources do you have available?", "", "", "Two people\\", "and a laptop", "",
        "## What approach will you take?", "", "", "Small steps", "",
        "## Any additional notes?", "", "", "*(no answer)*",
    ]
    data = hitl("export", run_id, "--format", "json").json
    assert {k: data[k] for k in ("flow", "run_id", "session", "status", "result")} == {
        "flow": "gather", "run_id": run_id, "session": run_id, "status": "completed",
        "result": GATHER_ANSWERS,
    }
    assert {a.pop("author") for a in data["answers"]} == {"Ann"}
    assert all(a.pop("answered_at").startswith("20") for a in data["answers"])
    assert data["answers"] == [
        {"id": "objective", "question": "What is your main objective?", "value": "Ship v2"},
        {"id": "resources", "question": "What resources do you have available?",
         "value": "Two people\nand a laptop"},
        {"id": "approach", "question": "What approach will you take?", "value": "Small steps"},
        {"id": "notes", "question": "Any additional notes?", "value": ""},
    ]


def test_export_to_a_file_prints_its_path(hitl, write, tmp_path: Path) -> None:
    run_id = new_run(hitl, write, GATHER_ANSWERS)
    target = tmp_path / "brief.md"
    result = hitl("export", run_id, "--format", "md", "-o", str(target))
    assert (result.code, result.out) == (0, f"{target}\n")
    assert target.read_text(encoding="utf-8") == hitl("export", run_id).out
    # Without --format, a .json file gets JSON.
    target = tmp_path / "brief.json"
    assert hitl("export", run_id, "-o", str(target)).code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["run_id"] == run_id
    fails(hitl("export", run_id, "-o", str(tmp_path / "missing" / "x.md")),
          "No such file or directory")


# -- delete and prune ------------------------------------------------------------------------


def _branch(db: Path, run_id: str, objective: str) -> str:
    """Change a run's first answer: a new run in the same session."""
    with SqliteStore(db) as store:
        ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store)
        answer = ckptr.filter_checkpoints(run_id=run_id, last_completed_step="human")[0]
        answer.output_event = answer.output_event.model_copy(update={"objective": objective})
        handler = ckptr.run_from(answer)
        asyncio.run(_wait(handler))
        return handler.run_id


async def _wait(handler: Any) -> Any:
    return await handler


def test_delete_removes_a_run_and_the_runs_branched_from_it(hitl, write, db: Path) -> None:
    root = new_run(hitl, write, {"objective": "Ship v2", "resources": "Time"})
    branch = _branch(db, root, "Ship v3")
    assert hitl("list", "--json").json[0]["branches"] == 2
    exported = hitl("export", branch, "--format", "json").json
    assert [a["value"] for a in exported["answers"]] == ["Ship v3"]

    other = new_run(hitl, write)
    result = hitl("delete", root)
    assert result.code == 0
    assert result.lines == [f"deleted run {root}", f"deleted run {branch} (branched from it)"]
    fails(hitl("show", branch), f"no run {branch}")
    assert [s["run_id"] for s in hitl("list", "--json").json] == [other]


def test_delete_a_branch_keeps_the_run_it_came_from(hitl, write, db: Path) -> None:
    root = new_run(hitl, write, {"objective": "Ship v2"})
    branch = _branch(db, root, "Ship v3")
    assert hitl("delete", branch).lines == [f"deleted run {branch}"]
    assert hitl("show", root).code == 0


def _old_session(db: Path, days: float, answers: dict[str, Any]) -> str:
    import time

    then = time.time() - days * 86400
    with SqliteStore(db) as store:
        ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store, clock=lambda: then)
        handler = ckptr.run()
        asyncio.run(_wait(handler))
        for name, value in answers.items():
            asyncio.run(_wait(ckptr.answer(handler.run_id, **{name: value})))
        return handler.run_id


def test_prune_deletes_completed_sessions_older_than_days(hitl, write, db: Path) -> None:
    old_done = _old_session(db, 40, GATHER_ANSWERS)
    old_waiting = _old_session(db, 40, {"objective": "Still going"})
    recent_done = _old_session(db, 5, GATHER_ANSWERS)

    dry = hitl("prune", "--older-than", "30", "--dry-run")
    assert dry.code == 0
    assert dry.lines[0].startswith(f"would delete session {old_done} (gather, completed ")
    assert len(dry.lines) == 1
    assert len(hitl("list", "--json").json) == 3

    result = hitl("prune", "--older-than", "30")
    assert result.code == 0
    assert result.lines[0].startswith(f"deleted session {old_done} (gather, completed ")
    kept = {s["run_id"] for s in hitl("list", "--json").json}
    assert kept == {old_waiting, recent_done}
    assert hitl("prune", "--older-than", "30").lines == [
        "nothing to prune: no completed session is older than 30 days",
    ]
    fails(hitl("prune", "--older-than", "-1"), "--older-than takes a number of days", code=2)


# -- schema ----------------------------------------------------------------------------------


def test_schema_prints_the_json_schema_of_a_flows_answers(hitl) -> None:
    result = hitl("schema", "gather")
    assert result.code == 0
    schema = result.json
    assert schema["type"] == "object"
    assert list(schema["properties"]) == ["objective", "resources", "approach", "notes"]
    fails(hitl("schema", "nope"), "unknown flow 'nope'; known flows: gather, joke")


# -- every error: one line on stderr, a non-zero exit ---------------------------------------


def test_unknown_run(hitl, write) -> None:
    for command in (["show"], ["export"], ["delete"], ["answer", "--set", "a=b"], ["resume"]):
        fails(hitl(command[0], "0000dead", *command[1:]), "no run 0000dead in ")


def test_ambiguous_run_prefix_lists_the_candidates(hitl, db: Path) -> None:
    # A run's id is drawn first, then its first checkpoint's.
    ids = iter(["abcd1111-0000-7000-8000-000000000000", "checkpoint-1",
                "abcd2222-0000-7000-8000-000000000000", "checkpoint-2"])
    with SqliteStore(db) as store:
        ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store, new_id=lambda: next(ids))
        for _ in range(2):
            asyncio.run(_wait(ckptr.run()))
    result = hitl("show", "abcd")
    fails(result, "run id abcd is ambiguous: it could be abcd1111, abcd2222")
    assert hitl("show", "abcd2").code == 0


def test_unknown_flow(hitl, write) -> None:
    fails(hitl("new", "nope", "--answers", write({})), "unknown flow 'nope'; known flows: gather")
    fails(hitl("new", "nope"), "unknown flow 'nope'")  # before any UI opens


def test_a_run_of_a_flow_no_longer_installed(hitl, write, kinds: Path, tmp_path: Path) -> None:
    run_id = new_run(hitl, write, flow="kinds")
    empty = tmp_path / "empty"
    empty.mkdir()
    fails(hitl("--flows-dir", str(empty), "show", run_id),
          f"run {run_id} is of flow 'kinds', which is not installed")
    fails(hitl("--flows-dir", str(empty), "answer", run_id, "--set", "count=1"), "not installed")
    listed = hitl("--flows-dir", str(empty), "list", "--json").json
    assert listed[0]["status"] == "unknown flow"
    assert listed[0]["progress"] == ""  # its questions are not known here
    assert "question 0 of 0" not in hitl("--flows-dir", str(empty), "list").out
    assert hitl("--flows-dir", str(empty), "delete", run_id).code == 0  # still deletable


def test_invalid_answer_names_the_field_and_why(hitl, write) -> None:
    run_id = new_run(hitl, write)
    fails(hitl("answer", run_id, "--set", "objective="), "objective: an answer is required")
    fails(hitl("answer", run_id, "--set", "objective=" + "x" * 2001),
          "objective: at most 2000 characters, got 2001")
    fields = ("not an answer field of flow gather"
              " (its fields: objective, resources, approach, notes)")
    fails(hitl("answer", run_id, "--set", "bogus=1"), f"bogus: {fields}")
    fails(hitl("answer", run_id, "--set", "at=1"), f"at: {fields}")
    fails(hitl("answer", run_id, "--set", "message=hi"),
          "message: the prompt is set by the step, not by an answer")
    fails(hitl("answer", run_id, "--set", "objective=a\x00b"),
          "objective: holds a control character")
    fails(hitl("answer", run_id, "--set", "objective"), "expected FIELD=VALUE", code=1)
    assert hitl("show", run_id, "--json").json["answers"] == []


def test_answer_needs_answers_and_a_question(hitl, write) -> None:
    run_id = new_run(hitl, write)
    fails(hitl("answer", run_id), "nothing to answer with: give --set FIELD=VALUE or --answers",
          code=2)
    assert hitl("answer", run_id, "--set", "a=b", "--answers", "x.json").code == 2
    empty = write({}, "empty.json")
    fails(hitl("answer", run_id, "--answers", empty),
          f"{empty} holds no answers: the question the run waits on wants objective")
    notes = write({"notes": "x"}, "notes.json")
    fails(hitl("answer", run_id, "--answers", notes),
          f'{notes}: not stored notes: the run now waits on question 1 of 4, "What is your '
          'main objective?" (objective), and no answer to it was given')
    done = new_run(hitl, write, GATHER_ANSWERS)
    fails(hitl("answer", done, "--set", "notes=x"),
          f"run {done} is completed: there is no question to answer")


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not valid JSON (Expecting property name"),
    ("", "not valid JSON (Expecting value"),
    ('["Ship v2"]', "expected a JSON object of field names and answers"),
    ('"Ship v2"', "expected a JSON object of field names and answers, e.g. "
                  '{"objective": "Ship v2"}, not a string'),
])
def test_malformed_answers_file(hitl, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = hitl("new", "gather", "--answers", str(path))
    fails(result, f"{path}: {message}")
    assert result.out == ""
    assert hitl("list", "--json").json == []  # a bad file starts no run


def test_missing_answers_file(hitl, tmp_path: Path) -> None:
    fails(hitl("new", "gather", "--answers", str(tmp_path / "none.json")),
          f"{tmp_path / 'none.json'}: No such file or directory")


def test_a_store_file_that_is_not_ours(hitl, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("just some notes, not a database\n" * 100)
    fails(hitl("--db", str(text), "list"), f"{text}: not a hitl store")
    assert text.read_text().startswith("just some notes")  # left as it was

    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (x)")
    fails(hitl("--db", str(other), "list"), f"{other}: not a hitl store")


def test_a_store_another_version_wrote(hitl, tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("PRAGMA user_version=99")
        conn.execute("CREATE TABLE runs (x)")
    fails(hitl("--db", str(newer), "list"), f"{newer}: written by a newer version of hitl")


def test_an_interrupted_run_is_resumed_before_it_is_answered(hitl, write, db: Path) -> None:
    run_id = new_run(hitl, write)
    with SqliteStore(db) as store:
        ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store)
        ckptr.answer(run_id, objective="Ship v2")  # saved; the next step never runs
        # The process that drove it is gone.
        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
        owner = f"{socket.gethostname()}:{gone.stdout.strip()}"
        store.set_status(run_id, RUNNING, error=None, owner=owner, at=0)
    with SqliteStore(db) as store:
        info = WorkflowCheckpointer(workflow=GatherFlow(), store=store).get_run(run_id)
    assert info.status == RUNNING and info.interrupted
    assert hitl("list", "--json").json[0]["status"] == "interrupted"
    result = hitl("answer", run_id, "--set", "resources=Time")
    assert result.code == 0, result
    assert result.lines[1].startswith("Question 3 of 4:")


# -- the terminal UI ---------------------------------------------------------------------------


class FakeApp:
    return_code = 0

    def __init__(self, calls: list[dict[str, Any]], **kwargs: Any) -> None:
        self.kwargs = kwargs
        calls.append(kwargs)

    def run(self) -> None:
        self.kwargs["ran"] = True


@pytest.fixture
def ui(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A stand-in tui.app whose make_app records how it was called."""
    calls: list[dict[str, Any]] = []
    module = types.ModuleType("tui.app")

    def make_app(store, *, flows_dir=None, open_flow=None, open_run=None, author=None):
        return FakeApp(calls, store=store, flows_dir=flows_dir, open_flow=open_flow,
                       open_run=open_run)

    module.make_app = make_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tui.app", module)
    monkeypatch.setattr(launch, "has_terminal", lambda: True)
    return calls


def test_hitl_alone_opens_the_ui_on_the_store(hitl, ui, db: Path, tmp_path: Path) -> None:
    assert hitl("--flows-dir", str(tmp_path)).code == 0
    (call,) = ui
    assert isinstance(call["store"], SqliteStore) and call["store"].path == db
    assert (call["flows_dir"], call["open_flow"], call["open_run"], call["ran"]) == (
        tmp_path, None, None, True,
    )


def test_new_without_answers_opens_the_ui_on_the_flow(hitl, ui) -> None:
    assert hitl("new", "postmortem").code == 0
    assert (ui[0]["open_flow"], ui[0]["open_run"]) == ("postmortem", None)


def test_resume_opens_the_ui_at_a_run(hitl, ui, write) -> None:
    fails(hitl("resume"), "nothing to resume: no run is waiting")
    first = new_run(hitl, write)
    new_run(hitl, write, GATHER_ANSWERS)
    assert hitl("resume").code == 0  # the latest waiting run
    # The short id `hitl list` shows names the run.
    short = [line.split()[0] for line in hitl("list").lines[1:] if " waiting " in line]
    assert first.startswith(short[0]) and len(short[0]) < len(first)
    assert hitl("resume", short[0]).code == 0
    assert [c["open_run"] for c in ui] == [first, first]


def test_resume_with_answers_answers_headless(hitl, ui, write) -> None:
    run_id = new_run(hitl, write)
    result = hitl("resume", run_id, "--answers", write(GATHER_ANSWERS))
    assert result.code == 0 and result.lines[1] == "Completed: 4 questions answered."
    assert ui == []


def test_without_a_terminal_the_questions_are_asked_line_by_line(
    hitl, ui, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launch, "has_terminal", lambda: False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    result = hitl()
    assert (result.code, result.lines[-1]) == (0, "Nothing opened.")
    assert "so the questions are asked line by line, as hitl --plain does" in result.err
    assert ui == []


def test_without_the_ui_module_the_command_says_so(hitl, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tui.app", None)
    result = hitl()
    assert (result.code, result.err) == (
        2, "hitl: error: the terminal UI is not available in this build\n",
    )


# -- real processes ----------------------------------------------------------------------------


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "HITL_DB": str(db)}


def test_errors_in_a_real_process_exit_1_without_a_traceback(db: Path, tmp_path: Path) -> None:
    for args in (["show", "0000dead"], ["new", "nope", "--answers", "x.json"]):
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True,
            env=_env(db), cwd=tmp_path, timeout=60,
        )
        assert done.returncode == 1, done
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("hitl: error: ")
        assert "Traceback" not in done.stderr
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 200)
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(notes), "list"],
        capture_output=True, text=True, env=_env(db), timeout=60,
    )
    assert (done.returncode, done.stderr) == (1, f"hitl: error: {notes}: not a hitl store "
                                                 "(file is not a database)\n")


def test_the_console_script_runs(db: Path) -> None:
    script = Path(sys.executable).with_name("hitl")
    assert script.exists(), "the package is installed with its `hitl` console script"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                          env=_env(db), timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("usage: hitl ")
    done = subprocess.run([str(script), "show", "nope"], capture_output=True, text=True,
                          env=_env(db), timeout=60)
    assert done.returncode == 1 and done.stderr == f"hitl: error: no run nope in {db} " \
                                                   "(hitl list shows the runs)\n"


def test_headless_commands_never_import_textual(db: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(GATHER_ANSWERS))
    code = f"""
import sys
from tui.cli.main import main
from tui.sessions.workspace import Workspace
for args in (["flows"], ["new", "gather", "--answers", {str(answers)!r}], ["list"],
             ["list", "--json"], ["schema", "gather"]):
    assert main(args) == 0, args
leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
assert not leaked, leaked
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=_env(db), timeout=60)
    assert done.returncode == 0, done.stderr



class BoomQuestion(InputRequiredEvent):
    word: str = answer_field(label="Word")


class BoomFlow(Workflow):
    """Asks one question, then its next step fails."""

    name = "boom"

    @step
    async def ask(self, ev: StartEvent) -> BoomQuestion:
        return BoomQuestion(word="", message="Say a word")

    @step
    async def explode(self, ev: BoomQuestion) -> StopEvent:
        raise RuntimeError(f"cannot take {ev.word!r}")


def test_a_step_that_fails_is_one_line_and_the_run_is_kept_failed(
    hitl, write, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = Workspace.workflow
    monkeypatch.setattr(
        Workspace, "workflow", lambda ws, name: BoomFlow() if name == "boom" else real(ws, name),
    )
    result = hitl("new", "boom", "--answers", write({"word": "hi"}))
    run_id = result.lines[0]
    fails(result, f"run {run_id} failed in a step: RuntimeError: cannot take 'hi'")
    shown = hitl("show", run_id, "--json").json
    assert shown["status"] == "failed"
    assert shown["error"] == "RuntimeError: cannot take 'hi'"
    fails(hitl("answer", run_id, "--set", "word=again"),
          f"run {run_id} failed in a step (RuntimeError: cannot take 'hi'); "
          "there is no question to answer")


class ServiceQuestion(InputRequiredEvent):
    word: str = answer_field(label="Word")


class ServiceReply(InputRequiredEvent):
    verdict: str = answer_field(label="Verdict")


class ServiceFlow(Workflow):
    """Asks a word, hands it to a service that is down while $SERVICE_DOWN is set
    (as the joke flow's model may be), then asks what to make of the reply."""

    name = "service"

    @step
    async def ask(self, ev: StartEvent) -> ServiceQuestion:
        return ServiceQuestion(word="", message="Say a word")

    @step
    async def call(self, ev: ServiceQuestion) -> ServiceReply:
        if os.environ.get("SERVICE_DOWN"):
            raise RuntimeError("the service is down")
        return ServiceReply(verdict="", message=f"The service says {ev.word.upper()}: fine?")

    @step
    async def done(self, ev: ServiceReply) -> StopEvent:
        return StopEvent(result={"verdict": ev.verdict})


@pytest.fixture
def failed_run(hitl, write, monkeypatch: pytest.MonkeyPatch):
    """Start a run of the service flow whose step fails (the service is down), and
    bring the service back up; the run's id."""
    flow, real, installed = ServiceFlow(), Workspace.workflow, Workspace.workflows
    monkeypatch.setattr(
        Workspace, "workflow", lambda ws, name: flow if name == "service" else real(ws, name),
    )
    monkeypatch.setattr(
        Workspace, "workflows", property(lambda ws: {**installed.fget(ws), "service": flow}),
    )

    def start() -> str:
        monkeypatch.setenv("SERVICE_DOWN", "1")
        result = hitl("new", "service", "--answers", write({"word": "hi"}))
        fails(result, "failed in a step: RuntimeError: the service is down")
        monkeypatch.delenv("SERVICE_DOWN")
        return result.lines[0]

    return start


def test_resume_without_a_run_goes_on_with_a_failed_run_changed_last(
    hitl, ui, write, failed_run
) -> None:
    new_run(hitl, write)  # waiting, changed before the run that fails
    run_id = failed_run()
    assert [s["status"] for s in hitl("list", "--json").json] == ["failed", "waiting"]
    assert hitl("resume").code == 0
    assert [c["open_run"] for c in ui] == [run_id]


def test_plain_alone_offers_the_runs_resume_goes_on_with_a_failed_one_too(
    hitl, ui, write, failed_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    waiting = new_run(hitl, write)  # changed before the run that fails
    failed = failed_run()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    offered = hitl("--plain").lines
    assert offered[0] == "Sessions to go on with:"
    assert offered[1].startswith('  1) service · "hi" · failed · question 2 of 2 · just now · run ')
    assert offered[2].startswith("  2) gather · question 1 of 4 · just now · run ")
    assert failed.startswith(offered[1].rsplit(" ", 1)[1])
    assert waiting.startswith(offered[2].rsplit(" ", 1)[1])
    assert offered[3] == "Start a new session:"
    assert hitl("resume").code == 0  # opens the first offered
    assert [c["open_run"] for c in ui] == [failed]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))  # an empty line picks the first
    result = hitl("--plain")
    assert "Running it again; your answers are kept." in result.lines
    assert "The service says HI: fine?" in result.out
    assert hitl("show", failed, "--json").json["status"] == "waiting"


def test_resume_runs_a_failed_step_again_line_by_line_and_with_answers(
    hitl, ui, write, failed_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = failed_run()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    result = hitl("--plain", "resume")
    assert result.code == 0, result
    assert "The service says HI: fine?" in result.out
    assert hitl("show", run_id, "--json").json["status"] == "waiting"

    run_id = failed_run()
    result = hitl("resume", "--answers", write({"verdict": "yes"}))
    assert result.code == 0, result
    assert result.lines[:2] == [run_id, "Completed: 2 questions answered."]
    assert ui == []


def test_resume_with_answers_reports_a_failed_run_that_then_goes_on_to_its_end(
    hitl, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    result = hitl("new", "joke", "--answers", write({"topic": "cats"}))
    run_id = result.lines[0]
    fails(result, "cannot reach the language model server at http://127.0.0.1:9/v1")
    fails(hitl("answer", run_id, "--set", "topic=dogs"),
          f"there is no question to answer (hitl resume {run_id} runs the step again)")
    monkeypatch.delenv("OPENAI_BASE_URL")  # the offline stand-in answers now
    result = hitl("resume", "--answers", write({}))
    assert result.code == 0, result
    assert result.lines[:2] == [run_id, "Completed: 1 question answered."]
    assert hitl("show", run_id, "--json").json["status"] == "completed"
