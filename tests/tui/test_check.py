"""`hitl check FILE.toml...`: every problem of a questionnaire file, for its author."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from flows.registry import SHIPPED_DIR
from tui.cli.main import main

BROKEN = textwrap.dedent("""\
    id = "bug"
    titel = "Bug report"

    [[questions]]
    id = "summary"
    prompt = "What happened?"
    max_lenght = 10

    [[questions]]
    id = "severity"
    prompt = "How bad?"
    type = "choise"

    [[questions]]
    id = "seen"
    prompt = "When was it seen?"
    type = "date"
    when = { question = "severity", equals = "high" }

    [[questions]]
    id = "repro"
    prompt = ""
""")

FINE = textwrap.dedent("""\
    id = "fine"

    [[questions]]
    id = "name"
    prompt = "Your name?"

    [[questions]]
    id = "team"
    prompt = "Your team?"
""")


def hitl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "broken.toml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "fine.toml").write_text(FINE, encoding="utf-8")
    return tmp_path


def test_a_file_saved_with_a_byte_order_mark_reads_as_without(files, capsys):
    path = files / "notepad.toml"  # as Windows Notepad saves UTF-8
    path.write_bytes(b"\xef\xbb\xbf" + FINE.encode("utf-8"))
    code, out, err = hitl(capsys, "check", str(path))
    assert (code, out, err) == (0, f"{path}: ok (flow fine, 2 questions)\n", "")


def test_every_problem_of_a_file_with_its_line_and_question(files, capsys):
    path = files / "broken.toml"
    code, out, err = hitl(capsys, "check", str(path))
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{path}:2: unknown key 'titel' at the top level; did you mean 'title'?",
        f"{path}:7: question 'summary': unknown key 'max_lenght' in a question; "
        "did you mean 'max_length'?",
        f"{path}:12: question 'severity': unknown type 'choise'; use one of text, long_text, "
        "choice, multi_choice, integer, number, yes_no, date, list",
        # 'seen' tests the broken question: not told again as its own problem
        f"{path}:22: question 'repro': needs a prompt = \"...\" (the question a person reads)",
        f"{path}: 4 problems",
    ]


def test_a_fine_file_is_one_ok_line_and_exit_0(files, capsys):
    code, out, err = hitl(capsys, "check", str(files / "fine.toml"))
    assert (code, out, err) == (0, f"{files / 'fine.toml'}: ok (flow fine, 2 questions)\n", "")


def test_several_files_and_a_folder_any_problem_fails_the_check(files, capsys):
    code, out, _ = hitl(capsys, "check", str(files / "fine.toml"), str(files))
    assert code == 1
    assert out.splitlines()[-1] == "3 files checked: 2 ok, 1 with problems"
    code, out, _ = hitl(capsys, "check", str(SHIPPED_DIR))
    assert code == 0 and out.splitlines()[-1] == "3 files checked: 3 ok, 0 with problems"


def test_json_for_editors_and_ci(files, capsys):
    code, out, _ = hitl(capsys, "check", "--json", str(files / "broken.toml"),
                        str(files / "fine.toml"))
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False
    broken, fine = data["files"]
    assert [(p["line"], p["question"]) for p in broken["problems"]] == [
        (2, None), (7, "summary"), (12, "severity"), (22, "repro")]
    assert broken["problems"][3]["reason"].startswith("needs a prompt")
    assert (broken["ok"], broken["flow"]) == (False, None)
    assert fine == {"path": str(files / "fine.toml"), "ok": True, "flow": "fine",
                    "questions": 2, "problems": []}


def test_a_name_taken_by_a_built_in_flow_and_a_missing_file_are_problems(files, capsys):
    (files / "mine.toml").write_text(FINE.replace('"fine"', '"gather"'), encoding="utf-8")
    missing = files / "nope.toml"
    code, out, _ = hitl(capsys, "check", str(files / "mine.toml"), str(missing))
    assert code == 1
    lines = out.splitlines()
    assert (f"{files / 'mine.toml'}: the flow name 'gather' is already taken by a built-in "
            "flow; give this file another id") in lines
    assert f"{missing}: cannot read the file: No such file or directory" in lines


def test_the_registry_leaves_the_file_out_with_its_first_problem(files, capsys):
    code, _, err = hitl(capsys, "--flows-dir", str(files), "flows")
    assert code == 0
    path = files / "broken.toml"
    assert (f"hitl: warning: left out {path}:2: unknown key 'titel' at the top level; "
            "did you mean 'title'?") in err.splitlines()


def test_help_tells_of_check(capsys):
    code, out, _ = hitl(capsys, "--help")
    assert code == 0
    assert "check" in out and "hitl check my-survey.toml" in out
    code, out, _ = hitl(capsys, "check", "--help")
    assert code == 0 and "every problem" in out
