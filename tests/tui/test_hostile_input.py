"""Hostile input through the `hitl` command and the app: refused at once, named,
shown as text.

What could hang (a pattern that backtracks) runs in a real process with a
deadline, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tui.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EVIL = "a" * 60 + "b"

CODE_FLOW = """\
id = "code"

[[questions]]
id = "code"
prompt = "Your code?"
pattern = "^(a+)+$"

[[questions]]
id = "ratio"
prompt = "What ratio?"
type = "number"
required = false
"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "code.toml").write_text(CODE_FLOW, encoding="utf-8")
    values = {"HITL_DB": str(tmp_path / "store.db"), "HITL_FLOWS": str(flows)}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("HITL_DEBUG", raising=False)
    return values


def hitl(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def real_hitl(env: dict[str, str], *args: str, timeout: float = 30.0,
              **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=ROOT, capture_output="stdout" not in kwargs,
        text=True, timeout=timeout, env={**os.environ, **env}, **kwargs,
    )


def one_error(err: str, message: str) -> None:
    assert err.count("\n") == 1 and err.startswith("hitl: error: "), err
    assert message in err, err
    assert "Traceback" not in err and "unexpected" not in err, err


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return str(path)


# -- patterns ------------------------------------------------------------------------


def test_an_answer_that_would_backtrack_for_ever_is_refused_at_once(env, tmp_path):
    answers = write(tmp_path, "a.json", json.dumps({"code": EVIL}))
    proc = real_hitl(env, "new", "code", "--answers", answers, timeout=20)
    assert proc.returncode == 1
    one_error(proc.stderr, "code: is not in the form this question asks for")


def test_a_file_whose_default_would_backtrack_stops_no_flow_command(env, tmp_path):
    flows = Path(env["HITL_FLOWS"])
    (flows / "trap.toml").write_text(
        '[[questions]]\nid = "x"\nprompt = "X?"\npattern = "^(a+)+$"\n'
        f'default = "{EVIL}"\n', encoding="utf-8",
    )
    listed = real_hitl(env, "flows", timeout=20)
    assert listed.returncode == 0
    assert "gather" in listed.stdout and "code" in listed.stdout
    assert f"left out {flows / 'trap.toml'}:5: question 'x': default" in listed.stderr
    answers = write(tmp_path, "g.json", json.dumps({"objective": "Ship"}))
    started = real_hitl(env, "new", "gather", "--answers", answers, timeout=20)
    assert started.returncode == 0, started.stderr


_TUI = """
import asyncio, sys
from hitl import SqliteStore
from tests.tui.helpers import question
from tui.app import make_app

async def go():
    app = make_app(SqliteStore(sys.argv[1]), flows_dir=sys.argv[2], open_flow="code")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await question(pilot, 1)
        await pilot.press(*sys.argv[3], "ctrl+s")
        await pilot.pause()
        print(screen.form.errors)

asyncio.run(go())
"""


def test_the_app_refuses_an_answer_that_would_backtrack_for_ever_at_once(env):
    proc = subprocess.run(
        [sys.executable, "-c", _TUI, env["HITL_DB"], env["HITL_FLOWS"], EVIL], cwd=ROOT,
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "{'code': 'is not in the form this question asks for'}"


# -- answers files and exports that name themselves ----------------------------------------


def test_an_answers_file_that_is_not_utf8_is_named(env, tmp_path, capsys):
    answers = write(tmp_path, "latin1.json", b'{"objective": "caf\xe9"}')
    code, _, err = hitl(capsys, "new", "gather", "--answers", answers)
    assert code == 1
    one_error(err, f"{answers}: not UTF-8 text (byte 0xe9 at 18); save the answers as UTF-8")


def test_an_answers_file_nested_100000_deep_is_named(env, tmp_path, capsys):
    answers = write(tmp_path, "deep.json", '{"objective": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code, _, err = hitl(capsys, "new", "gather", "--answers", answers)
    assert code == 1
    one_error(err, f"{answers}: the JSON nests too deep to be answers")


def test_an_answer_that_is_not_a_finite_number_is_refused(env, tmp_path, capsys):
    answers = write(tmp_path, "nan.json", '{"code": "aaa", "ratio": NaN}')
    code, _, err = hitl(capsys, "new", "code", "--answers", answers)
    assert code == 1
    one_error(err, "ratio: must be a finite number")


def test_an_export_to_a_full_disk_names_the_file(env, tmp_path, capsys):
    answers = write(tmp_path, "g.json", json.dumps({"objective": "Ship"}))
    code, out, _ = hitl(capsys, "new", "gather", "--answers", answers)
    assert code == 0
    run_id = out.splitlines()[0]
    code, _, err = hitl(capsys, "export", run_id, "-o", "/dev/full")
    assert code == 1
    one_error(err, "/dev/full: cannot write the export: No space left on device; "
                   "free some space, or write it elsewhere with -o FILE")
    with open("/dev/full", "w") as full:
        proc = real_hitl(env, "export", run_id, stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == 1
    one_error(proc.stderr, "cannot write the export to standard output: No space left on "
                           "device; free some space, or write it elsewhere with -o FILE")


def test_an_export_to_a_missing_folder_names_the_file(env, tmp_path, capsys):
    answers = write(tmp_path, "g.json", json.dumps({"objective": "Ship"}))
    code, out, _ = hitl(capsys, "new", "gather", "--answers", answers)
    run_id = out.splitlines()[0]
    target = tmp_path / "gone" / "x.md"
    code, _, err = hitl(capsys, "export", run_id, "-o", str(target))
    assert code == 1
    one_error(err, f"{target}: cannot write the export: No such file or directory; "
                   "nothing was written; write it elsewhere with -o FILE")


def _file_size_cap() -> None:  # in the child: writes past 50 kB fail (EFBIG), no signal
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))


def test_an_export_cut_off_by_a_full_disk_leaves_no_part_of_itself(env, tmp_path, capsys):
    (Path(env["HITL_FLOWS"]) / "essay.toml").write_text(
        'id = "essay"\n[[questions]]\nid = "essay"\nprompt = "Write"\ntype = "long_text"\n',
        encoding="utf-8",
    )
    answers = write(tmp_path, "e.json", json.dumps({"essay": "word " * 20_000}))
    code, out, _ = hitl(capsys, "new", "essay", "--answers", answers)
    assert code == 0
    target = tmp_path / "essay.md"
    proc = real_hitl(env, "export", out.splitlines()[0], "-o", str(target),
                     preexec_fn=_file_size_cap)
    assert proc.returncode == 1
    one_error(proc.stderr, f"{target}: cannot write the export: File too large; "
                           "nothing was written; free some space, or write it elsewhere "
                           "with -o FILE")
    assert not target.exists()


# -- options that are not what they look like --------------------------------------------


@pytest.mark.parametrize("days", ["nan", "inf", "1e308", "-inf", "-1", "ten"])
def test_prune_older_than_a_number_that_is_no_age_is_refused(env, capsys, days):
    code, _, err = hitl(capsys, "prune", f"--older-than={days}")
    assert code == 2
    one_error(err, f"--older-than takes a number of days, 0 or more (at most 36,500,000), "
                   f"not {days!r}")


@pytest.mark.parametrize("option", ["--db", "--flows-dir"])
def test_an_empty_path_option_is_an_error_not_the_default(env, capsys, option):
    code, _, err = hitl(capsys, option, "", "list")
    assert code == 1
    one_error(err, f"{option} is empty: give a ")
    assert not Path(env["HITL_DB"]).exists()


# -- text shown as text --------------------------------------------------------------------


def test_an_answer_of_only_zero_width_characters_is_no_answer(env, tmp_path, capsys):
    answers = write(tmp_path, "zw.json", json.dumps({"objective": "\u200b\ufeff \u200b"}))
    code, _, err = hitl(capsys, "new", "gather", "--answers", answers)
    assert code == 1
    one_error(err, "objective: an answer is required")


def test_bidirectional_controls_are_shown_escaped_and_kept_as_given(env, tmp_path, capsys):
    title = "Invoice \u202efdp.exe"
    answers = write(tmp_path, "g.json", json.dumps({"objective": title}))
    code, out, _ = hitl(capsys, "new", "gather", "--answers", answers)
    assert code == 0
    run_id = out.splitlines()[0]
    for args in (("list",), ("show", run_id), ("log", run_id)):
        code, out, _ = hitl(capsys, *args)
        assert code == 0, args
        assert "\u202e" not in out, args
        assert "Invoice \\u202efdp.exe" in out, (args, out)
    code, out, _ = hitl(capsys, "list", "--json")
    assert "\u202e" not in out
    assert json.loads(out)[0]["title"] == title  # the same data, escaped as JSON
    code, out, _ = hitl(capsys, "export", run_id, "--format", "json")
    assert json.loads(out)["answers"][0]["value"] == title  # a file gets the text as given


BIDI_FLOW = textwrap.dedent("""\
    id = "bidi"
    title = "Pay \u202efdp.exe"

    [[questions]]
    id = "name"
    prompt = "Say \u202eolleh"
""")


async def test_the_app_shows_a_bidirectional_override_in_a_prompt_escaped(sqlite, fixed,
                                                                          flows_dir):
    from tests.tui.helpers import prompt, question
    from tests.tui.screen_data import rendered
    from tui.app import make_app

    (flows_dir / "bidi.toml").write_text(BIDI_FLOW, encoding="utf-8")
    app = make_app(sqlite, flows_dir=flows_dir, open_flow="bidi", **fixed.options())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await question(pilot, 1)
        assert prompt(screen) == "Say \\u202eolleh"
        header = rendered(app.screen.query_one("HeaderTitle"))
        assert "Pay \\u202efdp.exe" in header and "\u202e" not in header


def test_every_bidirectional_control_is_shown_escaped() -> None:
    from tui.sessions.text import one_line, visible

    controls = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    shown = visible(f"a{controls}b")
    assert shown == "a" + "".join(f"\\u{ord(c):04x}" for c in controls) + "b"
    assert one_line("Invoice \u200ffdp.exe") == "Invoice \\u200ffdp.exe"


async def test_a_toast_shows_a_bidirectional_override_in_stored_text_escaped(sqlite, fixed, db):
    import sqlite3

    from tests.tui.helpers import home, in_thread, seed_gather, until
    from tests.tui.screen_data import toasts
    from tui.app import make_app

    app = make_app(sqlite, **fixed.options())
    await in_thread(lambda: seed_gather(app.checkpointer("gather"), "Ship"))
    edit = sqlite3.connect(db)  # a store edited behind hitl's back: a flow named to mislead
    with edit:
        for table in ("runs", "sessions", "checkpoints"):
            edit.execute(f"UPDATE {table} SET flow = 'gather\u202eevil'")
    edit.close()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await home(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: toasts(app, "warning"))
        (toast,) = toasts(app, "warning")
        assert "gather\\u202eevil" in toast and "\u202e" not in toast, toast


# -- answers read no further than the cap --------------------------------------------------

_PEAK = """
import resource, subprocess, sys
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a regression fails, not the box
stdin = open(sys.argv[1], "rb") if sys.argv[1] != "-" else None
proc = subprocess.run([sys.executable, "-m", "tui.cli", *sys.argv[2:]], stdin=stdin,
                      capture_output=True, text=True, preexec_fn=cap, timeout=30)
print(proc.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
print(proc.stderr, end="")
"""


def _peak(env: dict[str, str], stdin: str, *args: str) -> tuple[int, int, str]:
    """The exit status, the peak memory (MiB) and stderr of a real `hitl` process."""
    proc = subprocess.run([sys.executable, "-c", _PEAK, stdin, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, env={**os.environ, **env})
    first, _, err = proc.stdout.partition("\n")
    code, peak = map(int, first.split())
    return code, peak, err


@pytest.mark.parametrize("how", ["a 64 MB file", "/dev/zero", "/dev/zero as standard input"])
def test_an_answers_file_past_the_cap_is_refused_without_being_read(env, tmp_path, how):
    if how == "a 64 MB file":
        path = tmp_path / "huge.json"
        with path.open("wb") as f:
            f.truncate(64 << 20)
        stdin, given, name = "-", str(path), str(path)
    elif how == "/dev/zero":
        stdin, given, name = "-", "/dev/zero", "/dev/zero"
    else:
        stdin, given, name = "/dev/zero", "-", "standard input"
    code, peak, err = _peak(env, stdin, "new", "gather", "--answers", given)
    assert code == 1
    one_error(err, f"{name}: larger than 1 MiB, the most an answers file may hold")
    assert peak < 100, f"{peak} MiB to refuse it"
    assert not Path(env["HITL_DB"]).exists()  # nothing made, not even the store
