"""The registry: flows by name from the built-ins, the shipped files and a user folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from flows.gather import GatherFlow
from flows.joke import JokeFlow
from flows.questionnaire import QuestionnaireFlow
from flows.registry import (
    BUILT_IN,
    SHIPPED_DIR,
    FlowEntry,
    Registry,
    UnknownFlow,
    available_flows,
    load_flow,
)
from hitl import WorkflowCheckpointer

TEAM = """
id = "standup"
title = "Daily stand-up"
description = "Yesterday, today, blockers."

[[questions]]
id = "yesterday"
prompt = "What did you do yesterday?"
type = "long_text"

[[questions]]
id = "blocked"
prompt = "Are you blocked?"
type = "yes_no"

[[questions]]
id = "blocker"
prompt = "By what?"
when = { question = "blocked", equals = true }
"""


def test_built_ins_then_shipped_files() -> None:
    registry = available_flows()
    assert isinstance(registry, Registry)
    assert list(registry)[:2] == ["gather", "joke"]
    assert {"postmortem", "kickoff", "bug-report"} <= set(registry)
    assert registry.problems == []
    gather = registry["gather"]
    assert gather == FlowEntry(
        "gather", GatherFlow.title, GatherFlow.description, BUILT_IN, GatherFlow
    )
    assert isinstance(registry.load("gather"), GatherFlow)
    assert isinstance(registry.load("joke"), JokeFlow)
    kickoff = registry["kickoff"]
    assert kickoff.source == str(SHIPPED_DIR / "kickoff.toml")
    assert kickoff.title == "Project kick-off"
    assert kickoff.description.startswith("Objective, scope")
    workflow = kickoff.factory()
    assert isinstance(workflow, QuestionnaireFlow)
    assert workflow.flow_name == "kickoff"


def test_every_flow_loads_and_validates() -> None:
    registry = available_flows()
    for name, entry in registry.items():
        workflow = entry.factory()
        assert workflow.flow_name == name
        assert workflow.spec.questions  # each one asks at least one question


async def test_a_user_folder_adds_flows(write_toml: Callable[..., Path], tmp_path: Path) -> None:
    user = tmp_path / "mine"
    write_toml(TEAM, name="standup.toml", folder=user)
    registry = available_flows(user)
    assert list(registry)[-1] == "standup"
    entry = registry["standup"]
    assert (entry.title, entry.description) == ("Daily stand-up", "Yesterday, today, blockers.")
    assert entry.source == str(user / "standup.toml")
    workflow = load_flow("standup", user_dir=user)
    ckptr = WorkflowCheckpointer(workflow=workflow)
    handler = ckptr.run()
    await handler
    await ckptr.answer(handler.run_id, yesterday="Reviews")
    assert await ckptr.answer(handler.run_id, blocked=False) == {
        "yesterday": "Reviews", "blocked": False,
    }


def test_a_broken_user_file_is_reported_not_fatal(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    user = tmp_path / "mine"
    write_toml(TEAM, name="standup.toml", folder=user)
    broken = write_toml(
        '[[questions]]\nid = "a"\nprompt = "P"\ntype = "colour"\n', name="broken.toml", folder=user
    )
    syntax = write_toml('id = "x\n', name="syntax.toml", folder=user)
    write_toml("not a questionnaire", name="notes.txt", folder=user)
    registry = available_flows(user)
    assert "standup" in registry
    assert "broken" not in registry
    assert [p.path for p in registry.problems] == [broken, syntax]
    assert registry.problems[0].message == (
        f"{broken}:4: question 'a': unknown type 'colour'; use one of text, long_text, "
        "choice, multi_choice, integer, number, yes_no, date, list"
    )
    assert registry.problems[1].message.startswith(f"{syntax}:1: not valid TOML")
    path, message = registry.problems[0]  # a (path, message) pair
    assert path == broken and message.startswith(str(broken))
    with pytest.raises(UnknownFlow) as caught:
        registry.load("broken")
    assert f"{broken} was left out: {broken}:4:" in str(caught.value)


def test_a_user_file_may_not_take_a_built_in_name(
    write_toml: Callable[..., Path], tmp_path: Path
) -> None:
    user = tmp_path / "mine"
    mine = write_toml(TEAM.replace('id = "standup"', 'id = "gather"'), name="g.toml", folder=user)
    again = write_toml(TEAM.replace('id = "standup"', 'id = "kickoff"'), name="k.toml", folder=user)
    twice = write_toml(TEAM, name="s1.toml", folder=user)
    write_toml(TEAM, name="s2.toml", folder=user)
    registry = available_flows(user)
    assert registry["gather"].source == BUILT_IN
    assert registry["kickoff"].source == str(SHIPPED_DIR / "kickoff.toml")
    assert registry["standup"].source == str(twice)
    messages = {p.path.name: p.message for p in registry.problems}
    assert messages == {
        "g.toml": f"{mine}: the flow name 'gather' is already taken by a built-in flow; "
                  "give this file another id",
        "k.toml": f"{again}: the flow name 'kickoff' is already taken by "
                  f"{SHIPPED_DIR / 'kickoff.toml'}; give this file another id",
        "s2.toml": f"{user / 's2.toml'}: the flow name 'standup' is already taken by "
                   f"{twice}; give this file another id",
    }


def test_a_missing_user_folder_holds_no_flows(tmp_path: Path) -> None:
    assert list(available_flows(tmp_path / "nowhere")) == list(available_flows())


def test_an_unknown_flow_names_the_known_ones() -> None:
    with pytest.raises(UnknownFlow) as caught:
        load_flow("nope")
    assert isinstance(caught.value, KeyError)
    message = str(caught.value)
    assert message.startswith("unknown flow 'nope'; known flows: gather, joke, ")
    assert "kickoff" in message


def test_an_edited_file_is_read_again(write_toml: Callable[..., Path], tmp_path: Path) -> None:
    user = tmp_path / "mine"
    path = write_toml(TEAM, name="standup.toml", folder=user)
    first = available_flows(user)["standup"]
    assert first.factory() is not first.factory()  # a fresh workflow each time
    assert type(first.factory()) is type(first.factory())  # compiled once
    write_toml(TEAM.replace("Daily stand-up", "Stand-up, edited"), name="standup.toml", folder=user)
    os.utime(path, ns=(1, 1))
    assert available_flows(user)["standup"].title == "Stand-up, edited"


def test_the_registry_reads_no_environment_and_imports_no_ui(tmp_path: Path) -> None:
    """flows never imports textual or tui, nor platformdirs: the app passes user_dir."""
    code = (
        "import sys, os\n"
        "os.environ['HITL_FLOWS'] = '/nonexistent'\n"
        "import flows.registry, flows.schema, flows.joke, flows.questionnaire\n"
        "r = flows.registry.available_flows()\n"
        "[e.factory() for e in r.values()]\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'tui', 'platformdirs')]\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"
