"""`hitl log`, `hitl diff` and `hitl change`: who answered and changed what, two
branches side by side, and changing an earlier answer on a new branch."""

from __future__ import annotations

import argparse
from typing import Any

from tui.cli import render
from tui.cli.answer_commands import report
from tui.cli.commands import USAGE, CommandError, out, stepping
from tui.sessions.answer_input import parse_sets
from tui.sessions.audit import branch_diff, change_answer, session_log, who
from tui.sessions.text import dumps, one_line, when
from tui.sessions.workspace import Workspace


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return one_line(str(value), 60)


def cmd_log(ws: Workspace, args: argparse.Namespace) -> int:
    run = ws.find_run(args.run)
    ckptr = ws.run_checkpointer(run)
    entries = session_log(ckptr, run.run_id)
    if args.json:
        out(dumps([
            {
                "at": e.at.isoformat(), "author": e.author, "run_id": e.run_id,
                "branch": e.branch, "question": e.question, "kind": e.kind,
                "checkpoint_id": e.checkpoint_id,
                "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in e.fields],
            }
            for e in entries
        ]))
        return 0
    if not entries:
        out(f"No answers yet in the session of run {run.run_id}.")
        return 0
    width = ws.short_width([e.run_id for e in entries])
    for i, entry in enumerate(entries):
        if i:
            out()
        verb = "changed" if entry.kind == "change" else "answered"
        out(f"{when(entry.at)[:16]}  {one_line(who(entry.author), 40)} {verb}  "
            f"(branch {entry.branch}, run {entry.run_id[:width]})")
        out(f"    {one_line(entry.question, 90)}")
        for change in entry.fields:
            if entry.kind == "change":
                out(f"    {change.field}: {_shown(change.old)} -> {_shown(change.new)}")
            else:
                out(f"    {change.field}: {_shown(change.new)}")
    return 0


def cmd_diff(ws: Workspace, args: argparse.Namespace) -> int:
    a, b = ws.find_run(args.run_a), ws.find_run(args.run_b)
    if a.flow != b.flow:
        raise CommandError(f"runs {a.run_id[:8]} and {b.run_id[:8]} are of different flows")
    ckptr = ws.run_checkpointer(a)
    rows = branch_diff(ckptr, a.run_id, b.run_id)
    if args.json:
        out(dumps({
            "a": a.run_id, "b": b.run_id,
            "fields": [
                {"field": r.field, "question": r.question, "a": r.a, "b": r.b,
                 "a_author": r.a_author, "b_author": r.b_author, "changed": r.changed}
                for r in rows
            ],
        }))
        return 0
    width = ws.short_width([a.run_id, b.run_id])
    table = [
        ("*" if r.changed else " ", r.field, _shown(r.a), _shown(r.b)) for r in rows
    ]
    out(render.table(("", "FIELD", f"RUN {a.run_id[:width]}", f"RUN {b.run_id[:width]}"), table))
    changed = sum(r.changed for r in rows)
    out(f"\n{changed} of {len(rows)} answers differ" if rows else "\nNo answers on either run yet.")
    return 0


def cmd_change(ws: Workspace, args: argparse.Namespace) -> int:
    if not args.set:
        raise CommandError("nothing to change: give --set FIELD=VALUE", USAGE)
    run = ws.find_run(args.run)
    ckptr = ws.run_checkpointer(run)
    with stepping(run.run_id):
        new = change_answer(ckptr, run.run_id, parse_sets(args.set))
    if not args.json:
        out(f"changed on a new branch: run {new.run_id} (run {run.run_id[:8]} is kept as it was)")
    return report(ckptr, new.run_id, json=args.json)
