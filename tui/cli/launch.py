"""Opening the terminal UI from the `hitl` command: ``hitl``, ``hitl new FLOW``
and ``hitl resume [RUN]``. Textual is imported here only when the UI opens, so
the headless commands never load it; and the headless and line-by-line modules
only when they run, so the UI does not load them.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.sessions.workspace import Workspace


def cmd_new(ws: Workspace, args: argparse.Namespace) -> int:
    """``hitl new FLOW``: the UI on a new session of FLOW; with --answers, headless."""
    if args.answers is not None:
        from tui.cli import answer_commands

        return answer_commands.cmd_new(ws, args)
    ws.workflow(args.flow)  # an unknown flow fails here, before the UI opens
    return open_ui(ws, flow=args.flow, plain=args.plain)


def cmd_resume(ws: Workspace, args: argparse.Namespace) -> int:
    """``hitl resume [RUN]``: the UI at RUN, or at the latest run that waits, was
    interrupted or failed; with --answers, answer headless instead."""
    from tui.cli import answer_commands
    from tui.cli.commands import CommandError
    from tui.sessions.summary import Summaries, to_go_on

    if args.run is not None:
        run = ws.find_run(args.run)
    else:
        latest = to_go_on(Summaries(ws.store, ws.workflows), 1)
        if not latest:
            raise CommandError(
                "nothing to resume: no run is waiting, interrupted or failed "
                "(hitl list shows the sessions; hitl new FLOW starts one)"
            )
        run = ws.find_run(latest[0].run_id)
    if args.answers is not None:
        return answer_commands.cmd_answer(ws, argparse.Namespace(
            run=run.run_id, set=None, answers=args.answers, json=args.json,
        ), resume=True)
    ws.run_checkpointer(run)  # a flow no longer installed fails here, before the UI opens
    return open_ui(ws, run=run.run_id, plain=args.plain)


def cmd_ui(ws: Workspace, args: argparse.Namespace) -> int:
    return open_ui(ws, plain=args.plain)


def open_ui(ws: Workspace, *, flow: str | None = None, run: str | None = None,
            plain: bool = False) -> int:
    """Open the terminal UI on the workspace's store (at a new session of ``flow``,
    or at ``run``), and return its exit status when it closes. With ``plain``, or
    where there is no terminal to draw on, ask line by line instead (the plain mode)."""
    if plain:
        return _plain(ws, flow, run)
    try:
        from tui.app import make_app
    except ImportError as exc:
        from tui.cli.commands import USAGE, CommandError

        reason = "" if exc.name == "tui.app" else f" ({exc})"
        message = f"the terminal UI is not available in this build{reason}"
        raise CommandError(message, USAGE) from None
    if not has_terminal():
        print(f"hitl: note: {_no_terminal()}, so the questions are asked line by line, "
              "as hitl --plain does", file=sys.stderr)
        return _plain(ws, flow, run)
    app = make_app(ws.store, flows_dir=ws.flows_dir, open_flow=flow, open_run=run,
                   author=ws.author)
    app.run()
    return app.return_code or 0


def _plain(ws: Workspace, flow: str | None, run: str | None) -> int:
    from tui.cli import plain

    return plain.run(ws, flow=flow, run_id=run)


def cmd_serve(ws: Workspace, args: argparse.Namespace) -> int:
    """``hitl serve``: the UI in a browser, a tab an app, until ctrl+c."""
    from tui.cli.commands import USAGE, CommandError

    try:
        from tui.serve.command import cmd_serve as serve
    except ImportError as exc:
        raise CommandError(
            f"hitl serve needs the serve extra ({exc.name} is missing): "
            "pip install 'hitl[serve]'", USAGE,
        ) from None
    return serve(args, ws)


WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
"""The Textual driver textual-serve (``hitl serve``) runs each browser tab's app with:
it speaks to the browser over standard input and output, which are pipes."""


def has_terminal() -> bool:
    """Whether the terminal UI can run here: standard input and output are a
    terminal, and one that can draw (TERM is not "dumb"); or the app is served to a
    browser (``hitl serve``)."""
    return _no_terminal() == ""


def _no_terminal() -> str:
    if os.environ.get("TEXTUAL_DRIVER") == WEB_DRIVER:
        return ""
    if not sys.stdin.isatty():
        return "standard input is not a terminal"
    if not sys.stdout.isatty():
        return "standard output is not a terminal"
    if os.environ.get("TERM") == "dumb":
        return "the terminal is dumb (TERM=dumb)"
    return ""
