"""A new session left before its first answer is deleted (run_view.discard_unanswered),
unless an answer was stored meanwhile: even one that another process stores
after the session was read and just before the delete reaches the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from flows.gather import GatherFlow
from hitl import CheckpointStore, MemoryStore, WorkflowCheckpointer, open_store
from tests import pg
from tests.tui.helpers import seed_gather
from tui.sessions import run_view


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """One store as two processes see it: (this one's, the other's)."""
    if request.param == "memory":
        store = MemoryStore()
        yield store, store
        return
    if request.param == "sqlite":
        spec = str(tmp_path / "team.db")
    else:
        spec = request.getfixturevalue("pg_dsn")
        pg.empty(spec)
    mine, theirs = open_store(spec), open_store(spec)
    yield mine, theirs
    theirs.close()
    mine.close()


class WriteBeforeDelete:
    """A store whose deletes first let ``write`` run (once): another writer's
    answer landing after the caller read what it deletes, before the delete."""

    def __init__(self, store: CheckpointStore, write: Callable[[], object]) -> None:
        self._store, self._write = store, write

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._store, name)
        if not name.startswith("delete"):
            return method

        def delete(*args: Any, **kwargs: Any) -> Any:
            write, self._write = self._write, lambda: None
            write()
            return method(*args, **kwargs)

        return delete


def test_a_session_left_unanswered_is_deleted(stores) -> None:
    mine, _ = stores
    ckptr = WorkflowCheckpointer(GatherFlow(), mine)
    view = seed_gather(ckptr)
    assert run_view.discard_unanswered(ckptr, view.run_id)
    assert mine.get_session(view.session) is None


def test_an_answer_stored_just_before_the_delete_keeps_the_session(stores) -> None:
    mine, theirs = stores
    view = seed_gather(WorkflowCheckpointer(GatherFlow(), mine))
    other = WorkflowCheckpointer(GatherFlow(), theirs)
    assert view.question_checkpoint is not None

    def they_answer() -> None:
        run_view.answer(other, view.run_id, view.question_checkpoint, {"objective": "Theirs"})

    racing = WorkflowCheckpointer(GatherFlow(), WriteBeforeDelete(mine, they_answer))
    assert not run_view.discard_unanswered(racing, view.run_id)
    kept = run_view.load_run(WorkflowCheckpointer(GatherFlow(), mine), view.run_id)
    assert [a.event.answers() for a in kept.answers] == [{"objective": "Theirs"}]
    assert mine.get_session(view.session) is not None
