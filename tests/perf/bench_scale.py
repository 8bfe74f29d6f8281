"""`hitl list` and the home screen on a large store against a small one, same run.

    python -m tests.perf.bench_scale [--quick] [--sessions 20000,100000]

Two SqliteStore files are filled through the public API (``WorkflowCheckpointer``
run + answers: a third of the sessions answered to the end, the rest waiting on
their second question), one of 200 sessions and one of 20,000 (``--sessions``
adds sizes, e.g. 100000; ``--quick``: 5,000). Then, alternating the files one
sample at a time, each in a fresh process:

- ``hitl list`` (its default page of 50, with the counts line), timed from spawn
  to exit, output to a pipe;
- ``hitl`` (the home screen) under a pseudo-terminal, timed from spawn until the
  latest session's title is on screen.

Bars: each at most 1.3x at the large size against 200 sessions. The files are
filled with ``synchronous="NORMAL"`` (the fill's durability is not measured);
the timed commands open them as a person's ``hitl`` does.
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import asyncio
import compileall
import os
import subprocess
import sys
import time
from pathlib import Path

from flows.gather import GatherFlow
from hitl import SqliteStore, WorkflowCheckpointer
from tests.perf._common import ANSWERS, ROOT, Row, finish, median, parse_args, scratch_dir
from tests.perf._pty import first_paint

BAR = 1.3
SMALL = 200
LATEST = "The latest session of all"


async def _fill(ckptr: WorkflowCheckpointer, n: int) -> None:
    names = list(ANSWERS)
    for i in range(n):
        handler = ckptr.run()
        await handler
        title = LATEST if i == n - 1 else f"Session {i}: {ANSWERS['objective'][:40]}"
        await ckptr.answer(handler.run_id, objective=title)
        if i % 3 == 0:
            for name in names[1:]:
                await ckptr.answer(handler.run_id, **{name: ANSWERS[name]})


def fill(path: Path, n: int) -> float:
    """Fill ``path`` with ``n`` sessions; seconds it took."""
    t0 = time.perf_counter()
    store = SqliteStore(path, synchronous="NORMAL")
    asyncio.run(_fill(WorkflowCheckpointer(GatherFlow(), store), n))
    store.close()
    return time.perf_counter() - t0


def time_list(env: dict[str, str], db: Path) -> float:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "tui.cli", "--db", str(db), "list"], cwd=ROOT,
                         env=env, capture_output=True, text=True, check=True).stdout
    elapsed = time.perf_counter() - t0
    assert LATEST in out and "More: hitl list" in out, out[-300:]
    return elapsed


def time_home(env: dict[str, str], db: Path) -> float:
    return first_paint([sys.executable, "-m", "tui.cli", "--db", str(db)], LATEST,
                       env=env, cwd=ROOT)


def main() -> None:
    def extra(parser):
        parser.add_argument("--sessions", default=None,
                            help="comma-separated large sizes (default 20000; --quick 5000)")

    args = parse_args(__doc__, extra)
    sizes = ([int(s) for s in args.sessions.split(",")] if args.sessions
             else [5000] if args.quick else [20000])
    rows: list[Row] = []
    floors: list[Row] = []
    with scratch_dir(args.dir) as d:
        env = dict(os.environ, HITL_FLOWS=str(d / "flows"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: .pyc files (see bench_cold_start)
        (d / "flows").mkdir()
        for package in ("hitl", "flows", "tui"):
            compileall.compile_dir(ROOT / package, quiet=1)
        small = d / f"s{SMALL}.db"
        took = fill(small, SMALL)
        print(f"filled {SMALL:,} sessions in {took:.1f} s", flush=True)
        for size in sizes:
            big = d / f"s{size}.db"
            took = fill(big, size)
            print(f"filled {size:,} sessions in {took:.1f} s "
                  f"({big.stat().st_size / 2**20:.0f} MiB)", flush=True)
            for what, timer in (("`hitl list`", time_list), ("`hitl` home on screen", time_home)):
                timer(env, small)  # warm-up: the OS file cache
                timer(env, big)
                s_small, s_big = [], []
                for _ in range(args.repeats):
                    s_small.append(timer(env, small))
                    s_big.append(timer(env, big))
                ms, mb = median(s_small), median(s_big)
                print(f"{what} at {size:,}: {', '.join(f'{x:.3f}' for x in s_big)} s; "
                      f"at {SMALL}: {', '.join(f'{x:.3f}' for x in s_small)} s", flush=True)
                rows.append(Row.check(f"{what}, {size:,} sessions vs {SMALL}", f"<= {BAR}x",
                                      f"{mb / ms:.2f}x ({mb:.3f} s / {ms:.3f} s)",
                                      mb / ms <= BAR))
                if size == sizes[0]:
                    floors.append(Row(f"floor: {what} on {SMALL} sessions", "(floor)",
                                      f"{ms:.3f} s"))
            big.unlink()
    finish("Scale", rows, floors, args)


if __name__ == "__main__":
    main()
