"""Profile the hot paths with cProfile: the MemoryStore questionnaire, the
SqliteStore (FULL) questionnaire, a branch from a fresh checkpointer, and
filter_checkpoints on a 10k SqliteStore. Prints the top entries by own time and
by cumulative time.

    python -m tests.perf.profile_hot_paths [--top 25] [--only memory,sqlite,branch,filter]
    python -m tests.perf.profile_hot_paths --save DIR   # also write .prof files (snakeviz etc.)

cProfile adds a fixed cost per Python call, so it overstates code that makes
many small calls; read the shares, not the absolute times.
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import asyncio
import cProfile
import io
import pstats
import tempfile
from pathlib import Path

from hitl import MemoryStore, SqliteStore, WorkflowCheckpointer
from tests.perf._common import fill_mixed, new_checkpointer, questionnaire


def show(title: str, prof: cProfile.Profile, n_units: int, unit: str, top: int,
         save: str | None) -> None:
    stats = pstats.Stats(prof)
    total = stats.total_tt
    print(f"\n{'=' * 100}\n{title}: {n_units} {unit}, {total * 1e3 / n_units:.3f} ms "
          f"per {unit.rstrip('s')} under the profiler")
    for key, label in (("tottime", "own time"), ("cumulative", "cumulative")):
        buf = io.StringIO()
        s = pstats.Stats(prof, stream=buf)
        s.strip_dirs().sort_stats(key).print_stats(top)
        text = buf.getvalue()
        start = text.find("   ncalls")
        print(f"\n-- top {top} by {label} (total {total:.3f} s)")
        print(text[start:].rstrip())
    if save:
        path = Path(save) / (title.split(":")[0].replace(" ", "_").lower() + ".prof")
        stats.dump_stats(path)
        print(f"(saved {path})")


async def prof_memory(top: int, save: str | None) -> None:
    n = 2000
    ckptr = new_checkpointer(MemoryStore())
    for _ in range(200):
        await questionnaire(ckptr)
    ckptr = new_checkpointer(MemoryStore())
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        await questionnaire(ckptr)
    prof.disable()
    show("MemoryStore questionnaire", prof, n, "questionnaires", top, save)


async def prof_sqlite(d: Path, top: int, save: str | None) -> None:
    n = 300
    store = SqliteStore(d / "sqlite.db")
    ckptr = new_checkpointer(store)
    for _ in range(20):
        await questionnaire(ckptr)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        await questionnaire(ckptr)
    prof.disable()
    store.close()
    show("SqliteStore questionnaire (FULL)", prof, n, "questionnaires", top, save)


async def prof_branch(d: Path, top: int, save: str | None) -> None:
    from flows.gather import GatherFlow

    path = d / "branch.db"
    store = SqliteStore(path, synchronous="NORMAL")
    ckptr = new_checkpointer(store)
    run_ids = [await questionnaire(ckptr) for _ in range(100)]
    target = next(c for c in ckptr.checkpoints[run_ids[50]]
                  if c.last_completed_step == "human" and c.output_event_type == "ResourcesEvent")
    store.close()

    async def once(i: int) -> None:
        s = SqliteStore(path)
        ck = WorkflowCheckpointer(GatherFlow(), s)
        cp = ck.get_checkpoint(target.id)
        cp.output_event.resources = f"edited {i}"
        await ck.run_from(cp)
        s.close()

    for i in range(5):
        await once(-i)
    n = 300
    prof = cProfile.Profile()
    prof.enable()
    for i in range(n):
        await once(i)
    prof.disable()
    show("Branch from a fresh checkpointer (SqliteStore, FULL)", prof, n, "branches", top, save)


def prof_filter(d: Path, top: int, save: str | None) -> None:
    path = d / "filter.db"
    fill = SqliteStore(path, synchronous="NORMAL")
    fill_mixed(fill, 1111, 0)
    fill.close()
    store = SqliteStore(path)
    ckptr = new_checkpointer(store)
    ckptr.filter_checkpoints(last_completed_step="gather_notes")
    n = 50
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        ckptr.filter_checkpoints(last_completed_step="gather_notes")
    prof.disable()
    store.close()
    show("filter_checkpoints by step, SqliteStore 10k stored, 1,111 matches", prof, n,
         "calls", top, save)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", default="memory,sqlite,branch,filter")
    parser.add_argument("--save", metavar="DIR")
    args = parser.parse_args()
    which = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="hitl-prof-") as tmp:
        d = Path(tmp)
        if "memory" in which:
            asyncio.run(prof_memory(args.top, args.save))
        if "sqlite" in which:
            asyncio.run(prof_sqlite(d, args.top, args.save))
        if "branch" in which:
            asyncio.run(prof_branch(d, args.top, args.save))
        if "filter" in which:
            prof_filter(d, args.top, args.save)


if __name__ == "__main__":
    main()
