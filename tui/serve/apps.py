"""One browser tab's app: a ``hitl`` process that textual-serve speaks to over pipes.

textual-serve's ``AppService`` starts its app through a shell command line;
here the app is started from an argument list (nothing is ever parsed by a
shell), in a session of its own (a ctrl+c in the server's terminal reaches
the server, which then ends its apps in order), with the person's name in
``HITL_USER`` and without the server's token in its environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from textual_serve.app_service import AppService

from tui.serve.access import TOKEN_ENV

APP_COMMAND: tuple[str, ...] = (sys.executable, "-m", "tui.cli")
"""The app each tab runs: the ``hitl`` command with no command, that is the UI's
home screen, on the store and flows the server was given (through the environment)."""

QUIT_GRACE = 3.0
"""Seconds an app has to end after it is asked to quit, before it is terminated."""

KILL_GRACE = 2.0
"""Seconds a terminated app has to end, before it is killed."""


class AppProcess(AppService):
    """A tab's ``hitl`` app process; ``stop`` always ends it."""

    def __init__(self, argv: Sequence[str], env: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self._argv = tuple(argv)
        self._extra_env = dict(env)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        environment.pop(TOKEN_ENV, None)
        environment.update(self._extra_env)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        self._process = process = await asyncio.create_subprocess_exec(
            *self._argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width, height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        """textual-serve's, and then the tab's websocket closed: an app that ended
        without saying so (it crashed, or failed to start) would leave its page
        waiting, the tab still counted, until the person closed it."""
        try:
            await super().run()
        finally:
            with contextlib.suppress(Exception):  # closed already (the app said so)
                await self.remote_close()

    async def stop(self) -> None:
        """Ask the app to quit; terminate it, then kill it, if it does not end.

        The app has closed its output before it has ended: its process is waited
        for too, else it would be signalled while it ends (and a signal polls,
        reaping it behind asyncio's back: "Unknown child process")."""
        if self._task is None:
            return
        process = self._process
        assert process is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._quit(process)), QUIT_GRACE)
        if process.returncode is not None:
            return
        for signal_it, grace in ((process.terminate, KILL_GRACE), (process.kill, None)):
            with contextlib.suppress(ProcessLookupError):
                signal_it()
            try:
                await asyncio.wait_for(process.wait(), grace)
                return
            except TimeoutError:
                continue

    async def _quit(self, process: asyncio.subprocess.Process) -> None:
        await super().stop()
        await process.wait()
