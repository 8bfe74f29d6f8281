"""``hitl serve`` refuses what is not safe before it listens: one line, no token shown."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.serve.served import HITL, TOKEN
from tui.cli.main import main


def serve(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["serve", "--port", "0", *args])
    out, err = capsys.readouterr()
    assert out == ""
    return code, err.strip()


def test_a_short_token_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = serve(capsys, "--token", "sesame")
    assert code == 1
    assert err.startswith("hitl: error: --token: a token has at least 16 characters")
    assert "sesame" not in err


def test_a_weak_token_in_the_environment_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HITL_SERVE_TOKEN", "open sesame, please")
    code, err = serve(capsys)
    assert code == 1 and "HITL_SERVE_TOKEN: a token is printable ASCII without spaces" in err
    assert "sesame" not in err


def test_users_and_token_together_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:
    code, err = serve(capsys, "--users", str(tmp_path / "t.toml"), "--token", "x" * 20)
    assert code == 1 and "--users and --token: give one" in err


def test_a_missing_users_file_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = serve(capsys, "--users", str(tmp_path / "team.toml"))
    assert code == 1 and f"{tmp_path / 'team.toml'}: No such file" in err


def test_a_port_out_of_range_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--port", "70000"])
    err = capsys.readouterr().err
    assert code == 1 and "--port 70000: a port is 0 to 65535" in err


def test_a_store_that_cannot_be_opened_is_said_before_serving(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a store\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "HITL_SERVE_TOKEN"}
    done = subprocess.run(
        [*HITL, "--db", str(notes), "serve", "--port", "0", "--token", TOKEN],
        capture_output=True, text=True, env=env, timeout=30,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"hitl: error: {notes}: not a hitl store (file is not a database)"
    assert done.stdout == ""  # no link to a server whose every tab would fail


def test_a_host_that_is_no_address_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = serve(capsys, "--host", "256.1.1.1")
    assert (code, err) == (1, "hitl: error: cannot listen on 256.1.1.1: it is not an address "
                              "of this machine or a name of one (check --host)")
