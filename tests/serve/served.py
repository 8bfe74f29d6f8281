"""A real ``hitl serve`` for a test: started as a person would, stopped with ctrl+c."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

TOKEN = "test-token-0123456789abcdef"
HITL = (sys.executable, "-m", "tui.cli")
START_TIMEOUT = 20.0


class Served:
    """``hitl --db DB serve --port 0 ...`` in a session of its own, as a terminal
    would run it (so ctrl+c is a SIGINT to its process group)."""

    def __init__(self, folder: Path, *options: str, token: str | None = TOKEN) -> None:
        self.db = folder / "served.db"
        self.flows = folder / "flows"
        self.env = {**os.environ, "HITL_DB": str(self.db), "HITL_FLOWS": str(self.flows)}
        self.env.pop("HITL_SERVE_TOKEN", None)
        argv = [*HITL, "--db", str(self.db), "serve", "--port", "0", *options]
        if token is not None:
            argv += ["--token", token]
        self.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env,
            start_new_session=True,
        )
        self.printed: list[str] = []
        assert self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"hitl serve ended: {self.process.stderr.read()}")
            self.printed.append(line.rstrip("\n"))
            if line.startswith("open "):
                break
        link = self.printed[-1].split()[1]
        found = re.match(r"http://127\.0\.0\.1:(\d+)/", link)
        assert found, link
        self.port = int(found.group(1))
        self.base = f"http://127.0.0.1:{self.port}"
        self.link = link

    def url(self, path: str = "/", token: str | None = TOKEN) -> str:
        return f"{self.base}{path}" + (f"?token={token}" if token else "")

    def apps(self) -> list[int]:
        """The app processes the server runs now (its children)."""
        return children(self.process.pid)

    def ctrl_c(self, timeout: float = 15.0) -> tuple[int, str, str]:
        """SIGINT to the server's process group, as ctrl+c in its terminal; its
        exit status and what it printed after."""
        os.killpg(self.process.pid, signal.SIGINT)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err

    def close(self) -> None:
        if self.process.poll() is None:
            self.ctrl_c()

    def hitl(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The ``hitl`` command on the served store."""
        return subprocess.run([*HITL, *args], capture_output=True, text=True, env=self.env,
                              check=True, timeout=30)

    def sessions(self) -> list[dict]:
        return json.loads(self.hitl("list", "--json", "--all").stdout)

    def log(self, run: str) -> list[dict]:
        return json.loads(self.hitl("log", run, "--json").stdout)


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(ready, what: str, timeout: float = 15.0, every: float = 0.05) -> None:
    """Poll ``ready()`` until it holds (a process or a store changes elsewhere)."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


def answers_file(folder: Path, answers: dict[str, str], name: str = "answers.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(answers), encoding="utf-8")
    return path


__all__: Sequence[str] = [
    "TOKEN", "Served", "alive", "answers_file", "children", "wait_until",
]
