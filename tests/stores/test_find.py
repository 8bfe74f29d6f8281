"""find_checkpoints: every filter ANDed, in the order stored, with or without the
shapes the engine works out from a workflow."""

from __future__ import annotations

import pytest

from hitl.store.base import WAITING
from tests.stores.records import ck_row, run_row

# (step, input type, output type) of a small flow's checkpoints, in order
STEPS = [
    ("begin", "StartEvent", "NameQuestion"),
    ("human", "NameQuestion", "NameQuestion"),
    ("take_name", "NameQuestion", "AgeQuestion"),
    ("human", "AgeQuestion", "AgeQuestion"),
    ("take_age", "AgeQuestion", "StopEvent"),
]
SHAPES = sorted({(s, i) for s, i, _ in STEPS})


@pytest.fixture
def filled(store):
    """Three survey runs and one echo run, their checkpoints interleaved."""
    runs = [run_row(flow=f) for f in ("survey", "survey", "echo", "survey")]
    for r in runs:
        store.create_run(r)
    tips: dict[str, str | None] = {r.run_id: None for r in runs}
    stored = []
    for seq, (step, i, o) in enumerate(STEPS):
        for r in runs:
            ck = ck_row(r.run_id, seq, parent_id=tips[r.run_id], flow=r.flow, step=step,
                        input_type=i, output_type=o)  # fmt: skip
            store.append(ck, WAITING, None)
            tips[r.run_id] = ck.id
            stored.append(ck)
    return store, runs, stored


@pytest.mark.parametrize("shapes", [None, SHAPES])
@pytest.mark.parametrize(
    "filters",
    [
        {"step": "human"},
        {"input_type": "AgeQuestion"},
        {"output_type": "AgeQuestion"},
        {"step": "human", "output_type": "NameQuestion"},
        {"step": "take_age", "input_type": "NameQuestion"},
        {"run_id": "RUN1"},
        {"run_id": "RUN1", "step": "human"},
        {"run_id": "RUN2"},
        {"step": "no-such-step"},
    ],
)
def test_filters_are_anded_in_stored_order(filled, filters, shapes):
    store, runs, stored = filled
    filters = {k: (runs[int(v[3])].run_id if k == "run_id" else v) for k, v in filters.items()}

    def matches(c) -> bool:
        return c.flow == "survey" and all(getattr(c, k) == v for k, v in filters.items())

    expected = [c for c in stored if matches(c)]
    if "run_id" in filters:
        expected.sort(key=lambda c: c.seq)
    assert store.find_checkpoints("survey", shapes=shapes, **filters) == expected


def test_another_flows_checkpoints_are_never_found(filled):
    store, runs, _stored = filled
    echo = runs[2].run_id
    assert store.find_checkpoints("survey", run_id=echo) == []
    assert [c.run_id for c in store.find_checkpoints("echo", step="human")] == [echo, echo]
