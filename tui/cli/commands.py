"""What the headless `hitl` commands that read and manage the store do (starting and
answering runs: :mod:`tui.cli.answer_commands`; :mod:`tui.cli.launch` opens the terminal UI).

Each command takes the :class:`~tui.sessions.workspace.Workspace` and the parsed
arguments, prints its output, and returns the exit status; errors are raised
and :mod:`tui.cli` turns them into one line on stderr.
"""

from __future__ import annotations

import argparse
import errno
import itertools
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flows.registry import BUILT_IN, SHIPPED_DIR
from hitl import Checkpoint, HitlError, InputRequiredEvent, WorkflowCheckpointer, retention
from tui.cli import render
from tui.sessions.answering import AnswerError
from tui.sessions.export import export_data, export_markdown, lineage_answers, run_result
from tui.sessions.summary import PAGE, SessionSummary, Summaries, SummaryPage, progress, status_of
from tui.sessions.text import dumps, one_line, visible, when
from tui.sessions.workspace import Workspace

USAGE = 2


class CommandError(Exception):
    """A command that cannot do what was asked; ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class RunFailed(Exception):
    """A flow's step raised: the run is stored as failed with that error."""


def describe(exc: ValidationError) -> str:
    """``objective: an answer is required; notes: at most 4000 characters, got 4100``."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or exc.title
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


@contextmanager
def stepping(run_id: str) -> Iterator[None]:
    """Around code that drives a run: a flow step's own error becomes ``RunFailed``."""
    try:
        yield
    except (HitlError, ValidationError, AnswerError, CommandError):
        raise
    except Exception as exc:
        raise RunFailed(f"run {run_id} failed in a step: {type(exc).__name__}: {exc}") from exc


def out(text: str = "") -> None:
    """Print a line for a person: what a terminal would obey is shown escaped."""
    print(visible(text), flush=True)


# -- flows and schema -------------------------------------------------------------------


def cmd_flows(ws: Workspace, args: argparse.Namespace) -> int:
    registry = ws.flows
    problems = [p.message for p in registry.problems]
    if args.json:
        out(dumps({
            "flows": [
                {"name": e.name, "title": e.title, "description": e.description,
                 "source": _source(e.source)}
                for e in registry.values()
            ],
            "user_dir": str(ws.flows_dir),
            "problems": problems,
        }))
        return 0
    width = max((len(name) for name in registry), default=0) + 2
    for entry in registry.values():
        out(f"{entry.name:<{width}}{entry.title or entry.name} ({_source(entry.source)})")
        if entry.description:
            out(f"{'':<{width}}{one_line(entry.description)}")
    out()
    out("Start one with: hitl new NAME")
    out(f"Your own questionnaires (*.toml) are read from {ws.flows_dir}")
    for problem in problems:
        print(f"hitl: warning: left out {one_line(problem)}", file=sys.stderr)
    return 0


def _source(source: str) -> str:
    if source == BUILT_IN:
        return BUILT_IN
    path = Path(source)
    return "shipped" if path.parent == SHIPPED_DIR else str(path)


def cmd_schema(ws: Workspace, args: argparse.Namespace) -> int:
    from flows.schema import answers_schema  # the questionnaire compiler: only here

    out(dumps(answers_schema(ws.workflow(args.flow))))
    return 0


# -- sessions and runs ------------------------------------------------------------------


def _summary_data(s: SessionSummary) -> dict[str, Any]:
    return {
        "session": s.session, "run_id": s.run_id, "flow": s.flow, "title": s.title,
        "status": s.status, "answered": s.answered, "total": s.total,
        "progress": s.progress, "branches": s.branches,
        "updated_at": s.updated_at.isoformat(), "question": s.question, "error": s.error,
    }  # fmt: skip


def cmd_list(ws: Workspace, args: argparse.Namespace) -> int:
    summaries = Summaries(ws.store, ws.workflows)
    limit = None if args.all or (args.json and args.limit is None) else (args.limit or PAGE)
    if args.json:  # streamed, a page at a time: a million sessions never sit in memory
        first = True
        pages = _pages(summaries, args.status, limit)
        opening = next(pages)  # a store that cannot be read prints nothing, not half a list
        sys.stdout.write("[")
        for page in itertools.chain([opening], pages):
            for summary in page.summaries:
                text = dumps(_summary_data(summary), indent=None)
                sys.stdout.write(("\n  " if first else ",\n  ") + text)
                first = False
            for damaged in page.damaged:
                sys.stdout.write(("\n  " if first else ",\n  ") + dumps({"damaged": damaged},
                                                                       indent=None))
                first = False
        sys.stdout.write("\n]\n" if not first else "]\n")
        sys.stdout.flush()
        return 0
    counts = summaries.counts()
    total = sum(counts.values()) if args.status is None else counts[args.status]
    if not total:
        if args.status is not None and sum(counts.values()):
            out(f"No {args.status} sessions in {ws.store_name}.")
        else:
            out(f"No sessions yet in {ws.store_name}.")
            out("Start one with: hitl new FLOW   (hitl flows lists them)")
        return 0
    rows, damaged = [], []
    for page in _pages(summaries, args.status, limit):
        damaged += page.damaged
        width = ws.short_width([s.run_id for s in page.summaries])
        rows += [
            (s.run_id[:width], s.flow, s.status, s.progress, str(s.branches),
             when(s.updated_at)[:16], one_line(s.title, 48))
            for s in page.summaries
        ]  # fmt: skip
    out(render.table(
        ("RUN", "FLOW", "STATUS", "PROGRESS", "BRANCHES", "LAST CHANGE", "TITLE"), rows, right=(4,),
    ))
    for line in damaged:
        out(f"damaged: {one_line(line, 200)}")
    shown = len(rows) + len(damaged)
    tally = ", ".join(f"{n:,} {status}" for status, n in counts.items() if n)
    kind = "" if args.status is None else f"{args.status} "
    if shown < total:
        out(f"\nThe latest {shown:,} of {total:,} {kind}sessions ({tally}). "
            f"More: hitl list --limit N, --all, or --status waiting")
    return 0


def _pages(summaries: Summaries, status: str | None, limit: int | None) -> Iterator[SummaryPage]:
    """Pages of at most ``limit`` sessions in all (None: every one)."""
    left, cursor = limit, None
    while left is None or left > 0:
        page = summaries.page(status=status, limit=PAGE if left is None else min(left, PAGE),
                              cursor=cursor)  # fmt: skip
        yield page
        if page.cursor is None:
            return
        cursor = page.cursor
        if left is not None:
            left -= len(page.summaries) + len(page.damaged)


def cmd_show(ws: Workspace, args: argparse.Namespace) -> int:
    run = ws.find_run(args.run)
    ckptr = ws.run_checkpointer(run)
    info = ckptr.get_run(run.run_id)
    records = ws.store.run_checkpoints(run.run_id)
    answers = lineage_answers(ckptr, run.run_id)
    pending, number, total = _pending(ckptr, run.run_id)
    done, result = run_result(ckptr, run.run_id)
    question = None
    if pending is not None:
        question = render.question_data(pending[1], pending[0].id, number, total)
    if args.json:
        out(dumps({
            "run_id": info.run_id, "flow": info.flow, "session": info.session,
            "status": status_of(info), "branched_from": info.branched_from,
            "made_from": info.made_from,
            "created_at": info.created_at.isoformat(), "updated_at": info.updated_at.isoformat(),
            "error": info.error,
            "checkpoints": [
                {"id": r.id, "seq": r.seq, "step": r.step, "input": r.input_type,
                 "output": r.output_type, "created_at": _iso(r.created_at)}
                for r in records
            ],
            "answers": [{"id": a.id, "question": a.question, "value": a.value} for a in answers],
            "question": question,
            "result": result,
        }))
        return 0
    title = ckptr.workflow.title
    head = [
        ("Run", info.run_id),
        ("Flow", f"{info.flow} ({title})" if title else info.flow),
        ("Session", info.session),
        ("Status", status_of(info)),
    ]
    if info.branched_from:
        origin = ckptr.get_checkpoint(info.branched_from)
        head.append(("Branched", f"from checkpoint {origin.seq} of run {origin.run_id}"))
        if info.made_from is not None and info.made_from != origin.run_id:
            head.append(("Made on", f"run {info.made_from}"))
    head += [("Started", when(info.created_at)), ("Changed", when(info.updated_at))]
    if info.error:
        head.append(("Error", one_line(info.error)))
    for key, value in head:
        out(f"{key + ':':<10}{value}")
    out()
    out("Checkpoints")
    if records:
        rows = [
            (str(r.seq), r.step, f"{r.input_type} -> {r.output_type}",
             when(_utc(r.created_at)))
            for r in records
        ]
        out(_indent(render.table(("SEQ", "STEP", "INPUT -> OUTPUT", "TIME"), rows, right=(0,))))
    else:
        out("  (none yet)")
    out()
    out("Answers")
    for answer in answers:
        out(f"  {answer.id}: {render.value_text(answer.value, '    ')}")
    if not answers:
        out("  (none yet)")
    if pending is not None:
        out()
        out(render.question_text(pending[1], info.run_id, number, total))
    elif done:
        out()
        out("Result")
        out(_indent(render.result_text(result)))
    return 0


def _pending(
    ckptr: WorkflowCheckpointer, run_id: str
) -> tuple[tuple[Checkpoint, InputRequiredEvent] | None, int, int]:
    """The run's pending question (with the checkpoint that asked it), the number
    it would have (one past the answers given), and how many questions there are."""
    answered, total = progress(ckptr, run_id)
    return ckptr.pending_question(run_id), answered + 1, max(total, answered + 1)


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _iso(seconds: float) -> str:
    return _utc(seconds).isoformat()


def _indent(text: str, by: str = "  ") -> str:
    return "\n".join(by + line if line else line for line in text.split("\n"))


# -- export -----------------------------------------------------------------------------


def cmd_export(ws: Workspace, args: argparse.Namespace) -> int:
    run = ws.find_run(args.run)
    ckptr = ws.run_checkpointer(run)
    fmt = args.format
    if fmt is None:
        fmt = "json" if args.output and args.output.lower().endswith(".json") else "md"
    if fmt == "json":
        text = dumps(export_data(ckptr, run.run_id)) + "\n"
    else:
        text = export_markdown(ckptr, run.run_id)
    if args.output is None or args.output == "-":
        if sys.stdout.isatty():  # a person reads it: show what a terminal would obey
            text = visible(text)
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError as exc:
            raise CommandError(
                f"cannot write the export to standard output: {exc.strerror or exc}; "
                f"{_what_to_do(exc)}"
            ) from None
        return 0
    path = Path(args.output).expanduser()
    _write_export(path, text)
    out(str(path))
    return 0


def _write_export(path: Path, text: str) -> None:
    """Write ``text`` to ``path``; an export that fails (a full disk) leaves no part
    of itself behind in a file it created."""
    existed = path.exists()
    try:
        with path.open("w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        if not existed and path.is_file():
            path.unlink(missing_ok=True)
        raise CommandError(
            f"{path}: cannot write the export: {exc.strerror or exc}"
            + ("; nothing was written" if not existed else "")
            + f"; {_what_to_do(exc)}"
        ) from None


_FULL = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def _what_to_do(exc: OSError) -> str:
    """What a person can do about an export that could not be written."""
    if exc.errno in _FULL:
        return "free some space, or write it elsewhere with -o FILE"
    return "write it elsewhere with -o FILE"


# -- retention --------------------------------------------------------------------------


def cmd_delete(ws: Workspace, args: argparse.Namespace) -> int:
    run = ws.find_run(args.run)
    gone = retention.delete_run(ws.store, run.run_id)
    out(f"deleted run {gone[0]}")
    for run_id in gone[1:]:
        out(f"deleted run {run_id} (branched from it)")
    return 0


def cmd_prune(ws: Workspace, args: argparse.Namespace) -> int:
    days = _days(args.older_than)
    age = timedelta(days=days)
    if args.dry_run:
        stale = list(retention.stale_sessions(ws.store, age))
    else:
        stale = retention.prune(ws.store, age)
    verb = "would delete" if args.dry_run else "deleted"
    for record in stale:
        branches = f", {record.branches} runs" if record.branches > 1 else ""
        out(f"{verb} session {record.session} ({record.flow}{branches}, "
            f"completed {when(_utc(record.updated_at))[:16]})")
    if not stale:
        out(f"nothing to prune: no completed session is older than {days:g} days")
    return 0


MAX_DAYS = 36_500_000
"""About 100,000 years: the most ``timedelta`` holds, with room."""


def _days(text: str) -> float:
    """``--older-than`` as a number of days, echoed back when it is none."""
    try:
        days = float(text)
    except ValueError:
        days = math.nan
    if not (math.isfinite(days) and 0 <= days <= MAX_DAYS):
        raise CommandError(
            f"--older-than takes a number of days, 0 or more (at most {MAX_DAYS:,}), "
            f"not {text!r}", USAGE,
        )
    return days
