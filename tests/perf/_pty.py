"""A whole process under a pseudo-terminal, timed until a text is on its screen."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Mapping
from pathlib import Path

ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])")


def first_paint(cmd: list[str], marker: str, *, env: Mapping[str, str], cwd: Path,
                size: tuple[int, int] = (100, 30), timeout: float = 60.0,
                keys: bytes = b"\x11") -> float:
    """Seconds from spawning ``cmd`` on a pty of ``size`` (columns, lines) until
    ``marker`` appears in what it writes, escape sequences stripped; then
    ``keys`` (ctrl+q) are sent and the exit waited for, untimed."""
    cols, lines = size
    env = dict(env, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(lines))
    env.pop("TEXTUAL", None)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, cols, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True, close_fds=True)
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
                f"{marker!r} did not appear; {' '.join(cmd)} wrote: "
                f"{ANSI.sub('', seen.decode('utf-8', 'replace'))[-400:]!r}")
        os.write(master, keys)
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
