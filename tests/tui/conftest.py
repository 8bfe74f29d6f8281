"""Fixtures for the app's Pilot and snapshot tests: a fresh store, fixed time and ids."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from hitl import SqliteStore
from tests.tui.screen_data import Session, gather_session, utc_zone

T0 = 1_767_225_600.0  # 2026-01-01 00:00 UTC


@dataclass
class Fixed:
    """A clock that ticks a minute a call, ids from a counter, and a fixed "now"."""

    start: float = T0
    ticks: itertools.count = field(default_factory=itertools.count)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    now_at: float = T0 + 3 * 3600

    def clock(self) -> float:
        return self.start + next(self.ticks) * 60

    def new_id(self) -> str:
        return f"00000000-0000-7000-8000-{next(self.ids):012d}"

    def now(self) -> float:
        return self.now_at

    def options(self) -> dict[str, Callable[..., object]]:
        return {"clock": self.clock, "new_id": self.new_id, "now": self.now}


@pytest.fixture
def fixed() -> Fixed:
    return Fixed()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "hitl.db"


@pytest.fixture
def sqlite(db: Path):
    store = SqliteStore(db)
    yield store
    store.close()


@pytest.fixture
def flows_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "flows"
    folder.mkdir()
    return folder


@pytest.fixture
def utc() -> Iterator[None]:
    """Times on screen in UTC (the screens show local times)."""
    yield from utc_zone()


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    """A gather session built through the engine (tests/tui/screen_data.py)."""
    yield from gather_session(tmp_path)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., str]:
    """Writes JSON (answers for `--answers FILE`) to a file; gives its path."""

    def write_json(data: Any, name: str = "answers.json") -> str:
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return str(path)

    return write_json
