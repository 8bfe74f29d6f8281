"""`hitl check FILE.toml...`: every problem of each questionnaire file, for its
author's editor and CI.

The files are read by the registry's own reader (:func:`flows.registry.check_file`),
so what is reported here is exactly why ``hitl flows`` would leave a file out; the
reader goes on past a problem to find the next. Nothing is stored and no store is
opened. Exit status 0 when every file is fine, 1 when any has a problem.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from flows.registry import FileCheck, available_flows, check_file
from tui.cli.commands import out
from tui.sessions.text import dumps, one_line
from tui.sessions.workspace import Workspace


def cmd_check(ws: Workspace, args: argparse.Namespace) -> int:
    taken = available_flows(None)  # built-in and shipped names: a file may not take one
    checks: list[FileCheck] = []
    for given in args.files:
        checks += _checks(Path(given).expanduser(), taken)
    bad = [c for c in checks if c.problems]
    if args.json:
        out(dumps({"ok": not bad, "files": [_data(c) for c in checks]}))
        return 1 if bad else 0
    for check in checks:
        if check.questionnaire is not None:
            q = check.questionnaire
            count = len(q.questions)
            out(f"{check.path}: ok (flow {q.id}, {count} question{'s' if count != 1 else ''})")
            continue
        for problem in check.problems:
            out(one_line(str(problem)))
        count = len(check.problems)
        out(f"{check.path}: {count} problem{'s' if count != 1 else ''}")
    if len(checks) > 1:
        out(f"{len(checks)} files checked: {len(checks) - len(bad)} ok, {len(bad)} with problems")
    return 1 if bad else 0


def _checks(path: Path, taken: Any) -> list[FileCheck]:
    """A file's check; for a folder, one of each ``*.toml`` in it."""
    from flows.questionnaire_file import QuestionnaireError  # the reader: only here

    if not path.is_dir():
        return [check_file(path, taken)]
    files = sorted(p for p in path.glob("*.toml") if p.is_file())
    if not files:
        return [FileCheck(path, None, [QuestionnaireError(
            str(path), None, None, "a folder with no *.toml file in it")])]
    return [check_file(p, taken) for p in files]


def _data(check: FileCheck) -> dict[str, Any]:
    q = check.questionnaire
    return {
        "path": str(check.path),
        "ok": not check.problems,
        "flow": q.id if q is not None else None,
        "questions": len(q.questions) if q is not None else None,
        "problems": [
            {"line": p.line, "question": p.question, "reason": p.reason, "message": str(p)}
            for p in check.problems
        ],
    }
