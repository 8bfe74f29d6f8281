"""The `hitl` command: the terminal UI, and headless commands for scripts.

``main(argv)`` parses, runs one command and returns the exit status: 0 on
success, 1 with a one-line reason on stderr when the command fails, 2 for a
usage error. No traceback reaches the person (``HITL_DEBUG=1`` shows one).
The headless commands never import textual.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence

from hitl import __version__
from hitl.store.base import SESSION_STATUSES
from tui.sessions.text import one_line
from tui.sessions.workspace import Workspace

DESCRIPTION = """\
hitl: questionnaires in the terminal that you can leave and come back to.

A flow asks you questions one at a time. Every answer is saved as it is given,
so a session can be closed, resumed, rewound to an earlier answer and changed
(the change starts a branch; nothing is lost). Run `hitl` alone to open the
terminal UI; the commands below work without it, for scripts."""

EPILOG = """\
examples:
  hitl                                   open the terminal UI
  hitl flows                             the flows you can start
  hitl new gather                        answer the gather flow in the terminal UI
  hitl --plain new gather                answer it line by line (no full-screen UI)
  hitl new gather --answers plan.json    answer it from a JSON file, headless
  hitl answer 0193ab12 --set notes='none'  answer the question a run waits on
  hitl export 0193ab12 --format md -o plan.md
  hitl log 0193ab12                      who answered and changed what
  hitl change 0193ab12 --set objective='Ship v3'   change an answer, on a new branch
  hitl check my-survey.toml              every problem of a questionnaire file you write

In the terminal UI, Enter submits an answer, in every field (ctrl+s too); in a
long answer ctrl+j or alt+enter starts a new line.

A run is named by its id or any unique start of it (hitl list shows them).
The store is one SQLite file (--db PATH, else $HITL_DB, else hitl.db in your
user data folder) or a team's PostgreSQL database (--db postgresql://...).
Your own questionnaires (*.toml) are read from --flows-dir, else $HITL_FLOWS,
else flows/ in that folder."""


def build_parser() -> argparse.ArgumentParser:
    # The global options are accepted before or after the command
    # (`hitl --db x list` and `hitl list --db x`); given after, they win.
    common = argparse.ArgumentParser(add_help=False)
    _store_options(common, argparse.SUPPRESS)

    parser = argparse.ArgumentParser(
        prog="hitl", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _store_options(parser, None)
    parser.add_argument("--version", action="version", version=f"hitl {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")

    def command(name: str, summary: str, description: str = "", epilog: str = "",
                writes: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name, help=summary, description=description or summary[:1].upper() + summary[1:] + ".",
            epilog=epilog or None, parents=[common],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(writes=writes)  # only writing commands create the store
        return p

    p = command("flows", "list the flows you can start")
    _json_option(p)

    p = command(
        "check", "report every problem of questionnaire files (for their authors and CI)",
        description=(
            "Read each FILE as hitl flows would and report every problem: the file, the\n"
            "line, the question and what to do. A FILE that is a folder stands for its\n"
            "*.toml files. Exit status 0 when every file is fine (one \"ok\" line each), 1\n"
            "when any has a problem. Nothing is stored."
        ),
        epilog="examples:\n  hitl check my-survey.toml\n  hitl check --json flows/",
    )
    p.add_argument("files", metavar="FILE", nargs="+", help="a questionnaire file (or folder)")
    _json_option(p)

    p = command(
        "new", "start a session of a flow (terminal UI, or --answers FILE)",
        writes=True,
        description=(
            "Start a new session of FLOW. Without --answers, the terminal UI opens on it.\n"
            "With --answers FILE, the answers are taken from a JSON object of field names\n"
            "and answers, question after question, as far as they go; then the run id is\n"
            "printed, then the question it waits on (with the command that answers it) or\n"
            "its result."
        ),
        epilog='example answers file for gather:\n  {"objective": "Ship v2", '
               '"resources": "Two people", "approach": "Small steps", "notes": ""}\n'
               "hitl schema FLOW prints the JSON Schema such a file follows.",
    )
    p.add_argument("flow", metavar="FLOW", help="the flow's name (hitl flows lists them)")
    _answers_option(p)
    _json_option(p)

    p = command(
        "resume", "open the terminal UI at a run's pending question",
        writes=True,
        description=(
            "Open the terminal UI at RUN's pending question; without RUN, at the run\n"
            "changed last that waits, that a crash interrupted or whose step failed. A\n"
            "step a crash cut off runs again at once; a failed one with ctrl+r in the UI,\n"
            "and at once line by line (--plain) or with --answers FILE, which answers\n"
            "headless instead, as hitl answer does."
        ),
    )
    p.add_argument("run", metavar="RUN", nargs="?", help="a run id, or any unique start of one")
    _answers_option(p)
    _json_option(p)

    p = command(
        "answer", "answer the question a run waits on (--set or --answers)",
        writes=True,
        description=(
            "Answer the question RUN waits on, save the answer, and go on to the next\n"
            "question. Prints the run id, then the next question or the result.\n\n"
            "--set FIELD=VALUE is read by the field's kind: integer and number as numbers,\n"
            "yes/no as yes, no, true, false, y, n, 1 or 0, a date as YYYY-MM-DD, multiple\n"
            "choices and lists comma-separated (or --set repeated), text as it is.\n"
            "--answers FILE answers from a JSON object, question after question."
        ),
        epilog="examples:\n  hitl answer 0193ab12 --set objective='Ship v2'\n"
               "  hitl answer 0193ab12 --set areas=security --set areas=billing\n"
               "  hitl answer 0193ab12 --answers rest.json",
    )
    p.add_argument("run", metavar="RUN", help="a run id, or any unique start of one")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--set", metavar="FIELD=VALUE", action="append",
        help="an answer for a field of the pending question (repeat for several)",
    )
    _answers_option(how)
    _json_option(p)

    p = command("list", "list sessions: flow, title, status, progress, last change",
                description=(
                    "List the sessions in the store, the latest first (the latest 50 unless\n"
                    "told otherwise). RUN is the run to continue (the one changed last in the\n"
                    "session)."
                ))
    p.add_argument("--limit", type=_positive, default=None, metavar="N",
                   help="show the latest N sessions (default 50; with --json, every one)")
    p.add_argument("--all", action="store_true", help="show every session")
    p.add_argument("--status", choices=SESSION_STATUSES, default=None,
                   help="only sessions in this status")
    _json_option(p)

    p = command("log", "who answered and changed what in a session, newest first",
                description=(
                    "The story of RUN's session, newest first, like git log: each answer and\n"
                    "each change of an earlier answer (old -> new), who gave it, when, and on\n"
                    "which branch."
                ))
    p.add_argument("run", metavar="RUN", help="a run id, or any unique start of one")
    _json_option(p)

    p = command("diff", "two branches of a session, answer by answer")
    p.add_argument("run_a", metavar="RUN_A", help="a run id, or any unique start of one")
    p.add_argument("run_b", metavar="RUN_B", help="another run of the same session")
    _json_option(p)

    p = command("change", "change an earlier answer and go on from it on a new branch",
                writes=True,
                description=(
                    "Change the earlier answer of RUN that has FIELD, and go on from it on a\n"
                    "new branch (RUN is kept as it was). Prints the new run and its next\n"
                    "question."
                ))
    p.add_argument("run", metavar="RUN", help="a run id, or any unique start of one")
    p.add_argument("--set", action="append", metavar="FIELD=VALUE", required=False,
                   help="the new answer (repeat for several fields of one question)")
    _json_option(p)

    p = command(
        "serve", "the terminal UI in a browser, for a team (needs hitl[serve])",
        description=(
            "Serve the hitl app to browsers: each tab is an app of its own on the store.\n"
            "Prints the link to open (it holds a token; every request must show it).\n"
            "Only this machine can connect unless --host says otherwise. ctrl+c stops."
        ),
        epilog="examples:\n  hitl serve\n"
               "  hitl --db team.db serve --host 0.0.0.0 --users team.toml\n"
               'users file (TOML): [users] then one "TOKEN" = "Name" line per person',
        writes=True,  # its apps write (and make the store, the first time)
    )
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="the port (default 8000; 0: any free)")
    p.add_argument("--token", default=None,
                   help="the token of the link (default: $HITL_SERVE_TOKEN, else a random one; "
                        "other users of this machine can see a --token in ps, not the variable)")
    p.add_argument("--users", metavar="FILE", default=None,
                   help="a TOML file giving each person a token and their name")

    p = command("show", "a run's checkpoints, answers, and question or result")
    p.add_argument("run", metavar="RUN", help="a run id, or any unique start of one")
    _json_option(p)

    p = command(
        "export", "write a run's answers and result as Markdown or JSON",
        description=(
            "Export the answers given on the way to RUN (through the runs it branched\n"
            "from) and its result, as Markdown or JSON, to standard output or a file."
        ),
    )
    p.add_argument("run", metavar="RUN", help="a run id, or any unique start of one")
    p.add_argument("--format", "-f", choices=("md", "json"),
                   help="md or json (default: from the -o file's suffix, else md)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="write to FILE and print its path (default: standard output)")

    p = command("schema", "print the JSON Schema of a flow's answers",
                description="Print the JSON Schema that a flow's answers file (--answers) "
                            "follows.")
    p.add_argument("flow", metavar="FLOW", help="the flow's name (hitl flows lists them)")

    p = command("delete", "delete a run and the runs branched from it")
    p.add_argument("run", metavar="RUN", help="a run id, or any unique start of one")

    p = command(
        "prune", "delete completed sessions older than DAYS",
        description=(
            "Delete the sessions, of every flow in the store, that completed and have\n"
            "not changed for DAYS days. Sessions not completed (waiting, interrupted or\n"
            "failed: ones you may go on with) are always kept."
        ),
    )
    p.add_argument("--older-than", metavar="DAYS", required=True,
                   help="days since the session last changed")
    p.add_argument("--dry-run", action="store_true", help="print what would go; delete nothing")
    return parser


def _store_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db", metavar="PATH|URL", default=default,
        help="the store: a SQLite file or a postgresql:// URL (default: $HITL_DB, else "
        "hitl.db in your user data folder)",
    )
    parser.add_argument(
        "--user", metavar="NAME", default=default,
        help="who you are in the record of answers (default: $HITL_USER, else your login)",
    )
    parser.add_argument(
        "--flows-dir", metavar="DIR", default=default,
        help="the folder of your own *.toml questionnaires (default: $HITL_FLOWS, "
             "else flows/ in your user data folder)",
    )
    parser.add_argument(
        "--plain", action="store_true", default=default if default is not None else False,
        help="ask the questions line by line on standard input and output, without the "
             "full-screen UI (for screen readers, pipes and dumb terminals)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"a number of sessions, 1 or more, not {text!r}")
    return value


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def _answers_option(parser: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup) -> None:
    parser.add_argument(
        "--answers", metavar="FILE",
        help="a JSON object of field names and answers ('-' reads standard input)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `hitl` command with ``argv`` (default: the process's) and return
    the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse has printed
        return exc.code if isinstance(exc.code, int) else 2
    workspace = None
    try:
        workspace = Workspace(args.db, args.flows_dir, user=args.user,
                              writes=getattr(args, "writes", True))
        code = _run(args.command or "ui", workspace, args)
        done, workspace = workspace, None
        done.close()  # a store that cannot flush what it holds fails the command
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`hitl list | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("HITL_DEBUG"):
            raise
        message, code = _explain(exc)
        print(f"hitl: error: {one_line(message)}", file=sys.stderr)
        return code
    finally:
        if workspace is not None:
            try:
                workspace.close()
            except Exception:  # the command's own error is already said
                pass


def _run(command: str, ws: Workspace, args: argparse.Namespace) -> int:
    """Run ``command`` (``"ui"``: ``hitl`` alone) by its ``cmd_`` function, its module
    imported only now: the terminal UI loads none of the headless commands' modules."""
    match command:
        case "new" | "resume" | "serve" | "ui":
            from tui.cli import launch as module
        case "answer":
            from tui.cli import answer_commands as module
        case "log" | "diff" | "change":
            from tui.cli import audit as module
        case "check":
            from tui.cli import check as module
        case _:
            from tui.cli import commands as module
    run: Callable[[Workspace, argparse.Namespace], int] = getattr(module, f"cmd_{command}")
    return run(ws, args)


def _explain(exc: Exception) -> tuple[str, int]:
    """An error as one line a person can act on, and the exit status."""
    from pydantic import ValidationError

    from flows.registry import UnknownFlow
    from hitl import HitlError
    from tui.cli import commands
    from tui.sessions.answering import AnswerError

    if isinstance(exc, commands.CommandError):
        return str(exc), exc.code
    if isinstance(exc, ValidationError):
        return commands.describe(exc), 1
    if isinstance(exc, (HitlError, UnknownFlow, AnswerError, commands.RunFailed)):
        return str(exc), 1
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc}", 1
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}", 1
    if isinstance(exc, ValueError):  # QuestionnaireError and friends
        return str(exc), 1
    return (
        f"unexpected {type(exc).__name__}: {exc} (HITL_DEBUG=1 hitl ... shows the traceback)",
        1,
    )

