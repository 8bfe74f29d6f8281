"""One questionnaire on MemoryStore: run() to the first question, four answers,
every handler awaited, every checkpoint stored. Bar: at most 5x the time of nine
JSON round trips (validate + dump) of an answered question event, measured in the
same run (the work pydantic does for the nine checkpoints, and nothing else).
Also, as information, against the same work with no engine (awaited tasks, dumps,
validations) and the old absolute bar of 0.3 ms.

    python -m tests.perf.bench_memory_questionnaire [--quick]
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import asyncio
import time

from flows.gather import (
    ApproachEvent,
    GatherState,
    NotesEvent,
    ObjectiveEvent,
    ResourcesEvent,
)
from hitl import COMPLETED, MemoryStore, StopEvent
from tests.perf._common import (
    ANSWERS,
    STEPS_PER_QUESTIONNAIRE,
    Row,
    finish,
    fmt_ms,
    gc_paused,
    median,
    new_checkpointer,
    parse_args,
    questionnaire,
)

BAR_S = 0.3e-3
BAR_RATIO = 5.0


async def timed_batch(n: int, pause_gc: bool = True) -> float:
    """Seconds per questionnaire over ``n``, on a fresh checkpointer and store."""
    ckptr = new_checkpointer(MemoryStore())
    with gc_paused(pause_gc):
        t0 = time.perf_counter()
        for _ in range(n):
            await questionnaire(ckptr)
        elapsed = time.perf_counter() - t0
    runs = ckptr.runs()
    assert len(runs) == n and all(r.status == COMPLETED for r in runs)
    assert len(ckptr.checkpoints[runs[-1].run_id]) == STEPS_PER_QUESTIONNAIRE
    return elapsed / n


_QUESTIONS = [
    (ObjectiveEvent, "objective", "What is your main objective?"),
    (ResourcesEvent, "resources", "What resources do you have available?"),
    (ApproachEvent, "approach", "What approach will you take?"),
    (NotesEvent, "notes", "Any additional notes?"),
]


async def _emit(event):
    return event


async def floor_questionnaire(log: list) -> None:
    """The same essential work with no engine: 5 awaited tasks (one per step),
    9 records of event JSON + state JSON appended to a list, 4 answers validated
    by pydantic."""
    state = GatherState()
    for i in range(5):
        if i < 4:
            cls, name, message = _QUESTIONS[i]
            out = await asyncio.ensure_future(_emit(cls(**{name: "", "message": message})))
        else:
            out = await asyncio.ensure_future(_emit(StopEvent(result=state.model_dump())))
        log.append((out.model_dump_json(), state.model_dump_json()))
        if i < 4:
            answered = cls.model_validate({**out.model_dump(), name: ANSWERS[name]})
            setattr(state, name, getattr(answered, name))
            log.append((answered.model_dump_json(), state.model_dump_json()))


def round_trip_batch(n: int) -> float:
    """Seconds per nine JSON round trips of an answered question event: validate
    the JSON a store holds into the event, dump it back to JSON."""
    text = ObjectiveEvent(objective=ANSWERS["objective"],
                          message="What is your main objective?").model_dump_json()
    validate = ObjectiveEvent.model_validate_json
    out = []
    with gc_paused():
        t0 = time.perf_counter()
        for _ in range(n):
            for _ in range(STEPS_PER_QUESTIONNAIRE):
                out.append(validate(text).model_dump_json())
        elapsed = time.perf_counter() - t0
    assert out[-1] == text
    return elapsed / n


async def floor_batch(n: int) -> float:
    log: list = []
    with gc_paused():
        t0 = time.perf_counter()
        for _ in range(n):
            await floor_questionnaire(log)
        elapsed = time.perf_counter() - t0
    assert len(log) == n * STEPS_PER_QUESTIONNAIRE
    return elapsed / n


async def main_async(args) -> None:
    n = 300 if args.quick else 1000
    await timed_batch(200)  # warm-up: imports, caches, route tables
    await floor_batch(200)
    round_trip_batch(200)
    ours, floor, ours_gc, trips, ratios = [], [], [], [], []
    for _ in range(args.repeats):
        trips.append(round_trip_batch(n))
        floor.append(await floor_batch(n))
        ours.append(await timed_batch(n))
        ours_gc.append(await timed_batch(n, pause_gc=False))
        ratios.append(ours[-1] / trips[-1])
    m, f, mg = median(ours), median(floor), median(ours_gc)
    t, r = median(trips), median(ratios)
    rows = [
        Row.check("in-memory questionnaire (start + 4 answers, gc off) / nine JSON round "
                  "trips (validate + dump) of an answered question event (median of "
                  "per-repeat ratios)", f"<= {BAR_RATIO:.0f}x",
                  f"{r:.2f}x ({fmt_ms(m)} / {fmt_ms(t)})", r <= BAR_RATIO),
        Row("  MemoryStore questionnaire, absolute (the old bar: 0.3 ms)", "(info)",
            fmt_ms(m)),
        Row("  same, gc on", "(info)", fmt_ms(mg)),
        Row("  ratio to floor (bare asyncio+pydantic)", "(info)", f"{m / f:.2f}x"),
        Row("  per checkpoint (gc off)", "(info)", fmt_ms(m / STEPS_PER_QUESTIONNAIRE)),
    ]
    floors = [
        Row("floor: nine JSON round trips (model_validate_json + model_dump_json) of an "
            "answered ObjectiveEvent", "(floor)", fmt_ms(t)),
        Row("floor: 5 awaited tasks, 9 event+state dumps, 4 answer validations",
            "(floor)", fmt_ms(f)),
    ]
    print(f"questionnaires per repeat: {n}, repeats: {args.repeats}; "
          f"ours per repeat (ms): {', '.join(f'{x * 1e3:.3f}' for x in ours)}")
    finish("MemoryStore questionnaire", rows, floors, args)


def main() -> None:
    args = parse_args(__doc__)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
