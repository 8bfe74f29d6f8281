"""Answering several questions at once from the command line (`hitl answer RUN
--answers FILE`, `--set ... --set ...`, `hitl new FLOW --answers FILE`): every
answer given is stored, or the command says which were not and why, and exits
non-zero; another writer moving the run in between is told, never skipped.

The other writer is real: the API on the same store (SQLite, or PostgreSQL),
between two of the command's own steps, or other `hitl` processes at once.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flows.gather import GatherFlow
from hitl import WorkflowCheckpointer
from hitl.store import open_store
from tests import pg
from tests.tui.test_cli import GATHER_ANSWERS, Out, fails, new_run
from tui.cli.main import main
from tui.sessions import answering
from tui.sessions.workspace import drive

ROOT = Path(__file__).resolve().parents[2]
_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "sqlite":
        spec = str(tmp_path / "store.db")
        open_store(spec).close()
    else:
        server = request.getfixturevalue("pg_server")
        name = f"answers_{next(_databases)}"
        server.create_database(name)
        spec = server.dsn(name)
    monkeypatch.setenv("HITL_DB", spec)
    monkeypatch.delenv("HITL_DEBUG", raising=False)
    return spec


@pytest.fixture
def hitl(capsys: pytest.CaptureFixture[str], db: str):
    def run(*args: str) -> Out:
        code = main(list(args))
        captured = capsys.readouterr()
        assert pg.PASSWORD not in captured.out + captured.err
        return Out(code, captured.out, captured.err)

    return run


def answers_of(hitl, run_id: str) -> dict[str, Any]:
    return {a["id"]: a["value"] for a in hitl("show", run_id, "--json").json["answers"]}


def other_writer(db: str, run_id: str, **answers: Any) -> None:
    """Someone else answers the question ``run_id`` waits on, through the API."""
    with open_store(db) as store:
        ckptr = WorkflowCheckpointer(workflow=GatherFlow(), store=store, author="bob")
        drive(ckptr.answer(run_id, **answers))


def test_set_goes_on_question_after_question_as_the_readme_says(hitl, write) -> None:
    run_id = new_run(hitl, write, {"objective": "Ship v2"})
    result = hitl("answer", run_id, "--set", "resources=Two people", "--set", "approach=Steps")
    assert (result.code, result.err) == (0, ""), result
    assert result.lines[1] == "Question 4 of 4: Any additional notes?"
    assert answers_of(hitl, run_id) == {
        "objective": "Ship v2", "resources": "Two people", "approach": "Steps",
    }


def test_a_writer_that_moves_the_run_between_two_answers_stops_the_command(
    hitl, write, db: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_id = new_run(hitl, write)
    real_drive, calls = answering.drive, []

    def then_bob_answers(handler):  # after our first answer, bob answers the next question
        result = real_drive(handler)
        calls.append(handler)
        if len(calls) == 1:
            other_writer(db, run_id, resources="Bob's budget")
        return result

    monkeypatch.setattr(answering, "drive", then_bob_answers)
    answers = write(GATHER_ANSWERS)
    result = hitl("answer", run_id, "--answers", answers)
    fails(result, f"{answers}: stored objective; not stored resources, approach, notes: "
                  'answered elsewhere; the run now waits on question 3 of 4, "What approach '
                  'will you take?" (approach)')
    assert answers_of(hitl, run_id) == {"objective": "Ship v2", "resources": "Bob's budget"}
    assert result.lines[1] == "Question 3 of 4: What approach will you take?"


def test_set_that_loses_a_race_says_answered_elsewhere(
    hitl, write, db: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    run_id = new_run(hitl, write)
    real = answering.lineage_answers

    def bob_first(ckptr, run):  # read after the question was, before the answer is stored
        found = real(ckptr, run)
        other_writer(db, run_id, objective="Bob's plan")
        return found

    monkeypatch.setattr(answering, "lineage_answers", bob_first)
    result = hitl("answer", run_id, "--set", "objective=Mine", "--json")
    fails(result, '--set: not stored objective: answered elsewhere; the run now waits on '
                  'question 2 of 4, "What resources do you have available?" (resources)')
    data = result.json
    assert (data["stored"], list(data["not_stored"])) == ([], ["objective"])
    assert answers_of(hitl, run_id) == {"objective": "Bob's plan"}


def test_new_with_answers_reports_what_another_writer_took(
    hitl, write, db: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_drive, calls = answering.drive, []

    def then_bob_answers(handler):
        result = real_drive(handler)
        calls.append(handler)
        if len(calls) == 2:
            other_writer(db, handler.run_id, approach="Bob's way")
        return result

    monkeypatch.setattr(answering, "drive", then_bob_answers)
    answers = write(GATHER_ANSWERS)
    result = hitl("new", "gather", "--answers", answers)
    fails(result, f"{answers}: stored objective, resources; not stored approach, notes: "
                  "answered elsewhere; the run now waits on question 4 of 4")
    assert answers_of(hitl, result.lines[0])["approach"] == "Bob's way"


def _hitl_process(db: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "HITL_DB": db}
    env.pop("HITL_DEBUG", None)
    return subprocess.Popen([sys.executable, "-m", "tui.cli", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_four_processes_answering_one_run_each_say_exactly_what_they_stored(
    hitl, write, db: str, tmp_path: Path,
) -> None:
    run_id = new_run(hitl, write)
    files = []
    for n in range(4):
        path = tmp_path / f"w{n}.json"
        path.write_text(json.dumps({k: f"{k} from {n}" for k in GATHER_ANSWERS}))
        files.append(path)
    procs = [_hitl_process(db, "answer", run_id, "--answers", str(f)) for f in files]
    results = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    stored = answers_of(hitl, run_id)
    assert set(stored) == set(GATHER_ANSWERS)
    for n, (code, _, err) in enumerate(results):
        mine = sorted(k for k, v in stored.items() if v.endswith(f"from {n}"))
        if code == 0:  # a writer told it succeeded stored every one of its answers
            assert mine == sorted(GATHER_ANSWERS), (n, err)
            continue
        assert code == 1 and "Traceback" not in err and "unexpected" not in err, err
        said = err.split(": stored ", 1)[1].split(";")[0].split(", ") if ": stored " in err else []
        assert sorted(said) == mine, (n, err, stored)
        if "there is no question to answer" in err:  # it came after the run completed
            assert not said and "is completed" in err, err
            continue
        # each answer not stored is named with why: another writer took its question
        # (and where the run is now: at a later question, completed, or moving on
        # from that writer's answer), or an earlier writer answered it differently
        assert "not stored" in err, err
        if "answered elsewhere" in err:
            assert any(where in err for where in (
                "the run now waits on", "the run is now completed",
                "the run is now moving on from an answer given elsewhere")), err
        else:
            assert "answered before, differently" in err and "hitl change" in err, err
