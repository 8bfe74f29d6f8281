"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from hitl import MemoryStore, SqliteStore


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test ever touches a real user's data or flows folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HITL_DB", str(home / "hitl.db"))
    monkeypatch.setenv("HITL_FLOWS", str(home / "flows"))


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """Each store the engine ships, fresh."""
    if request.param == "memory":
        yield MemoryStore()
    else:
        s = SqliteStore(tmp_path / "store.db")
        yield s
        s.close()
