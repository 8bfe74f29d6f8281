"""Rows for the conformance suite: plain values, as the engine would write them.

The JSON text is opaque to a store, so it is made small and readable here.
"""

from __future__ import annotations

import itertools

from hitl.store.base import RUNNING, WAITING, CheckpointRecord, RunRecord

FLOW = "survey"
T0 = 1_000_000.0
_n = itertools.count()


def new_id(prefix: str = "") -> str:
    """A unique id, optionally with a prefix chosen by the test."""
    return f"{prefix}{next(_n):08d}-0000-4000-8000-000000000000"


def run_row(
    run_id: str | None = None,
    *,
    session: str | None = None,
    branched_from: str | None = None,
    flow: str = FLOW,
    status: str = RUNNING,
    owner: str | None = "host-a:1",
    lease_until: float | None = None,
    at: float = T0,
    author: str | None = None,
    title: str | None = "",
    made_from: str | None = None,
) -> RunRecord:
    run_id = run_id or new_id()
    start = None if branched_from else '{"type":"StartEvent","v":1,"data":{}}'
    return RunRecord(
        run_id, flow, session or run_id, branched_from, start, status, None, owner,
        lease_until, None, -1, at, at, author, title, made_from,
    )  # fmt: skip


def ck_row(
    run_id: str,
    seq: int,
    *,
    checkpoint_id: str | None = None,
    parent_id: str | None = None,
    flow: str = FLOW,
    step: str = "begin",
    input_type: str = "StartEvent",
    output_type: str = "NameQuestion",
    at: float | None = None,
    author: str | None = None,
    output: str | None = None,
) -> CheckpointRecord:
    return CheckpointRecord(
        checkpoint_id or new_id("c"),
        run_id,
        parent_id,
        seq,
        flow,
        step,
        input_type,
        f'{{"type":"{input_type}","v":1,"data":{{}}}}',
        output_type,
        output or f'{{"type":"{output_type}","v":1,"data":{{"seq":{seq}}}}}',
        '{"state":{}}',
        T0 + seq if at is None else at,
        author,
    )


def started(store, *, status: str = WAITING, at: float = T0, **run_fields) -> RunRecord:
    """A new root run with its first checkpoint; the run as stored."""
    run = run_row(at=at, status=status, **run_fields)
    store.create_run(run, ck_row(run.run_id, 0, at=at))
    return store.get_run(run.run_id)


def grow(store, run: RunRecord, n: int, *, status: str = WAITING, at: float | None = None):
    """Append ``n`` checkpoints to ``run``'s tip; the last one appended."""
    tip = store.get_run(run.run_id)
    parent, seq = tip.tip, tip.tip_seq
    last = None
    for _ in range(n):
        seq += 1
        last = ck_row(run.run_id, seq, parent_id=parent, at=at)
        store.append(last, status, "host-a:1")
        parent = last.id
    return last
