"""Retention: delete a run with its branches, a session, or old completed sessions.

Each is one transaction of the store (a branch made meanwhile is deleted too
or refused, never left behind), whatever flows its runs belong to: deleting
reads no events, so a run whose flow is gone can still be deleted. A
checkpointer's own ``delete_run``, ``delete_session`` and ``prune`` call them
for its flow's runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from datetime import timedelta

from hitl.errors import RunNotFound
from hitl.store.base import COMPLETED, CheckpointStore, SessionRecord


def delete_run(store: CheckpointStore, run_id: str) -> list[str]:
    """Delete a run and every run branched from it, however deep; the ids deleted."""
    gone = store.delete_run(run_id)
    if not gone:
        raise RunNotFound(f"no run {run_id}")
    return gone


def delete_session(store: CheckpointStore, session: str) -> list[str]:
    """Delete every run of a session (a run's ``session`` is its root run's id)."""
    gone = store.delete_session(session)
    if not gone:
        raise RunNotFound(f"no session {session}")
    return gone


def cutoff(older_than: timedelta | float, now: float | None = None) -> float:
    """The time before which a session is older than ``older_than`` (a timedelta
    or seconds, finite and not negative: ``ValueError`` otherwise)."""
    age = older_than.total_seconds() if isinstance(older_than, timedelta) else float(older_than)
    if not math.isfinite(age) or age < 0:
        raise ValueError(f"an age is a finite number of seconds, 0 or more, not {older_than!r}")
    return (time.time() if now is None else now) - age


def stale_sessions(
    store: CheckpointStore,
    older_than: timedelta | float,
    *,
    now: float | None = None,
    flow: str | None = None,
) -> Iterator[SessionRecord]:
    """Completed sessions unchanged for ``older_than``, latest first, a page at a
    time. A session is completed when the run changed last in it has completed."""
    before = cutoff(older_than, now)
    cursor = None
    while True:
        page = store.sessions(
            now=before, status=COMPLETED, flow=flow, updated_before=before, cursor=cursor,
            limit=500,
        )  # fmt: skip
        yield from page.sessions
        if page.cursor is None:
            return
        cursor = page.cursor


def prune(
    store: CheckpointStore,
    older_than: timedelta | float,
    *,
    now: float | None = None,
    flow: str | None = None,
) -> list[SessionRecord]:
    """Delete, in one transaction, the completed sessions unchanged for
    ``older_than``; the sessions deleted."""
    return store.prune_sessions(before=cutoff(older_than, now), flow=flow)
