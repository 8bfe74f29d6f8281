"""Who changed what, from the terminal: two people answer and change answers of
one session on one store; `hitl log` and `hitl diff` show exactly that, and
`hitl change` changes an earlier answer on a new branch."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from hitl import SqliteStore
from tests import pg
from tests.tui.test_cli import Out, fails, new_run
from tui.cli.main import main

_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The one store everybody answers on: a SQLite file, or a team's PostgreSQL
    database (its URL holds a password, which no output may show)."""
    if request.param == "sqlite":
        spec = str(tmp_path / "store.db")
        SqliteStore(spec).close()
    else:
        server = request.getfixturevalue("pg_server")
        name = f"audit_{next(_databases)}"
        server.create_database(name)
        spec = server.dsn(name)
    monkeypatch.setenv("HITL_DB", spec)
    return spec


@pytest.fixture
def hitl(capsys: pytest.CaptureFixture[str], db: str):
    """The ``hitl`` command on ``db``, whose output never shows the store's password."""

    def run(*args: str) -> Out:
        code = main(list(args))
        captured = capsys.readouterr()
        assert pg.PASSWORD not in captured.out + captured.err
        return Out(code, captured.out, captured.err)

    return run

V1 = Path(__file__).parent.parent / "data" / "store-v1.db"


def test_two_people_answer_and_change_and_the_log_says_who(hitl, write) -> None:
    run = new_run(hitl, write)  # waiting on the objective
    assert hitl("--user", "Ann", "answer", run, "--set", "objective=Ship v2").code == 0
    assert hitl("--user", "Bob", "answer", run, "--set", "resources=Two people").code == 0
    changed = hitl("--user", "Cy [b]Ray[/b]", "change", run, "--set", "objective=Ship v3")
    assert changed.code == 0, changed
    assert changed.lines[0].startswith("changed on a new branch: run ")
    branch = changed.lines[0].split()[6]
    assert "Question 2 of 4: What resources" in changed.out  # goes on from the changed answer
    assert hitl("--user", "Bob", "answer", branch, "--set", "resources=Three").code == 0

    log = hitl("log", run, "--json").json
    assert [(e["author"], e["kind"], e["branch"], [(f["field"], f["old"], f["new"])
             for f in e["fields"]]) for e in log] == [
        ("Bob", "answer", 2, [("resources", None, "Three")]),
        ("Cy [b]Ray[/b]", "change", 2, [("objective", "Ship v2", "Ship v3")]),
        ("Bob", "answer", 1, [("resources", None, "Two people")]),
        ("Ann", "answer", 1, [("objective", None, "Ship v2")]),
    ]
    text = hitl("log", branch[:8]).out  # a prefix works, and any run of the session
    assert text.index("Cy [b]Ray[/b] changed") < text.index("Ann answered")  # newest first
    assert "objective: Ship v2 -> Ship v3" in text

    diff = hitl("diff", run[:8], branch[:8], "--json").json
    assert [(f["field"], f["a"], f["b"], f["changed"], f["b_author"]) for f in diff["fields"]] == [
        ("objective", "Ship v2", "Ship v3", True, "Cy [b]Ray[/b]"),
        ("resources", "Two people", "Three", True, "Bob"),
    ]
    shown = hitl("diff", run, branch).out
    assert "2 of 2 answers differ" in shown and "Ship v3" in shown


def test_change_names_what_it_cannot_change_and_stores_nothing(hitl, write) -> None:
    run = new_run(hitl, write, {"objective": "Ship v2"})
    fails(hitl("change", run, "--set", "approach=Later"),
          "no earlier answer of run")
    fails(hitl("change", run, "--set", "objective="), "objective")
    fails(hitl("change", run, "--set", "objective=Ship v2"),
          f"nothing changed: objective of run {run[:8]} is already as given (no branch made)")
    assert len(hitl("list", "--json").json) == 1
    assert hitl("list", "--json").json[0]["branches"] == 1


def test_diff_refuses_runs_of_two_sessions(hitl, write) -> None:
    a, b = new_run(hitl, write), new_run(hitl, write)
    fails(hitl("diff", a, b), "different sessions")


def test_a_user_name_is_one_line_of_text(hitl, write) -> None:
    fails(hitl("--user", "Ann\u202eevil", "list"), "a user name is one line")
    fails(hitl("--user", "  ", "list"), "a user name is empty")


def test_an_old_store_file_reads_with_authors_unknown(hitl, tmp_path, monkeypatch) -> None:
    old = tmp_path / "old.db"
    shutil.copy(V1, old)
    monkeypatch.setenv("HITL_DB", str(old))
    log = hitl("log", "ae335334", "--json").json
    assert log and all(e["author"] is None for e in log)
    assert "unknown answered" in hitl("log", "ae335334").out


def test_a_change_on_a_branch_is_made_on_that_branch(hitl, write) -> None:
    run = new_run(hitl, write, {"objective": "Ship v2", "resources": "Two people"})
    b = hitl("change", run, "--set", "resources=Three").lines[0].split()[6]
    changed = hitl("change", b, "--set", "objective=Ship v3")  # answer 1: from before b's fork
    assert changed.code == 0, changed
    c = changed.lines[0].split()[6]
    assert hitl("show", c, "--json").json["made_from"] == b
    assert f"Made on:  run {b}" in hitl("show", c).out
    assert hitl("show", b, "--json").json["made_from"] == run
    assert "Made on" not in hitl("show", b).out  # made on the run of its answer: said once
