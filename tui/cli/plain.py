"""The plain mode: ``hitl --plain`` asks the questions line by line on standard
input and output, for screen readers, pipes, dumb terminals and tests.

A face on the session layer like the terminal UI: the same store, the same
moves (:mod:`tui.sessions.run_view`), the same check of every answer. Each
answer is stored as soon as it is accepted and "Saved." says so; the end of the
input (ctrl+d) or ctrl+c stops, says what is saved and how to go on. How a
field is asked and read is :mod:`tui.cli.plain_io`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import ValidationError

from hitl import (
    COMPLETED,
    FAILED,
    WAITING,
    ConflictError,
    RunNotFound,
    RunNotWaiting,
    WorkflowCheckpointer,
)
from hitl.lineage import answer_text
from tui.cli import answer_commands, commands
from tui.cli.plain_io import Console, Stopped, ask_field
from tui.sessions import run_view
from tui.sessions.answering import refusal
from tui.sessions.run_view import RunView
from tui.sessions.summary import Summaries, to_go_on
from tui.sessions.text import ago, one_line
from tui.sessions.workspace import Workspace

LISTED = 20
"""Sessions to go on with that ``hitl --plain`` offers (the latest; any other by its
run id)."""
INTERRUPTED_CODE = 130
"""The exit status after ctrl+c, as for any command a person interrupts."""


def run(ws: Workspace, *, flow: str | None = None, run_id: str | None = None,
        con: Console | None = None) -> int:
    """Ask the questions of a new session of ``flow``, of run ``run_id``, or of the
    session or flow the person picks; return the exit status."""
    con = con or Console()
    try:
        if flow is None and run_id is None:
            picked = pick(ws, con)
            flow, run_id = picked
    except Stopped:
        con.say()
        con.say("Nothing opened.")
        return 0
    except KeyboardInterrupt:
        con.say()
        con.say("Nothing opened.")
        return INTERRUPTED_CODE
    if run_id is None:
        assert flow is not None
        ckptr = ws.checkpointer(ws.workflow(flow))
        return Session(ws, con, ckptr, run_view.start(ckptr), started=True).go()
    ckptr = ws.run_checkpointer(ws.find_run(run_id))
    view = run_view.load_run(ckptr, run_id)
    if view.status == FAILED:  # going on runs the failed step again, as ctrl+r does in the UI
        con.say(f"A step of this flow failed: {one_line(view.error or 'no reason recorded')}")
        con.say("Running it again; your answers are kept.")
        view = run_view.resume(ckptr, run_id)  # failing again, it stays failed: finish says so
    elif run_view.needs_resume(view):
        view = run_view.resume(ckptr, run_id)
    return Session(ws, con, ckptr, view).go()


# -- picking a session or a flow ------------------------------------------------------


def pick(ws: Workspace, con: Console) -> tuple[str | None, str | None]:
    """The flow to start or the run to go on with, as (flow, run id), picked by number."""
    going = to_go_on(Summaries(ws.store, ws.workflows), LISTED)
    entries: list[tuple[str | None, str | None]] = []
    if going:
        con.say("Sessions to go on with:")
        now = ago_now()
        width = ws.short_width([s.run_id for s in going])
        for summary in going:
            entries.append((None, summary.run_id))
            parts = [
                summary.flow, f'"{one_line(summary.title, 48)}"' if summary.title else "",
                "" if summary.status == WAITING else summary.status, summary.progress,
                now(summary.updated_at), f"run {summary.run_id[:width]}",
            ]
            con.say(f"  {len(entries)}) {' · '.join(p for p in parts if p)}")
        if len(going) == LISTED:
            con.say(f"  (the latest {LISTED}; hitl --plain resume RUN opens any other)")
    con.say("Start a new session:")
    for entry in ws.flows.values():
        entries.append((entry.name, None))
        title = f": {one_line(entry.title)}" if entry.title else ""
        con.say(f"  {len(entries)}) {entry.name}{title}")
    con.say(f"Type a number from 1 to {len(entries)}, or a flow's name. ctrl+d quits.")
    if going:
        con.say("Empty line: 1 (the session changed last).")
    while True:
        text = con.line().strip()
        if not text and going:
            return entries[0]
        if text.isdigit() and 1 <= int(text) <= len(entries):
            return entries[int(text) - 1]
        if text in ws.flows:
            return text, None
        con.say(f"Not accepted: type a number from 1 to {len(entries)}, or a flow's name. "
                "Please answer again.")


def ago_now() -> Callable[[datetime], str]:
    now = datetime.now(UTC)
    return lambda then: ago(then, now)


# -- one session ----------------------------------------------------------------------


class Session:
    """The questions of one run, asked one after another until it completes."""

    def __init__(self, ws: Workspace, con: Console, ckptr: WorkflowCheckpointer,
                 view: RunView, *, started: bool = False) -> None:
        self.ws, self.con, self.ckptr, self.view = ws, con, ckptr, view
        self.started = started
        """Whether the session was started here: stopped with nothing answered, it goes."""
        self.short = view.run_id[: ws.short_width([view.run_id])]

    def go(self) -> int:
        self.introduce()
        try:
            while self.view.waiting:
                self.ask()
        except Stopped:
            self.stopped()
            return 0
        except KeyboardInterrupt:
            self.stopped()
            return INTERRUPTED_CODE
        except BrokenPipeError:  # the reader went away (| head): stop, with nothing to say
            if self.started:
                run_view.discard_unanswered(self.ckptr, self.view.run_id)
            raise
        return self.finish()

    def introduce(self) -> None:
        title = self.ckptr.workflow.title
        flow = f"{title} ({self.view.flow})" if title else self.view.flow
        self.con.say(f"Session {self.short} of {flow}.")
        if self.view.answers:
            self.con.say(f"Answered so far ({len(self.view.answers)}):")
            for answer in self.view.answers:
                said = one_line(answer_text(answer.event), 60) or "(no answer)"
                self.con.say(f"  {answer.number}. {one_line(answer.event.message, 60)} · {said}")
        if self.view.waiting:
            self.con.say("Each answer is saved as soon as it is accepted; ctrl+d stops.")

    def ask(self) -> None:
        """Ask the pending question, store the answer, and read the run again."""
        view = self.view
        question, at = view.question, view.question_checkpoint or ""
        assert question is not None
        self.con.say()
        self.con.say(f"Question {view.position} of {view.total}: {one_line(question.message)}")
        values: dict[str, object] = {}
        for name in type(question).answer_rules:
            values[name] = ask_field(self.con, question, name, values)
        if not values:
            self.con.line("Press Enter to go on. ")
        try:
            with commands.stepping(view.run_id):
                self.view = run_view.answer(self.ckptr, view.run_id, at, values)
        except ValidationError as exc:  # a rule across fields: ask the question again
            reasons = "; ".join(dict.fromkeys(refusal(e) for e in exc.errors()))
            self.con.say(f"Not accepted: {reasons}. Please answer again.")
            return
        except (ConflictError, RunNotWaiting):
            self.answered_elsewhere(at, values)
            return
        except RunNotFound:
            self.con.say("Not saved: the session was deleted elsewhere.")
            self.say_typed(values)
            raise commands.CommandError(f"run {view.run_id} was deleted elsewhere") from None
        self.con.say("Saved.")

    def answered_elsewhere(self, at: str, values: dict[str, object]) -> None:
        elsewhere = run_view.answered_elsewhere(self.ckptr, self.view.run_id, at)
        if elsewhere is not None:
            who = elsewhere.author or "someone"
            self.con.say(f"Not saved: {who} answered this question elsewhere at "
                         f"{elsewhere.at.astimezone():%H:%M}: {one_line(elsewhere.text, 200)}")
        else:
            self.con.say("Not saved: the session moved on elsewhere.")
        self.say_typed(values)
        self.view = run_view.load_run(self.ckptr, self.view.run_id)

    def say_typed(self, values: dict[str, object]) -> None:
        """What the person typed for an answer that was not saved, so it is not lost."""
        typed = " ".join(one_line(v) for v in values.values() if v not in (None, "", []))
        if typed:
            self.con.say(f"What you typed, not saved: {typed}")

    def stopped(self) -> None:
        """After ctrl+d or ctrl+c: what is saved, and the command that goes on."""
        self.con.say()
        if self.started and run_view.discard_unanswered(self.ckptr, self.view.run_id):
            self.con.say("Stopped. Nothing was answered, so no session was kept.")
            return
        try:
            self.view = run_view.load_run(self.ckptr, self.view.run_id)
        except Exception:
            self.con.say(f"Stopped. Every answer shown as saved is saved in {self.ws.store_name}.")
        else:
            count = len(self.view.answers)
            saved = f"{count} answer{'s' if count != 1 else ''} saved"
            waits = (f"; question {self.view.position} of {self.view.total} waits"
                     if self.view.waiting else "")
            self.con.say(f"Stopped. {saved}{waits}.")
        self.con.say(f"Go on with: hitl --plain resume {self.short}")

    def finish(self) -> int:
        status = self.view.status
        if status == FAILED:
            self.con.say(f"Your answers are saved. Go on with: hitl --plain resume {self.short} "
                         "(it runs the step again)")
            raise commands.RunFailed(
                f"run {self.view.run_id} failed in a step: {one_line(self.view.error or '')}"
            )
        if status != COMPLETED:
            self.con.say(f"The run is {status}.")
            return 0
        self.con.say()
        return answer_commands.report(self.ckptr, self.view.run_id, json=False)
