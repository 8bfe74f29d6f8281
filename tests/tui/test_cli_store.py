"""The store a `hitl` command opens: read-only commands create nothing, a missing
or odd store path is named, a read-only store is read and not called foreign."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
GATHER = {"objective": "Ship v2", "resources": "Time", "approach": "Steps", "notes": ""}
READ_ONLY = [["list"], ["list", "--json"], ["show", "0000"], ["log", "0000"],
             ["diff", "0000", "1111"], ["export", "0000"], ["delete", "0000"],
             ["prune", "--older-than", "1"]]


def hitl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HITL_DB", raising=False)
    monkeypatch.delenv("HITL_DEBUG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the default store's home


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_read_only_command_on_a_missing_store_names_it_and_creates_nothing(
    capsys, tmp_path, args,
) -> None:
    typo = tmp_path / "nope" / "stroe.db"
    code, out, err = hitl(capsys, "--db", str(typo), *args)
    assert (code, out) == (1, "")
    assert err == (f"hitl: error: {typo}: no such store (check --db or HITL_DB; a command "
                   "that writes, such as hitl new FLOW, creates it)\n")
    assert not typo.parent.exists()


def test_hitl_db_naming_a_missing_store_is_the_same_error(capsys, tmp_path, monkeypatch):
    typo = tmp_path / "stroe.db"
    monkeypatch.setenv("HITL_DB", str(typo))
    code, _, err = hitl(capsys, "list")
    assert code == 1 and f"{typo}: no such store" in err
    assert not typo.exists()


def test_the_default_store_not_made_yet_reads_as_empty_and_is_not_made(capsys, tmp_path):
    code, out, err = hitl(capsys, "list")
    default = tmp_path / "data" / "hitl" / "hitl.db"
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == f"No sessions yet in {default}."
    assert not (tmp_path / "data").exists()


def test_a_writing_command_creates_the_store_and_its_folder(capsys, tmp_path):
    path = tmp_path / "new" / "folder" / "s.db"
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(GATHER))
    code, out, _ = hitl(capsys, "--db", str(path), "new", "gather", "--answers", str(answers))
    assert code == 0 and path.is_file()
    code, out, _ = hitl(capsys, "--db", str(path), "list", "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_db_naming_a_folder_says_it_is_a_folder(capsys, tmp_path):
    for args in (["list"], ["answer", "0000", "--set", "objective=x"]):
        code, _, err = hitl(capsys, "--db", str(tmp_path), *args)
        assert (code, err) == (1, f"hitl: error: {tmp_path}: is a folder, not a store file\n")


def test_db_under_a_file_says_the_file_is_in_the_way(capsys, tmp_path):
    (tmp_path / "notes").write_text("not a folder")
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(GATHER))
    for store in (tmp_path / "notes" / "s.db", tmp_path / "notes" / "sub" / "s.db"):
        code, out, err = hitl(capsys, "--db", str(store), "new", "gather", "--answers",
                              str(answers))
        assert (code, out) == (1, "")
        assert err == (f"hitl: error: {store}: cannot make the store's folder: "
                       f"{tmp_path / 'notes'} is a file\n")
    assert (tmp_path / "notes").read_text() == "not a folder"


def test_list_counts_one_answer_in_the_singular(capsys, tmp_path):
    db = tmp_path / "s.db"
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"answer": "Hello"}))
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "one.toml").write_text('id = "one"\n[[questions]]\nid = "answer"\nprompt = "Hi?"\n')
    assert hitl(capsys, "--db", str(db), "--flows-dir", str(flows), "new", "one",
                "--answers", str(one))[0] == 0
    code, out, _ = hitl(capsys, "--db", str(db), "--flows-dir", str(flows), "list")
    assert code == 0
    assert "completed  1 answer " in out and "1 answers" not in out


def test_a_store_with_a_damaged_page_is_named_with_what_to_do(capsys, tmp_path):
    from tests.tui.helpers import damage_page

    db = tmp_path / "hitl.db"
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(GATHER), encoding="utf-8")
    for _ in range(3):
        assert hitl(capsys, "--db", str(db), "new", "gather", "--answers", str(answers))[0] == 0
    damage_page(db, "sessions")
    for args in (["list"], ["list", "--json"]):
        code, out, err = hitl(capsys, "--db", str(db), *args)
        assert (code, out) == (1, ""), args  # not half a list
        assert err == (f"hitl: error: {db}: the store is damaged (database disk image is "
                       "malformed); restore it from a backup or move it aside\n"), args


# -- faults: a store that cannot be written, a lock held too long ------------------------


def _waiting_run(capsys, db: Path, tmp_path: Path) -> str:
    """A run of gather waiting at its second question, in a store closed cleanly."""
    answers = tmp_path / "first.json"
    answers.write_text(json.dumps({"objective": "Ship v2"}), encoding="utf-8")
    code, out, _ = hitl(capsys, "--db", str(db), "new", "gather", "--answers", str(answers))
    assert code == 0
    return out.splitlines()[0]


def _writes_refused(capsys, db: Path, tmp_path: Path, run_id: str, message: str) -> None:
    answers = tmp_path / "all.json"
    answers.write_text(json.dumps(GATHER), encoding="utf-8")
    for args in (["answer", run_id, "--set", "resources=Time"],
                 ["new", "gather", "--answers", str(answers)],
                 ["delete", run_id]):
        code, _, err = hitl(capsys, "--db", str(db), *args)
        assert (code, err) == (1, f"hitl: error: {db}: {message}\n"), args


def test_a_read_only_store_file_is_read_and_a_write_says_nothing_was_written(capsys, tmp_path):
    from tests.tui.helpers import read_only

    db = tmp_path / "hitl.db"
    run_id = _waiting_run(capsys, db, tmp_path)
    with read_only(db):
        code, out, err = hitl(capsys, "--db", str(db), "show", run_id)
        assert (code, err) == (0, "") and "objective: Ship v2" in out
        _writes_refused(capsys, db, tmp_path, run_id,
                        "the store is read-only here (attempt to write a readonly database); "
                        "nothing was written")
    code, out, _ = hitl(capsys, "--db", str(db), "list", "--json")
    assert [s["answered"] for s in json.loads(out)] == [1]  # nothing was written indeed


def test_a_store_in_a_read_only_folder_is_read_and_a_write_names_the_folder(capsys, tmp_path):
    from tests.tui.helpers import read_only

    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "hitl.db"
    run_id = _waiting_run(capsys, db, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["hitl.db"]  # no log left beside it
    with read_only(folder):
        for args in (["list"], ["show", run_id], ["log", run_id], ["export", run_id]):
            code, out, err = hitl(capsys, "--db", str(db), *args)
            assert (code, err) == (0, ""), args
            assert "Ship v2" in out, args
        _writes_refused(capsys, db, tmp_path, run_id,
                        "the store's folder is read-only here, so the store can be read but "
                        "not changed; nothing was written (SQLite writes beside the store: "
                        "use it where its folder can be written)")
        assert sorted(p.name for p in folder.iterdir()) == ["hitl.db"]
    code, out, _ = hitl(capsys, "--db", str(db), "list", "--json")
    assert [s["answered"] for s in json.loads(out)] == [1]


def test_a_write_lock_held_past_the_busy_timeout_says_the_store_is_busy(
    capsys, tmp_path, monkeypatch,
):
    import functools
    import sqlite3

    from hitl import SqliteStore

    db = tmp_path / "hitl.db"
    run_id = _waiting_run(capsys, db, tmp_path)
    monkeypatch.setattr("tui.sessions.workspace.SqliteStore",
                        functools.partial(SqliteStore, busy_timeout=0.2))
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing, and not letting go
    try:
        _writes_refused(capsys, db, tmp_path, run_id,
                        "the store is busy: another process held it for more than 0.2 s; "
                        "try again")
    finally:
        other.execute("ROLLBACK")
        other.close()
    code, out, _ = hitl(capsys, "--db", str(db), "show", run_id, "--json")
    assert code == 0
    assert json.loads(out)["status"] == "waiting"  # not failed in a step: nothing happened
