"""``hitl serve`` refuses what is not safe before it listens: one line, no token shown."""

from __future__ import annotations

from pathlib import Path

import pytest

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
