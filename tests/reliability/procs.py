"""Driving worker.py children from a test: every wait is on a line the child
wrote, and every wait has a deadline, so a bug fails the test instead of hanging it."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from hitl import WAITING, WorkflowCheckpointer
from hitl.store.spec import is_postgres

WORKER = Path(__file__).with_name("worker.py")
LINE_TIMEOUT = 20.0  # seconds for any one expected line: generous, only a bug reaches it

# A completed gather run has exactly these checkpoints, in this order.
GATHER_STEPS = [
    "start_process",
    "human",
    "gather_objective",
    "human",
    "gather_resources",
    "human",
    "gather_approach",
    "human",
    "gather_notes",
]


class Child:
    """A ``worker.py`` process; its stdout read line by line on a thread."""

    def __init__(self, *args: object) -> None:
        env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), *map(str, args)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stderr: list[bytes] = []
        self._threads = [
            threading.Thread(target=self._pump_stdout, daemon=True),
            threading.Thread(target=self._pump_stderr, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _pump_stdout(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            if raw.endswith(b"\n"):  # a line cut by a kill was never acknowledged
                self._lines.put(raw[:-1].decode())
        self._lines.put(None)

    def _pump_stderr(self) -> None:
        assert self.proc.stderr is not None
        self._stderr.append(self.proc.stderr.read())

    @property
    def stderr(self) -> str:
        self._threads[1].join(timeout=LINE_TIMEOUT)
        return b"".join(self._stderr).decode(errors="replace")

    def line(self, timeout: float = LINE_TIMEOUT) -> str | None:
        """The next line, or None at the end of the child's output."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise AssertionError(
                f"worker {self.proc.args[2:]} wrote nothing for {timeout}s; stderr:\n{self.stderr}"
            ) from None

    def expect(self, prefix: str, timeout: float = LINE_TIMEOUT) -> str:
        """The next line, which must start with ``prefix``; the rest of it is returned."""
        got = self.line(timeout)
        if got is None or not (got == prefix or got.startswith(prefix + " ")):
            self.kill()
            raise AssertionError(
                f"worker {self.proc.args[2:]}: expected {prefix!r}, got {got!r}; "
                f"stderr:\n{self.stderr}"
            )
        return got[len(prefix) + 1 :]

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def kill(self) -> None:
        """SIGKILL, then reap it (a zombie would still look alive to os.kill(pid, 0))."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=LINE_TIMEOUT)

    def rest(self) -> list[str]:
        """Every line still to come, up to the end of the child's output."""
        lines = []
        while (got := self.line()) is not None:
            lines.append(got)
        return lines

    def wait(self, timeout: float = LINE_TIMEOUT) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"worker {self.proc.args[2:]} did not exit in {timeout}s"
            ) from None

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


_PG_INTEGRITY = """
SELECT r.run_id, r.tip_seq, count(c.seq), max(c.seq), s.session IS NULL
FROM hitl_runs r LEFT JOIN hitl_checkpoints c ON c.run_id = r.run_id
     LEFT JOIN hitl_sessions s ON s.session = r.session
GROUP BY r.run_id, r.tip_seq, s.session
HAVING r.tip_seq <> coalesce(max(c.seq), -1) OR count(c.seq) <> r.tip_seq + 1
    OR s.session IS NULL
"""


def integrity(db: str | Path) -> str:
    """"ok", or what is wrong: SQLite's own check of a file; for a PostgreSQL
    store (whose server checks its pages), that every run's tip is its last
    checkpoint, its checkpoints have no gap, and its session has a row."""
    if is_postgres(str(db)):
        import psycopg

        with psycopg.connect(str(db)) as conn:
            wrong = conn.execute(_PG_INTEGRITY).fetchall()
        return "ok" if not wrong else f"runs out of order: {wrong}"
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def finish(ckptr: WorkflowCheckpointer, run_id: str, values: dict[str, str] | None = None) -> Any:
    """Resume ``run_id`` and answer whatever it still asks; the run's result.

    Answers come from ``values`` by field, or are made up.
    """

    async def go() -> Any:
        handler = ckptr.resume(run_id)
        out = await handler
        while handler.status == WAITING:
            field = next(iter(out.answer_rules))
            value = (values or {}).get(field, f"{field} given on resume")
            handler = ckptr.answer(run_id, **{field: value})
            out = await handler
        return out

    return asyncio.run(go())
