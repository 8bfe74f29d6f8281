"""A tab's app process (``tui.serve.apps.AppProcess``) on a stand-in app: a small
script that speaks textual-serve's pipes as far as starting and quitting go."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from textual_serve.download_manager import DownloadManager

from tui.serve.apps import AppProcess

# Says it is an app, then reads its input until it is told to quit; then, as the
# hitl app does, it closes its output first and finishes ending after (here it
# takes a moment, and says so in a file when it is done).
SLOW_TO_END = """
import os, sys, time
print("__GANGLION__", flush=True)
seen = b""
while b'"quit"' not in seen:
    chunk = os.read(0, 4096)
    if not chunk:
        break
    seen += chunk
os.close(1)
time.sleep(0.5)
open(sys.argv[1], "w").write("ended")
"""


async def nothing(*_: object) -> None:
    return None


def stand_in(tmp_path: Path) -> tuple[AppProcess, Path]:
    script = tmp_path / "app.py"
    script.write_text(SLOW_TO_END, encoding="utf-8")
    ended = tmp_path / "ended"
    app = AppProcess((sys.executable, str(script), str(ended)), {},
                     write_bytes=nothing, write_str=nothing, close=nothing,
                     download_manager=DownloadManager())
    return app, ended


async def test_an_app_asked_to_quit_ends_by_itself_and_is_not_cut_off(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    app, ended = stand_in(tmp_path)
    await app.start(80, 24)
    with caplog.at_level(logging.WARNING):
        await app.stop()
    assert ended.read_text() == "ended"  # not terminated while it was ending
    assert caplog.records == []  # nor reaped behind asyncio's back ("Unknown child process")
