"""Cold start: ``hitl new gather`` until its first question is on the terminal,
against a bare Textual app that shows one line, in the same run, venv and terminal.

    python -m tests.perf.bench_cold_start [--quick] [--repeats N] [--count N]

Each sample spawns a whole process under a pseudo-terminal (100x30,
TERM=xterm-256color) and times it from spawn until the text it should show
appears in what it writes (escape sequences stripped): the question's prompt
("What is your main objective?") for hitl, the one line for the bare app. Then
ctrl+q is sent and the exit waited for (not timed). The two alternate, so a busy
moment of a shared machine falls on both. hitl runs on a store file of its own,
made before the first sample (a first start creates it; later ones open it).
The project's modules are compiled first and PYTHONDONTWRITEBYTECODE is dropped
for both processes, as for an installed hitl (pip writes the .pyc files of what
it installs: Textual's are there already).
Bar: hitl at most 1.3x the bare app. A second floor is printed beside it: the
bare app that also imports pydantic and builds one model (as any app on this
engine must), which shows how much of the ratio is pydantic's.

``--count N`` also counts each process's instructions under valgrind's callgrind
(user space, spawn until the text is on screen and the exit after ctrl+q), the
fewest of N runs each: the machine's load does not move a count, but hitl's
threads (the store followed, the session's worker) poll on timers, and under
valgrind's slowness they run more or fewer times (about 10% of the count from run
to run), which only ever adds.
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import compileall
import os
import sys
from pathlib import Path

from tests.perf._common import ROOT, Row, finish, median, parse_args, scratch_dir
from tests.perf._pty import first_paint

BAR = 1.3
QUESTION = "What is your main objective?"
BARE_LINE = "A bare Textual app, one line"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static({BARE_LINE!r})

Bare().run()
"""
MODEL_LINE = "A bare Textual app with a pydantic model, one line"
MODEL_APP = f"""
from pydantic import BaseModel
from textual.app import App
from textual.widgets import Static

class Answer(BaseModel):
    objective: str = ""

class Bare(App):
    def compose(self):
        yield Static({MODEL_LINE!r} + Answer(objective="x").objective[:0])

Bare().run()
"""


def counted(cmd: list[str], marker: str, out: Path, env: dict[str, str]) -> int:
    """Instructions of ``cmd`` under callgrind, spawn to exit (after ``marker``)."""
    first_paint(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                 f"--log-file={out}.log", *cmd], marker, env=env, cwd=ROOT, timeout=600)
    for line in out.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"no summary in {out}")


def main() -> None:
    args = parse_args(__doc__, lambda p: p.add_argument(
        "--count", type=int, default=0, metavar="N",
        help="also count instructions under callgrind, the fewest of N runs"))
    repeats = max(args.repeats, 5) if not args.quick else 5
    with scratch_dir(args.dir) as d:
        bare = d / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        model = d / "model.py"
        model.write_text(MODEL_APP, encoding="utf-8")
        flows = d / "flows"
        flows.mkdir()
        env = dict(os.environ, HITL_DB=str(d / "cold.db"), HITL_FLOWS=str(flows))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for package in ("hitl", "flows", "tui"):
            compileall.compile_dir(ROOT / package, quiet=1)
        hitl_cmd = [sys.executable, "-m", "tui.cli", "new", "gather"]
        bare_cmd = [sys.executable, str(bare)]
        model_cmd = [sys.executable, str(model)]
        # warm-up: .pyc files, the OS file cache, the store file made
        first_paint(hitl_cmd, QUESTION, env=env, cwd=ROOT)
        first_paint(bare_cmd, BARE_LINE, env=env, cwd=ROOT)
        first_paint(model_cmd, MODEL_LINE, env=env, cwd=ROOT)
        ours, floor, floor2 = [], [], []
        for _ in range(repeats):
            floor.append(first_paint(bare_cmd, BARE_LINE, env=env, cwd=ROOT))
            ours.append(first_paint(hitl_cmd, QUESTION, env=env, cwd=ROOT))
            floor2.append(first_paint(model_cmd, MODEL_LINE, env=env, cwd=ROOT))
        counts = None
        if args.count:
            runs = (("hitl", hitl_cmd, QUESTION), ("bare", bare_cmd, BARE_LINE),
                    ("model", model_cmd, MODEL_LINE))
            counts = [min(counted(cmd, marker, d / f"{name}.cg", env) for _ in range(args.count))
                      for name, cmd, marker in runs]
    m, f, f2 = median(ours), median(floor), median(floor2)
    print(f"repeats: {repeats}; hitl (s): {', '.join(f'{x:.3f}' for x in ours)}; "
          f"bare (s): {', '.join(f'{x:.3f}' for x in floor)}; "
          f"bare + pydantic (s): {', '.join(f'{x:.3f}' for x in floor2)}")
    rows = [Row.check("`hitl new gather` to its first question on screen / a bare Textual "
                      "app showing one line", f"<= {BAR}x", f"{m / f:.2f}x ({m:.3f} s / {f:.3f} s)",
                      m / f <= BAR),
            Row("same / a bare Textual app with pydantic and one model (second floor)",
                "(info)", f"{m / f2:.2f}x ({m:.3f} s / {f2:.3f} s)")]
    floors = [Row("floor: a bare Textual app (one Static) to its line on screen, same pty",
                  "(floor)", f"{f:.3f} s"),
              Row("second floor: the same app importing pydantic and building one model",
                  "(floor)", f"{f2:.3f} s")]
    if counts is not None:
        ci, cb, cm = counts
        rows.append(Row(f"instructions (callgrind, fewest of {args.count}): hitl / bare app; "
                        "/ bare app + pydantic",
                        "(info)", f"{ci / cb:.2f}x; {ci / cm:.2f}x ({ci / 1e6:,.0f} M / "
                        f"{cb / 1e6:,.0f} M; {cm / 1e6:,.0f} M)"))
    finish("Cold start", rows, floors, args)


if __name__ == "__main__":
    main()
