"""Cold start: ``hitl new gather`` until its first question is on the terminal,
against a bare Textual app that shows one line, in the same run, venv and terminal.

    python -m tests.perf.bench_cold_start [--quick] [--repeats N]

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
Bar: hitl at most 1.3x the bare app.
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


def main() -> None:
    args = parse_args(__doc__)
    repeats = max(args.repeats, 5) if not args.quick else 5
    with scratch_dir(args.dir) as d:
        bare = d / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        flows = d / "flows"
        flows.mkdir()
        env = dict(os.environ, HITL_DB=str(d / "cold.db"), HITL_FLOWS=str(flows))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for package in ("hitl", "flows", "tui"):
            compileall.compile_dir(ROOT / package, quiet=1)
        hitl_cmd = [sys.executable, "-m", "tui.cli", "new", "gather"]
        bare_cmd = [sys.executable, str(bare)]
        # warm-up: .pyc files, the OS file cache, the store file made
        first_paint(hitl_cmd, QUESTION, env=env, cwd=ROOT)
        first_paint(bare_cmd, BARE_LINE, env=env, cwd=ROOT)
        ours, floor = [], []
        for _ in range(repeats):
            floor.append(first_paint(bare_cmd, BARE_LINE, env=env, cwd=ROOT))
            ours.append(first_paint(hitl_cmd, QUESTION, env=env, cwd=ROOT))
    m, f = median(ours), median(floor)
    print(f"repeats: {repeats}; hitl (s): {', '.join(f'{x:.3f}' for x in ours)}; "
          f"bare (s): {', '.join(f'{x:.3f}' for x in floor)}")
    rows = [Row.check("`hitl new gather` to its first question on screen / a bare Textual "
                      "app showing one line", f"<= {BAR}x", f"{m / f:.2f}x ({m:.3f} s / {f:.3f} s)",
                      m / f <= BAR)]
    floors = [Row("floor: a bare Textual app (one Static) to its line on screen, same pty",
                  "(floor)", f"{f:.3f} s")]
    finish("Cold start", rows, floors, args)


if __name__ == "__main__":
    main()
