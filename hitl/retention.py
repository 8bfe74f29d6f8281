"""Retention: delete a run with its branches, a session, or old completed sessions.

These work on a store directly, whatever flows its runs belong to (deleting
reads no events, so a run whose flow is gone can still be deleted). A
checkpointer's own ``delete_run``, ``delete_session`` and ``prune`` call them
for its flow's runs.
"""

from __future__ import annotations

import time
from datetime import timedelta

from hitl.errors import RunNotFound
from hitl.store.base import COMPLETED, CheckpointStore, RunRecord


def delete_run(store: CheckpointStore, run_id: str) -> list[str]:
    """Delete a run and every run branched from it, however deep; the ids deleted."""
    run = store.get_run(run_id)
    if run is None:
        raise RunNotFound(f"no run {run_id}")
    family = [r for r in store.list_runs() if r.session == run.session]
    owner_of = {c.id: r.run_id for r in family for c in store.run_checkpoints(r.run_id)}
    doomed = [run.run_id]
    grown = True
    while grown:
        grown = False
        for r in family:
            if r.run_id not in doomed and owner_of.get(r.branched_from or "") in doomed:
                doomed.append(r.run_id)
                grown = True
    store.delete_runs(doomed)
    return doomed


def delete_session(store: CheckpointStore, session: str) -> list[str]:
    """Delete every run of a session (a run's ``session`` is its root run's id)."""
    doomed = [r.run_id for r in store.list_runs() if r.session == session]
    if not doomed:
        raise RunNotFound(f"no session {session}")
    store.delete_runs(doomed)
    return doomed


def stale_sessions(
    store: CheckpointStore,
    older_than: timedelta | float,
    *,
    now: float | None = None,
    flow: str | None = None,
) -> dict[str, list[RunRecord]]:
    """Completed sessions unchanged for ``older_than`` (a timedelta or seconds).

    A session is completed when the run changed last in it has completed.
    """
    age = older_than.total_seconds() if isinstance(older_than, timedelta) else older_than
    cutoff = (time.time() if now is None else now) - age
    sessions: dict[str, list[RunRecord]] = {}
    for r in store.list_runs(flow):
        sessions.setdefault(r.session, []).append(r)
    stale = {}
    for session, family in sessions.items():
        latest = max(family, key=lambda r: r.updated_at)
        if latest.status == COMPLETED and latest.updated_at < cutoff:
            stale[session] = family
    return stale


def prune(
    store: CheckpointStore,
    older_than: timedelta | float,
    *,
    now: float | None = None,
    flow: str | None = None,
) -> list[str]:
    """Delete the completed sessions unchanged for ``older_than``; the sessions deleted."""
    stale = stale_sessions(store, older_than, now=now, flow=flow)
    for family in stale.values():
        store.delete_runs([r.run_id for r in family])
    return list(stale)
