"""Terminal UI benchmarks (a script, not a test): prints medians.

    python -m tests.perf.bench_tui              # both figures
    python -m tests.perf.bench_tui --only submit --rounds 20
    python -m tests.perf.bench_tui --only cold --repeats 9

1. **Submit to the next question rendered** (bar: median <= 30 ms), under Pilot
   on a SqliteStore file (WAL, durable: one flush to disk an answer, with its next step).
   The clock starts just before ctrl+s is pressed and stops at the first frame
   the screen composes after the next question is in place: the app's
   ``_display`` is wrapped, which is where a real terminal would be written
   (headless, the write itself is skipped; everything before it — the worker,
   the store, the step, the redraw, layout and the compositor's render — is
   timed). Three flows: ``gather`` (long text each time: the form is reloaded
   in place), a long TOML questionnaire of text questions, and a TOML
   questionnaire whose every question is another kind than the one before (the
   screen keeps one form per kind, hidden, so after the first of each kind the
   form is shown and reloaded, not mounted).

2. **Cold start**: ``python -m tui.cli`` spawned as a whole process under a
   pseudo-terminal (100x30, TERM=xterm-256color), timed from spawn until the
   home screen's content appears in what the process writes to the terminal
   (escape sequences stripped): the empty state's "No sessions yet", or, on a
   store holding 50 sessions, the title of the one on top. So it counts the
   interpreter, imports, store open, flow registry, the sessions summary and the
   first paint. Then ctrl+q is sent and the exit waited for.
"""

from __future__ import annotations

if __package__ in (None, ""):  # run as a file
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import argparse
import asyncio
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SUBMIT_BAR_MS = 30.0

LONG_TOML = "\n".join(
    ["id = \"long\"", "title = \"Long\""]
    + [
        f"[[questions]]\nid = \"q{i}\"\nprompt = \"Question {i}?\"\ntype = \"text\"\n"
        for i in range(1, 31)
    ]
)

MIXED_KINDS = [
    ('type = "text"', "Ada"),
    ('type = "long_text"', "A story"),
    ('type = "integer"', "3"),
    ('type = "date"', "2026-02-01"),
    ('type = "list"', "one"),
    ('type = "number"', "0.5"),
]
MIXED_TOML = "\n".join(
    ["id = \"mixed\"", "title = \"Mixed\""]
    + [
        f"[[questions]]\nid = \"m{i}\"\nprompt = \"Mixed {i}?\"\n{MIXED_KINDS[i % 6][0]}\n"
        for i in range(30)
    ]
)


def stats(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return (
        f"median {statistics.median(ms):6.1f} ms   p90 {p90:6.1f} ms   "
        f"min {ms[0]:6.1f} ms   max {ms[-1]:6.1f} ms   (n={len(ms)})"
    )


# -- 1. submit to the next question rendered ------------------------------------------


async def _submit_samples(flow: str, rounds: int, folder: Path) -> list[float]:
    from hitl import SqliteStore
    from tui.app import make_app
    from tui.app.screens.question import QuestionScreen

    store = SqliteStore(folder / f"submit-{flow}.db")
    app = make_app(store, flows_dir=folder, open_flow=flow)
    frames: list[tuple[float, int]] = []
    samples: list[float] = []

    async with app.run_test(size=(100, 30)) as pilot:
        display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            if renderable is not None and isinstance(screen, QuestionScreen):
                frames.append((time.perf_counter(), id(screen), id(screen.shown)))
            display(screen, renderable)

        app._display = timed_display  # type: ignore[method-assign]

        async def until(ready: Any) -> None:
            deadline = time.monotonic() + 10
            while not ready():
                if time.monotonic() > deadline:
                    s = screen()
                    raise RuntimeError(
                        f"timed out on {app.screen!r}: "
                        f"{s and (s.shown, s.busy, s.view and s.view.status)}"
                    )
                await asyncio.sleep(0.001)

        def screen() -> QuestionScreen | None:
            current = app.screen
            return current if isinstance(current, QuestionScreen) else None

        def ready() -> bool:
            s = screen()
            return s is not None and s.shown is not None and not s.busy

        answered = 0
        while answered < rounds:
            await until(ready)
            s = screen()
            assert s is not None and s.shown is not None
            if s.shown.number == s.view.total:  # the last question: finish, start another
                await _fill(s, flow)
                await pilot.press("ctrl+s")
                await until(lambda: screen() is None)
                await pilot.pause()
                while len(app.screen_stack) > 2:  # the review screen over home
                    app.pop_screen()
                    await pilot.pause()
                app.new_session(flow)
                continue
            await _fill(s, flow)
            await pilot.pause()
            before, which = id(s.shown), id(s)
            frames.clear()
            start = time.perf_counter()
            await pilot.press("ctrl+s")

            def painted(which: int = which, before: int = before) -> bool:
                return any(w == which and r != before for _, w, r in frames)

            await until(painted)
            first = next(t for t, w, r in frames if w == which and r > before)
            samples.append(first - start)
            answered += 1
    store.close()
    return samples


async def _fill(screen: Any, flow: str) -> None:
    from textual.widgets import Input, TextArea

    for widget in screen.form.query("Input, TextArea"):
        if isinstance(widget, TextArea):
            widget.text = "A sentence or two, as a person types them, about the plan."
        elif isinstance(widget, Input):
            kind = screen.shown.event.answer_rules[next(iter(screen.shown.event.answer_rules))]
            widget.value = {"integer": "3", "number": "0.5", "date": "2026-02-01"}.get(
                kind.kind, "An answer"
            )


def bench_submit(rounds: int) -> bool:
    print("Submit to the next question rendered (Pilot, SqliteStore file, WAL, FULL)")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "long.toml").write_text(LONG_TOML, encoding="utf-8")
        (folder / "mixed.toml").write_text(MIXED_TOML, encoding="utf-8")
        for flow, what in (
            ("gather", "gather (long text, form reused)"),
            ("long", "30 text questions (form reused)"),
            ("mixed", "another kind each question (form per kind)"),
        ):
            samples = asyncio.run(_submit_samples(flow, rounds, folder))
            median_ms = statistics.median(samples) * 1000
            verdict = "ok" if median_ms <= SUBMIT_BAR_MS else "OVER the bar"
            ok = ok and median_ms <= SUBMIT_BAR_MS
            print(f"  {what:46s} {stats(samples)}   bar {SUBMIT_BAR_MS:.0f} ms: {verdict}")
    return ok


# -- 2. cold start to the home screen -------------------------------------------------

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


def _seed(db: Path, sessions: int) -> str:
    """A store with ``sessions`` gather sessions (two answers each); the title on top."""
    from flows.gather import GatherFlow
    from hitl import SqliteStore, WorkflowCheckpointer
    from tui import run_view

    store = SqliteStore(db)
    ckptr = WorkflowCheckpointer(GatherFlow(), store)
    title = ""
    for i in range(sessions):
        view = run_view.start(ckptr)
        title = f"Bench session {i:03d}"
        view = run_view.answer(ckptr, view.run_id, view.question_checkpoint or "",
                               {"objective": title})
        run_view.answer(ckptr, view.run_id, view.question_checkpoint or "",
                        {"resources": "People and time"})
    store.close()
    return title


def _cold_once(db: Path, flows: Path, marker: str, timeout: float = 30.0) -> float:
    env = dict(os.environ, HITL_DB=str(db), HITL_FLOWS=str(flows), TERM="xterm-256color",
               COLUMNS="100", LINES="30")
    env.pop("TEXTUAL", None)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli"], cwd=ROOT, env=env,
        stdin=slave, stdout=slave, stderr=slave, start_new_session=True, close_fds=True,
    )
    os.close(slave)
    seen = b""
    found = None
    try:
        while found is None and time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen += chunk
            if marker in ANSI.sub("", seen.decode("utf-8", "replace")):
                found = time.perf_counter() - start
        if found is None:
            raise RuntimeError(
                f"the home screen did not appear; the process wrote: "
                f"{ANSI.sub('', seen.decode('utf-8', 'replace'))[-400:]!r}"
            )
        os.write(master, b"\x11")  # ctrl+q
        deadline = time.perf_counter() + 10
        while proc.poll() is None and time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        return found
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(5)
        os.close(master)


def bench_cold(repeats: int) -> None:
    print("Cold start: `python -m tui.cli` under a pseudo-terminal, spawn to home content")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        flows = folder / "flows"
        flows.mkdir()
        empty = folder / "empty.db"
        full = folder / "full.db"
        top = _seed(full, 50)
        for db, marker, what in (
            (empty, "No sessions yet", "empty store"),
            (full, top, "50 sessions"),
        ):
            _cold_once(db, flows, marker)  # warm the OS file cache and .pyc files
            samples = [_cold_once(db, flows, marker) for _ in range(repeats)]
            print(f"  {what:46s} {stats(samples)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["submit", "cold"])
    parser.add_argument("--rounds", type=int, default=30, help="timed submits per flow")
    parser.add_argument("--repeats", type=int, default=7, help="cold starts per store")
    args = parser.parse_args()
    try:
        load = os.getloadavg()[0]
        print(f"load average {load:.2f} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    ok = True
    if args.only in (None, "submit"):
        ok = bench_submit(args.rounds)
    if args.only in (None, "cold"):
        bench_cold(args.repeats)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
