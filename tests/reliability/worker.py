"""A child process for the reliability tests, run as ``python worker.py MODE ...``.

It talks to the test over its stdin and stdout, one line a message, each line
written with one ``os.write`` (atomic on a pipe) *after* the thing it reports
has happened. The test synchronises on these lines, never on sleeps.

Modes:

DB is a SQLite file's path or a PostgreSQL URL.

``loop DB SEED``
    Print ``BOOTED``, wait for ``GO``, then answer gather questionnaires on DB
    forever. Prints ``READY`` once the store
    is open, ``RUN run_id`` once a run is recorded, and ``ACK run_id field
    json(value)`` once ``answer()`` has returned (the answer is stored), then
    awaits the run. The test kills it with SIGKILL whenever it likes.

``block DB``
    Start a gather run, answer its first question, and print ``ACK ...``; the
    objective step then prints ``IN STEP run_id`` and blocks on stdin forever.

``resume DB RUN``
    Resume RUN with the objective step blocking: print ``IN STEP run_id``, wait
    for ``GO`` on stdin, finish the step. Prints ``DONE status`` (exit 0) or
    ``CONFLICT json(message)`` (exit 3).

``answer DB``
    Commands on stdin: ``PREP run_id`` loads the run's pending question and
    prints ``READY checkpoint_id``; ``GO json(value)`` answers it with
    ``at=checkpoint_id`` and prints ``OK``, then lets the run go on and prints
    ``ON status``; or prints ``CONFLICT json(message)`` or ``ERROR type
    json(message)``. ``QUIT`` ends.

``steady DSN SEED TIMEOUT PAUSE``
    Print ``BOOTED``, wait for ``GO``, then answer gather questionnaires on a
    PostgresStore (``timeout``: TIMEOUT seconds) through whatever the server
    does, as a person keeps working: ``READY``, then ``RUN run_id``, ``ACK run_id
    field json(value)`` and ``DONE run_id`` as in ``loop``. Whatever a call
    raises is printed as ``ERR module.Type 1|0 json(message)`` (1: a
    ``StoreError``), and the next call goes on with the run (resumed as the
    store has it). PAUSE=1: before each answer it prints ``IDLE`` and waits for
    ``GO`` (someone thinking). ``STOP`` on stdin (for PAUSE=1: instead of a
    ``GO``) ends it after the questionnaire at hand: ``BYE``, exit 0.

``writers DB THREADS RUNS SHARED``
    Print ``READY``, wait for ``GO``, then open DB (maybe creating it) and fill
    it from THREADS threads, each completing RUNS gather runs; SHARED=1 makes
    the threads share one store, 0 gives each its own. Prints ``DONE
    json([[run_id, result], ...])`` (exit 0), or a traceback (exit 1).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import threading

from flows.gather import (
    ApproachEvent,
    GatherFlow,
    NotesEvent,
    ObjectiveEvent,
    ResourcesEvent,
)
from hitl import (
    COMPLETED,
    WAITING,
    ConflictError,
    Context,
    PostgresStore,
    StopEvent,
    StoreError,
    WorkflowCheckpointer,
    step,
)
from hitl.store import open_store

FIELDS = ("objective", "resources", "approach", "notes")


def say(*parts: str) -> None:
    os.write(1, (" ".join(parts) + "\n").encode())


def listen() -> str:
    line = sys.stdin.readline()
    if not line:
        raise SystemExit(f"stdin closed (pid {os.getpid()})")
    return line.rstrip("\n")


class BlockingGather(GatherFlow):
    """GatherFlow (same flow name) whose objective step stops inside, until told."""

    release = True  # False: block forever

    @step
    async def gather_objective(self, ctx: Context, ev: ObjectiveEvent) -> ResourcesEvent:
        say("IN STEP", ctx.run_id)
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:  # the test went away: never finish the step
                await asyncio.Event().wait()
            if self.release and line.strip() == "GO":
                break
        return await GatherFlow.gather_objective(self, ctx, ev)


class YieldingGather(GatherFlow):
    """GatherFlow (same flow name) whose steps wait on the event loop once, as a
    step doing I/O would; the engine flushes to disk while they wait, so kills
    land inside steps as well as between them."""

    @step
    async def gather_objective(self, ctx: Context, ev: ObjectiveEvent) -> ResourcesEvent:
        await asyncio.sleep(0)
        return await GatherFlow.gather_objective(self, ctx, ev)

    @step
    async def gather_resources(self, ctx: Context, ev: ResourcesEvent) -> ApproachEvent:
        await asyncio.sleep(0)
        return await GatherFlow.gather_resources(self, ctx, ev)

    @step
    async def gather_approach(self, ctx: Context, ev: ApproachEvent) -> NotesEvent:
        await asyncio.sleep(0)
        return await GatherFlow.gather_approach(self, ctx, ev)

    @step
    async def gather_notes(self, ctx: Context, ev: NotesEvent) -> StopEvent:
        await asyncio.sleep(0)
        return await GatherFlow.gather_notes(self, ctx, ev)


def value_for(rng: random.Random, field: str, n: int) -> str:
    if field == "notes" and rng.random() < 0.25:
        return ""  # the optional question, left empty
    body = f"{field} #{n} é ✓ 🚀\tline\nnext"
    return body + "x" * rng.choice((0, 10, 300, 1500))


async def loop_mode(db: str, seed: int) -> None:
    say("BOOTED")  # started early, it waits here while the test still reads the store
    if listen() != "GO":
        raise SystemExit("expected GO")
    rng = random.Random(seed)
    ckptr = WorkflowCheckpointer(YieldingGather(), open_store(db))
    say("READY")
    n = 0
    while True:
        handler = ckptr.run()
        say("RUN", handler.run_id)
        question = await handler
        while handler.status == WAITING:
            field = next(iter(question.answer_rules))
            n += 1
            value = value_for(rng, field, n)
            handler = ckptr.answer(handler.run_id, **{field: value})
            say("ACK", handler.run_id, field, json.dumps(value))
            question = await handler
        assert handler.status == COMPLETED, handler.status


async def block_mode(db: str) -> None:
    BlockingGather.release = False
    ckptr = WorkflowCheckpointer(BlockingGather(), open_store(db))
    handler = ckptr.run()
    await handler
    value = f"objective of {os.getpid()}"
    handler = ckptr.answer(handler.run_id, objective=value)
    say("ACK", handler.run_id, "objective", json.dumps(value))
    await handler
    raise AssertionError("the blocking step returned")


async def resume_mode(db: str, run_id: str) -> int:
    ckptr = WorkflowCheckpointer(BlockingGather(), open_store(db))
    handler = ckptr.resume(run_id)
    try:
        await handler
    except ConflictError as exc:
        say("CONFLICT", json.dumps(str(exc)))
        return 3
    say("DONE", handler.status)
    return 0


def answer_mode(db: str) -> None:
    ckptr = WorkflowCheckpointer(GatherFlow(), open_store(db))
    run_id = at = ""
    while True:
        command, _, arg = listen().partition(" ")
        if command == "QUIT":
            return
        if command == "PREP":
            run_id = arg
            pending = ckptr.pending_question(run_id)
            assert pending is not None, f"run {run_id} has no question pending"
            at = pending[0].id
            say("READY", at)
        elif command == "GO":
            try:
                handler = ckptr.answer(run_id, at=at, objective=json.loads(arg))
            except ConflictError as exc:
                say("CONFLICT", json.dumps(str(exc)))
                continue
            except Exception as exc:
                say("ERROR", type(exc).__name__, json.dumps(str(exc)))
                continue
            say("OK")

            async def go_on(handler=handler):
                return await handler

            asyncio.run(go_on())
            say("ON", handler.status)
        else:
            raise SystemExit(f"unknown command {command!r}")


async def steady_mode(dsn: str, seed: int, timeout: float, pause: bool) -> None:
    say("BOOTED")
    if listen() != "GO":
        raise SystemExit("expected GO")
    rng = random.Random(seed)
    ckptr = WorkflowCheckpointer(YieldingGather(), PostgresStore(dsn, timeout=timeout))
    stop = threading.Event()
    if not pause:
        threading.Thread(target=lambda: listen() == "STOP" and stop.set(), daemon=True).start()
    say("READY")
    run_id: str | None = None
    n = failures = 0
    while True:
        try:
            if run_id is None:
                if stop.is_set():
                    say("BYE")
                    return
                handler = ckptr.run()
                run_id = handler.run_id
                say("RUN", run_id)
            else:  # after an error: the run as the store has it
                handler = ckptr.resume(run_id)
            question = await handler
            while handler.status == WAITING:
                if pause:
                    say("IDLE")
                    if listen() == "STOP":
                        stop.set()
                        pause = False
                field = next(iter(question.answer_rules))
                n += 1
                value = value_for(rng, field, n)
                handler = ckptr.answer(run_id, **{field: value})
                say("ACK", run_id, field, json.dumps(value))
                question = await handler
            assert handler.status == COMPLETED, handler.status
            say("DONE", run_id)
            run_id, failures = None, 0
        except Exception as exc:
            kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
            say("ERR", kind, str(int(isinstance(exc, StoreError))), json.dumps(str(exc)))
            failures += 1
            if failures > 100:  # a store that never comes back: let the test fail
                raise


def writers_mode(db: str, threads: int, runs: int, shared: bool) -> None:
    say("READY")
    if listen() != "GO":
        raise SystemExit("expected GO")
    done: list[list[object]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    common = open_store(db) if shared else None

    async def fill(ckptr: WorkflowCheckpointer, t: int) -> None:
        for r in range(runs):
            handler = ckptr.run(writer=f"{os.getpid()}-{t}-{r}")
            question = await handler
            while handler.status == WAITING:
                field = next(iter(question.answer_rules))
                handler = ckptr.answer(handler.run_id, **{field: f"{field} {os.getpid()} {t} {r}"})
                question = await handler
            with lock:
                done.append([handler.run_id, question])

    def work(t: int) -> None:
        try:
            store = common if common is not None else open_store(db)
            asyncio.run(fill(WorkflowCheckpointer(GatherFlow(), store), t))
        except BaseException as exc:
            with lock:
                errors.append(exc)

    pool = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]
    say("DONE", json.dumps(done))


def main(argv: list[str]) -> int:
    mode, db, *rest = argv
    if mode == "loop":
        asyncio.run(loop_mode(db, int(rest[0])))
    elif mode == "block":
        asyncio.run(block_mode(db))
    elif mode == "resume":
        return asyncio.run(resume_mode(db, rest[0]))
    elif mode == "answer":
        answer_mode(db)
    elif mode == "steady":
        asyncio.run(steady_mode(db, int(rest[0]), float(rest[1]), rest[2] == "1"))
    elif mode == "writers":
        writers_mode(db, int(rest[0]), int(rest[1]), rest[2] == "1")
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
