"""What every store does alike with its rows: checking a row read back (one
damaged by hand must not pass for a run or a session), and the rules of
leases, filters and a session's latest run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from hitl.errors import CheckpointLoadError
from hitl.store.base import (
    INTERRUPTED,
    RUNNING,
    SESSION_STATUSES,
    STATUSES,
    RunRecord,
    SessionRecord,
)

_TEXT = (str,)
_MAYBE_TEXT = (str, type(None))
_TIME = (float, int)
_MAYBE_TIME = (float, int, type(None))

_RUN_TYPES = RunRecord(
    _TEXT, _TEXT, _TEXT, _MAYBE_TEXT, _MAYBE_TEXT, _TEXT, _MAYBE_TEXT, _MAYBE_TEXT,
    _MAYBE_TIME, _MAYBE_TEXT, (int,), _TIME, _TIME, _MAYBE_TEXT, _MAYBE_TEXT, _MAYBE_TEXT,
)  # fmt: skip
_SESSION_TYPES = SessionRecord(
    _TEXT, _TEXT, _TEXT, _TEXT, _MAYBE_TEXT, _MAYBE_TEXT, _MAYBE_TIME, _MAYBE_TEXT,
    (int,), _TIME, _TIME, (int,),
)  # fmt: skip
def _wrong_field(record: NamedTuple, types: NamedTuple) -> str | None:
    for name, value, expected in zip(record._fields, record, types, strict=True):
        if not isinstance(value, expected) or isinstance(value, bool):
            return f"{name} is {value!r}"
    return None


def run_record(row: Iterable[object]) -> RunRecord:
    """A run row as read back, checked."""
    run = RunRecord._make(row)
    wrong = _wrong_field(run, _RUN_TYPES)
    if wrong is None and run.status not in STATUSES:
        wrong = f"status is {run.status!r}"
    if wrong is not None:
        raise CheckpointLoadError(f"run {run.run_id!r}: its stored row is damaged ({wrong})")
    return run


def session_record(row: Iterable[object]) -> SessionRecord:
    """A session row as read back, checked."""
    record = SessionRecord._make(row)
    wrong = _wrong_field(record, _SESSION_TYPES)
    if wrong is None and record.status not in STATUSES:
        wrong = f"status is {record.status!r}"
    if wrong is not None:
        raise CheckpointLoadError(
            f"session {record.session!r}: its stored row is damaged ({wrong})"
        )
    return record


def sound_runs(rows: Iterable[Iterable[object]]) -> list[RunRecord]:
    """The runs of ``rows`` that are not damaged (``get_run`` names the damage)."""
    runs = []
    for row in rows:
        try:
            runs.append(run_record(row))
        except CheckpointLoadError:
            continue
    return runs


def lease_live(lease_until: float | None, now: float) -> bool:
    return lease_until is not None and lease_until >= now


def status_matches(record: SessionRecord, status: str | None, now: float) -> bool:
    """Whether a session row is in ``status`` (one of SESSION_STATUSES) at ``now``."""
    if status is None:
        return True
    if status == INTERRUPTED:
        return record.status == RUNNING and not lease_live(record.lease_until, now)
    if status == RUNNING:
        return record.status == RUNNING and lease_live(record.lease_until, now)
    return record.status == status


def title_matches(title: object, key: str) -> bool:
    """Whether a title holds ``key`` (casefolded already); an unknown title never does."""
    return isinstance(title, str) and key in title.casefold()


def latest_of(runs: list[RunRecord]) -> RunRecord:
    """The run written last of a session's runs (given in the order created)."""
    return max(reversed(runs), key=lambda r: (r.updated_at, r.created_at))


def check_filters(status: str | None, limit: int) -> None:
    if status is not None and status not in SESSION_STATUSES:
        raise ValueError(f"unknown session status {status!r}: one of {', '.join(SESSION_STATUSES)}")
    if limit < 1:
        raise ValueError("a page holds at least one session (limit >= 1)")
