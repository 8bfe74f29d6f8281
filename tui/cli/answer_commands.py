"""The headless commands that start and answer runs: ``hitl new FLOW --answers FILE``
and ``hitl answer RUN``, and the report printed after answering.

Like :mod:`tui.cli.commands`, each command takes the
:class:`~tui.sessions.workspace.Workspace` and the parsed arguments, prints its output, and
returns the exit status; errors are raised and :mod:`tui.cli` turns them into one
line on stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pydantic import ValidationError

from hitl import (
    COMPLETED,
    FAILED,
    RUNNING,
    WAITING,
    CheckpointNotFound,
    RunHandler,
    RunNotWaiting,
    WorkflowCheckpointer,
)
from tui.cli import render
from tui.cli.commands import (
    USAGE,
    CommandError,
    RunFailed,
    _indent,
    _pending,
    describe,
    out,
    stepping,
)
from tui.sessions.answer_input import parse_sets, read_answers_file, source_name
from tui.sessions.answering import (
    Applied,
    apply_answers,
    check_answers,
)
from tui.sessions.export import run_result
from tui.sessions.summary import status_of
from tui.sessions.text import dumps, one_line, visible
from tui.sessions.workspace import Workspace, drive


def go(handler: RunHandler) -> None:
    """Drive a run until it waits or ends."""
    with stepping(handler.run_id):
        drive(handler)


def cmd_new(ws: Workspace, args: argparse.Namespace) -> int:
    """``hitl new FLOW --answers FILE`` (without a file, :mod:`tui.cli.launch` opens the UI)."""
    workflow = ws.workflow(args.flow)
    answers = read_answers_file(args.answers)
    source = source_name(args.answers)
    check_answers(workflow, answers, text=False, source=source)  # a refused file starts no run
    ckptr = ws.checkpointer(workflow)
    handler = ckptr.run()
    if not args.json:
        out(handler.run_id)
    go(handler)
    return _answer(ckptr, handler.run_id, answers, text=False, source=source, json=args.json)


def cmd_answer(ws: Workspace, args: argparse.Namespace, *, resume: bool = False) -> int:
    """``hitl answer RUN``; with ``resume`` (``hitl resume RUN --answers FILE``), a
    failed run's step runs again first, as ctrl+r does in the UI."""
    run = ws.find_run(args.run)
    ckptr = ws.run_checkpointer(run)
    if args.answers is not None:
        values: dict[str, Any] = read_answers_file(args.answers)
        source, text = source_name(args.answers), False
    else:
        values, source, text = parse_sets(args.set or []), "--set", True
    check_answers(ckptr.workflow, values, text=text, source=source if not text else "")
    if _ready_to_answer(ckptr, run.run_id, failed=resume):  # the run went on to its end
        if not args.json:
            out(run.run_id)
        if values:
            names = ", ".join(values)
            print(visible(f"hitl: note: {source}: not asked, not used: {names}"), file=sys.stderr)
        return report(ckptr, run.run_id, json=args.json)
    pending = ckptr.pending_question(run.run_id)  # None: another writer moves it on now
    wanted = type(pending[1]).answer_rules if pending is not None else {}
    if not values and wanted:
        if args.answers is not None:
            raise CommandError(f"{source} holds no answers: the question the run waits on "
                               f"wants {', '.join(wanted)}")
        raise CommandError(
            "nothing to answer with: give --set FIELD=VALUE or --answers FILE "
            f"(hitl show {run.run_id} shows the question)", USAGE,
        )
    if not args.json:
        out(run.run_id)
    return _answer(ckptr, run.run_id, values, text=text, source=source, json=args.json)


def _ready_to_answer(ckptr: WorkflowCheckpointer, run_id: str, *, failed: bool = False) -> bool:
    """Make sure the run waits on a question, or is moving on from an answer another
    writer just gave (answering then names each answer as not stored, and why):
    resume one a crash cut off (with ``failed``, one whose step failed too); else say
    why not. True when resuming took the run to its end: nothing is left to answer."""
    info = ckptr.get_run(run_id)
    if info.interrupted or (failed and info.status == FAILED):
        go(ckptr.resume(run_id))
        info = ckptr.get_run(run_id)
        if info.status == COMPLETED:
            return True
    if ckptr.pending_question(run_id) is not None:
        return False
    info = ckptr.get_run(run_id)  # read after: another writer may have moved it meanwhile
    if info.status == WAITING or (info.status == RUNNING and not info.interrupted):
        return False
    if info.status == COMPLETED:
        raise CommandError(
            f"run {run_id} is completed: there is no question to answer "
            f"(hitl export {run_id} --format md shows its answers)"
        )
    if info.status == FAILED:
        raise CommandError(
            f"run {run_id} failed in a step ({one_line(info.error or '')}); "
            f"there is no question to answer (hitl resume {run_id} runs the step again)"
        )
    raise CommandError(f"run {run_id} has no question pending (it is {status_of(info)})")


def _answer(ckptr: WorkflowCheckpointer, run_id: str, values: dict[str, Any], *, text: bool,
            source: str, json: bool) -> int:
    """Apply ``values`` question after question, print where the run is now, and
    fail naming what was not stored (and why) unless every answer that could be was."""
    try:
        with stepping(run_id):
            applied = apply_answers(ckptr, run_id, values, text=text)
    except CheckpointNotFound as exc:
        raise CommandError(
            f"run {run_id} is damaged: {exc}; nothing was stored "
            f"(hitl show {run_id} shows what is left of it)"
        ) from None
    except RunNotWaiting as exc:  # another writer took it to its end since it was looked at
        _ready_to_answer(ckptr, run_id)  # says where it is now, and that nothing was stored
        raise CommandError(f"{exc}; nothing was stored") from None
    _settled(ckptr, run_id)
    if applied.not_asked:
        names = ", ".join(applied.not_asked)
        print(visible(f"hitl: note: {source}: not asked, not used: {names}"), file=sys.stderr)
    report(ckptr, run_id, json=json, applied=applied)
    if applied.complete and (applied.stored or applied.not_asked or not values):
        return 0
    raise CommandError(_not_stored(run_id, applied, source))


def _not_stored(run_id: str, applied: Applied, source: str) -> str:
    """What was stored and what was not, and why, on one line."""
    stored = f"stored {', '.join(applied.stored)}" if applied.stored else "nothing stored"
    if applied.refused is not None:
        exc = applied.refused
        reason = describe(exc) if isinstance(exc, ValidationError) else str(exc)
        return f"{reason} (run {run_id} waits at that question; {stored})"
    if not applied.not_stored:  # every field given was answered before, as given
        return (f"{source}: nothing stored: {', '.join(applied.same)} answered before as "
                f"given, and nothing for the question the run waits on")
    reasons: dict[str, list[str]] = {}
    for name, why in applied.not_stored.items():
        reasons.setdefault(why, []).append(name)
    missed = "; ".join(f"{', '.join(names)}: {why}" for why, names in reasons.items())
    head = f"stored {', '.join(applied.stored)}; not stored " if applied.stored else "not stored "
    return f"{source}: {head}{missed}"


def _settled(ckptr: WorkflowCheckpointer, run_id: str) -> None:
    """Raise the step's error if answering made the run fail."""
    info = ckptr.get_run(run_id)
    if info.status == FAILED:
        raise RunFailed(f"run {run_id} failed in a step: {one_line(info.error or '')}")


def report(ckptr: WorkflowCheckpointer, run_id: str, *, json: bool,
           applied: Applied | None = None) -> int:
    """After answering: the run's pending question, or its result (with --json,
    the fields ``applied`` stored and did not)."""
    info = ckptr.get_run(run_id)
    pending, number, total = _pending(ckptr, run_id)
    answered = number - 1
    done, result = run_result(ckptr, run_id)
    if json:
        out(dumps({
            "run_id": run_id, "flow": info.flow, "session": info.session,
            "status": status_of(info), "answered": answered,
            "question": (
                render.question_data(pending[1], pending[0].id, number, total)
                if pending is not None else None
            ),
            "result": result,
            **({} if applied is None else {
                "stored": applied.stored, "not_stored": applied.not_stored,
                "not_asked": applied.not_asked,
            }),
        }))
    elif pending is not None:
        out(render.question_text(pending[1], run_id, number, total))
    elif done:
        out(f"Completed: {answered} question{'s' if answered != 1 else ''} answered.")
        out("Result:")
        out(_indent(render.result_text(result)))
        out("Export it with:")
        out(f"  hitl export {run_id} --format md")
    else:
        out(f"The run is {status_of(info)}.")
    return 0

