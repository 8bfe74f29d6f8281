"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hitl import MemoryStore, SqliteStore
from tests.fake_model import FakeModelServer, serve_fake_model
from tests.pg import PgServer, start_server


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test ever touches a real user's data or flows folder, or their language model."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HITL_DB", str(home / "hitl.db"))
    monkeypatch.setenv("HITL_FLOWS", str(home / "flows"))
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL", "OPENAI_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """Each store the engine ships, fresh."""
    if request.param == "memory":
        yield MemoryStore()
    else:
        s = SqliteStore(tmp_path / "store.db")
        yield s
        s.close()


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    """A small OpenAI-compatible chat completions server on 127.0.0.1 (tests/fake_model.py)."""
    with serve_fake_model() as server:
        yield server


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """One throwaway PostgreSQL server (pgserver's binaries) for the whole session,
    started when a test first needs it, stopped and deleted at the end."""
    server = start_server()
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def pg_dsn(pg_server: PgServer) -> str:
    """The DSN of the test database on ``pg_server`` (with a password, never needed)."""
    return pg_server.dsn()
