"""The plain mode (`hitl --plain`), in real processes: answers typed into a pipe,
the conversation read from the other end, the store read through the engine's
public API. No output of it ever holds an escape byte."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.gather import GatherFlow
from flows.registry import available_flows
from hitl import COMPLETED, HUMAN, WAITING, SqliteStore, WorkflowCheckpointer
from tests.fake_model import FakeModelServer, completion

ROOT = Path(__file__).resolve().parents[2]

KINDS_TOML = """\
title = "Every kind"

[[questions]]
id = "areas"
prompt = "Which areas does it touch?"
type = "multi_choice"
choices = ["billing", "search", "sign-in"]

[[questions]]
id = "steps"
prompt = "Which steps, one a line?"
type = "list"

[[questions]]
id = "days"
prompt = "How many days?"
type = "integer"
min = 1
max = 30
default = 5

[[questions]]
id = "urgent"
prompt = "Is it urgent?"
type = "yes_no"

[[questions]]
id = "due"
prompt = "When is it due?"
type = "date"

[[questions]]
id = "remarks"
prompt = "Any remarks?"
type = "long_text"
required = false
"""


@dataclass
class Done:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "kinds.toml").write_text(KINDS_TOML)
    return {**os.environ, "HITL_DB": str(tmp_path / "hitl.db"), "HITL_FLOWS": str(flows),
            "HITL_USER": "ada", "PYTHONPATH": str(ROOT)}


def hitl(env: dict[str, str], *args: str, typed: str = "") -> Done:
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], input=typed.encode(), capture_output=True,
        env=env, timeout=60,
    )
    assert b"\x1b" not in done.stdout + done.stderr  # no escape sequence, ever
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return Done(done.returncode, done.stdout.decode(), done.stderr.decode())


def gather(env: dict[str, str]) -> WorkflowCheckpointer:
    return WorkflowCheckpointer(workflow=GatherFlow(), store=SqliteStore(env["HITL_DB"]))


def answers(ckptr: WorkflowCheckpointer, run_id: str) -> list[tuple[str | None, dict]]:
    """(author, answers) of each answer stored in the run, in order."""
    return [
        (c.author, c.output_event.answers())
        for c in ckptr.checkpoints.get(run_id, []) if c.last_completed_step == HUMAN
    ]


def only_run(ckptr: WorkflowCheckpointer) -> str:
    (run,) = ckptr.runs()
    return run.run_id


GATHER_TYPED = "Ship v2\n.\nTwo people\nand a laptop\n.\nSmall steps\n.\n\n"


def test_a_gather_questionnaire_answered_line_by_line(env) -> None:
    done = hitl(env, "--plain", "new", "gather", typed=GATHER_TYPED)
    assert done.code == 0, done.err
    assert done.lines[0].startswith("Session ") and done.lines[0].endswith(
        " of Gather a plan (gather).")
    asked = [line for line in done.lines if line.startswith("Question ")]
    assert asked == [
        "Question 1 of 4: What is your main objective?",
        "Question 2 of 4: What resources do you have available?",
        "Question 3 of 4: What approach will you take?",
        "Question 4 of 4: Any additional notes?",
    ]
    first = done.lines.index(asked[0])
    assert done.lines[first + 1:first + 4] == [
        "Objective (long text, required, at most 2000 characters)",
        "  One or two sentences: what should be true when you are done?",
        '  Type one or more lines, then a line holding only ".".',
    ]
    assert done.out.count("Saved.") == 4
    assert "Completed: 4 questions answered." in done.lines
    ckptr = gather(env)
    run_id = only_run(ckptr)
    assert ckptr.get_run(run_id).status == COMPLETED
    assert answers(ckptr, run_id) == [
        ("ada", {"objective": "Ship v2"}),
        ("ada", {"resources": "Two people\nand a laptop"}),
        ("ada", {"approach": "Small steps"}),
        ("ada", {"notes": ""}),
    ]


def test_an_invalid_answer_says_why_and_is_asked_again(env) -> None:
    typed = "short\nExport drops the last row\n9\nother\n"
    done = hitl(env, "--plain", "--user", "bob", "new", "bug-report", typed=typed)
    assert done.code == 0, done.err
    assert "> Not accepted: at least 10 characters, got 5. Please answer again." in done.lines
    assert ("> Not accepted: 9 is not one of: user interface, command line, API, database, "
            "sign-in, other. Please answer again.") in done.lines
    assert done.out.count("Saved.") == 2 and "Stopped. 2 answers saved; question 3 of" in done.out
    ckptr = WorkflowCheckpointer(workflow=available_flows().load("bug-report"),
                                 store=SqliteStore(env["HITL_DB"]))
    run_id = only_run(ckptr)
    assert answers(ckptr, run_id) == [  # --user names the author
        ("bob", {"summary": "Export drops the last row"}), ("bob", {"component": "other"}),
    ]


def test_a_new_session_stopped_before_its_first_answer_is_not_kept(env) -> None:
    done = hitl(env, "--plain", "new", "gather", typed="Half a")
    assert done.code == 0, done.err
    assert done.lines[-1] == "Stopped. Nothing was answered, so no session was kept."
    assert gather(env).runs() == []
    done = hitl(env, "list")
    assert done.lines[0].startswith("No sessions yet in ")


def test_end_of_input_stops_and_resume_goes_on_at_the_same_question(env) -> None:
    # Two answers, then the input ends inside the third (a long text not ended by ".").
    done = hitl(env, "--plain", "new", "gather", typed="Ship v2\n.\nTwo people\n.\nHalf a")
    assert done.code == 0, done.err
    run_id = only_run(gather(env))
    short = run_id[:8]
    assert done.lines[-2:] == [
        "Stopped. 2 answers saved; question 3 of 4 waits.",
        f"Go on with: hitl --plain resume {short}",
    ]
    ckptr = gather(env)
    assert ckptr.get_run(run_id).status == WAITING
    assert [a for _, a in answers(ckptr, run_id)] == [{"objective": "Ship v2"},
                                                      {"resources": "Two people"}]
    done = hitl(env, "--plain", "resume", typed="Small steps\n.\n\n")  # the latest waiting
    assert done.code == 0, done.err
    assert "  1. What is your main objective? · Ship v2" in done.lines
    asked = [line for line in done.lines if line.startswith("Question ")]
    assert asked == ["Question 3 of 4: What approach will you take?",
                     "Question 4 of 4: Any additional notes?"]
    ckptr = gather(env)
    assert ckptr.get_run(run_id).status == COMPLETED
    assert [a for _, a in answers(ckptr, run_id)][2:] == [{"approach": "Small steps"},
                                                          {"notes": ""}]


def test_choices_by_number_or_text_and_every_kind_read_from_lines(env) -> None:
    typed = (
        "1, Sign-In\n"         # multi choice: a number and a text (any case)
        "write it\nship, it\n.\n"  # a list: one item a line, commas kept
        "\n"                   # the integer's default (5)
        "y\n"
        "2026-13-01\n2026-02-01\n"
        ".\n"                  # an optional long text left empty
    )
    done = hitl(env, "--plain", "new", "kinds", typed=typed)
    assert done.code == 0, done.err
    assert [line for line in done.lines if line.startswith("  ") and ") " in line][:3] == [
        "  1) billing", "  2) search", "  3) sign-in",
    ]
    assert "  Empty line keeps: 5" in done.lines
    steps = done.lines.index("Question 2 of 6: Which steps, one a line?")
    assert done.lines[steps + 1:steps + 3] == [  # read one item a line: no commas said
        "Steps (list, required)", '  One item a line, then a line holding only ".".',
    ]
    assert "> Not accepted: '2026-13-01' is not a date (write it as YYYY-MM-DD). " \
           "Please answer again." in done.lines
    assert "Completed: 6 questions answered." in done.lines
    result = done.out[done.out.index("Result:"):]
    for expected in ('"areas": [\n      "billing",\n      "sign-in"\n    ]',
                     '"steps": [\n      "write it",\n      "ship, it"\n    ]',
                     '"days": 5', '"urgent": true', '"due": "2026-02-01"', '"remarks": ""'):
        assert expected in result


def test_a_choice_named_twice_is_refused_not_stored_twice(env) -> None:
    done = hitl(env, "--plain", "new", "kinds", typed="1, Billing\n1,1\n1,3\n")
    assert done.code == 0, done.err
    assert done.out.count(  # by its number and its text, or its number twice
        "> Not accepted: billing is chosen more than once. Please answer again.") == 2
    ckptr = WorkflowCheckpointer(workflow=available_flows(Path(env["HITL_FLOWS"])).load("kinds"),
                                 store=SqliteStore(env["HITL_DB"]))
    assert [a for _, a in answers(ckptr, only_run(ckptr))] == [
        {"areas": ["billing", "sign-in"]},
    ]


def test_choices_and_yes_no_answered_so_far_read_as_text(env) -> None:
    hitl(env, "--plain", "new", "kinds", typed="1,3\none\n.\n\nyes\n")
    done = hitl(env, "--plain", "resume", typed="")
    assert done.lines[2:7] == [
        "  1. Which areas does it touch? · billing, sign-in", "  2. Which steps, one a line? · one",
        "  3. How many days? · 5", "  4. Is it urgent? · yes", done.lines[6],
    ]
    (listed,) = json.loads(hitl(env, "list", "--json").out)
    assert listed["title"] == "billing, sign-in"  # not "['billing', 'sign-in']"


def test_plain_alone_lists_the_sessions_to_go_on_with_and_the_flows(env) -> None:
    hitl(env, "--plain", "new", "gather", typed="Ship v2\n.\n")
    done = hitl(env, "--plain", typed="8\nnope\n\nTwo people\n.\n")
    assert done.code == 0, done.err
    assert done.lines[0] == "Sessions to go on with:"
    assert done.lines[1].startswith('  1) gather · "Ship v2" · question 2 of 4 · just now · run ')
    assert done.lines[2:5] == ["Start a new session:", "  2) gather: Gather a plan",
                               "  3) joke: Tell a joke"]
    assert "  7) kinds: Every kind" in done.lines
    assert done.out.count("Not accepted: type a number from 1 to 7, or a flow's name.") == 2
    assert "Question 2 of 4: What resources do you have available?" in done.lines  # empty: 1
    done = hitl(env, "--plain", typed="2\n")  # a flow by its number: a new session
    assert "Question 1 of 4: What is your main objective?" in done.lines
    done = hitl(env, "--plain", typed="")
    assert (done.code, done.lines[-1]) == (0, "Nothing opened.")


def test_a_session_of_a_flow_no_longer_installed_is_not_offered_to_go_on_with(env) -> None:
    hitl(env, "--plain", "new", "gather", typed="Ship v2\n.\n")
    hitl(env, "--plain", "new", "kinds", typed="1\n")  # changed last
    Path(env["HITL_FLOWS"], "kinds.toml").unlink()
    done = hitl(env, "--plain", typed="")
    assert done.lines[:2] == ["Sessions to go on with:", done.lines[1]]
    assert done.lines[1].startswith('  1) gather · "Ship v2" · question 2 of 4 · ')
    assert done.lines[2] == "Start a new session:"
    done = hitl(env, "--plain", "resume", typed="")  # the latest it can go on with
    assert done.code == 0, done.err
    assert "Question 2 of 4: What resources do you have available?" in done.lines


def test_without_a_terminal_hitl_asks_line_by_line_with_a_note(env) -> None:
    done = hitl(env, "new", "gather", typed="Ship v2\n.\n")
    assert done.code == 0
    assert done.err == ("hitl: note: standard input is not a terminal, so the questions are "
                        "asked line by line, as hitl --plain does\n")
    assert "Stopped. 1 answer saved; question 2 of 4 waits." in done.lines


def _read_until(proc: subprocess.Popen[bytes], seen: bytearray, *markers: bytes) -> None:
    """Read the process's output into ``seen`` until ``markers`` are in it, in this
    order (60 s at most)."""
    deadline = time.monotonic() + 60
    assert proc.stdout is not None

    def found() -> bool:
        at = 0
        for marker in markers:
            at = seen.find(marker, at)
            if at < 0:
                return False
            at += len(marker)
        return True

    while not found():
        left = deadline - time.monotonic()
        assert left > 0, seen.decode()
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            assert chunk, seen.decode()  # the process ended first
            seen += chunk


def _plain_process(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    # ctrl+c as at a terminal, even when the tests run in the background (a shell
    # starts background jobs with SIGINT ignored, and children inherit that)
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "--plain", *args], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def test_ctrl_c_stops_saying_what_is_saved(env) -> None:
    proc = _plain_process(env, "new", "gather")
    seen = bytearray()
    try:
        assert proc.stdin is not None
        proc.stdin.write(b"Ship v2\n.\nTwo")  # the second answer typed, not ended
        proc.stdin.flush()
        _read_until(proc, seen, b"Question 2 of 4", b"> ")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)  # stdin stays open: the process must stop on the signal, not on EOF
        out, err = proc.stdout.read(), proc.stderr.read()
    finally:
        proc.kill()
    text = (bytes(seen) + out).decode()
    assert proc.returncode == 130, err
    assert b"\x1b" not in bytes(seen) + out and b"Traceback" not in err
    assert text.splitlines()[-2] == "Stopped. 1 answer saved; question 2 of 4 waits."
    ckptr = gather(env)
    assert [a for _, a in answers(ckptr, only_run(ckptr))] == [{"objective": "Ship v2"}]


def test_ctrl_c_while_a_step_waits_on_the_model_stops_without_waiting_for_it(
    env, model_server: FakeModelServer,
) -> None:
    asked, release = threading.Event(), threading.Event()

    def held(body: object) -> tuple[int, bytes]:  # answers only when the test ends
        asked.set()
        release.wait(600)
        return completion("too late")

    model_server.answer = held
    env = {**env, "OPENAI_BASE_URL": model_server.url, "OPENAI_TIMEOUT": "600"}
    proc = _plain_process(env, "new", "joke")
    try:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdin.write(b"cats\n")
        proc.stdin.flush()
        assert asked.wait(60), "the joke step never called the model"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)  # the model has not answered, and will not before this ends
        out, err = proc.stdout.read(), proc.stderr.read()
    finally:
        release.set()
        proc.kill()
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    ckptr = WorkflowCheckpointer(workflow=available_flows().load("joke"),
                                 store=SqliteStore(env["HITL_DB"]))
    run_id = only_run(ckptr)
    assert out.decode().splitlines()[-2:] == [
        "Stopped. 1 answer saved.", f"Go on with: hitl --plain resume {run_id[:8]}",
    ]
    assert [a for _, a in answers(ckptr, run_id)] == [{"topic": "cats"}]


def test_a_session_deleted_elsewhere_says_so_and_what_was_typed(env) -> None:
    proc = _plain_process(env, "new", "gather")
    seen = bytearray()
    try:
        assert proc.stdin is not None
        proc.stdin.write(b"Ship v2\n.\n")
        proc.stdin.flush()
        _read_until(proc, seen, b"Saved.", b"Question 2 of 4", b"> ")
        run_id = only_run(gather(env))
        assert hitl(env, "delete", run_id).code == 0
        out, err = proc.communicate(b"Two people\n.\n", timeout=60)
    finally:
        proc.kill()
    lines = (bytes(seen) + out).decode().splitlines()
    assert proc.returncode == 1
    assert err.decode() == f"hitl: error: run {run_id} was deleted elsewhere\n"
    assert lines[-2:] == ["> > Not saved: the session was deleted elsewhere.",
                          "What you typed, not saved: Two people"]
    assert gather(env).runs() == []


def test_a_new_session_whose_reader_went_away_before_an_answer_is_not_kept(env) -> None:
    proc = _plain_process(env, "new", "gather")  # as in: hitl --plain new gather | head -3
    seen = bytearray()
    try:
        assert proc.stdin is not None and proc.stdout is not None
        _read_until(proc, seen, b"Question 1 of 4", b"> ")
        proc.stdout.close()
        proc.stdin.write(b"Ship\n")  # read, and the next prompt finds no reader
        proc.stdin.flush()
        proc.wait(timeout=60)
        err = proc.stderr.read()
    finally:
        proc.kill()
    assert proc.returncode == 0 and b"Traceback" not in err, err
    assert gather(env).runs() == []


def test_a_step_that_fails_says_how_to_run_it_again(env, model_server: FakeModelServer) -> None:
    model_server.answer = lambda body: (500, b'{"error": {"message": "overloaded"}}')
    env = {**env, "OPENAI_BASE_URL": model_server.url}
    done = hitl(env, "--plain", "new", "joke", typed="cats\n")
    assert done.code == 1
    assert done.err.startswith("hitl: error: run ") and " failed in a step: " in done.err
    run_id = only_run(WorkflowCheckpointer(workflow=available_flows().load("joke"),
                                           store=SqliteStore(env["HITL_DB"])))
    assert done.lines[-2:] == [
        "> Saved.", f"Your answers are saved. Go on with: hitl --plain resume {run_id[:8]} "
        "(it runs the step again)",
    ]


def test_a_question_answered_elsewhere_is_not_saved_twice_and_the_text_is_shown(env) -> None:
    proc = _plain_process(env, "new", "gather")
    seen = bytearray()
    try:
        _read_until(proc, seen, b"Question 1 of 4", b"> ")
        ckptr = gather(env)
        run_id = only_run(ckptr)
        done = hitl({**env, "HITL_USER": "cy"}, "answer", run_id, "--set", "objective=Theirs")
        assert done.code == 0, done.err
        out, err = proc.communicate(b"Mine\n.\n", timeout=60)
    finally:
        proc.kill()
    lines = (bytes(seen) + out).decode().splitlines()
    assert proc.returncode == 0, err
    (said,) = [line for line in lines if line.startswith("> > Not saved: ")]
    assert said.startswith("> > Not saved: cy answered this question elsewhere at ")
    assert said.endswith(": Theirs")
    assert "What you typed, not saved: Mine" in lines
    assert "Question 2 of 4: What resources do you have available?" in lines
    assert [a for _, a in answers(gather(env), run_id)] == [{"objective": "Theirs"}]
