"""What PostgresStore promises beyond the conformance suite: a team's server
goes away and comes back, connections die under it, a reply is lost on the
way, many machines make its schema at once, PgBouncer sits in between, and
its password is never shown. Each test runs on a real PostgreSQL server
(tests/pg.py); those that stop or cut the server have one of their own."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from flows.gather import GatherFlow
from hitl import (
    COMPLETED,
    WAITING,
    PostgresStore,
    StoreError,
    StoreUnavailable,
    WorkflowCheckpointer,
    open_store,
    redact,
)
from tests import pg
from tests.stores import records

ANSWERS = {"objective": "Ship v3", "resources": "two people", "approach": "small", "notes": "-"}


def waiting_run(ckptr: WorkflowCheckpointer) -> str:
    async def go() -> str:
        handler = ckptr.run()
        await handler
        assert handler.status == WAITING
        return handler.run_id

    return asyncio.run(go())


def answer(ckptr: WorkflowCheckpointer, run_id: str, **values: str) -> str:
    async def go() -> str:
        handler = ckptr.answer(run_id, **values)
        await handler
        return handler.status

    return asyncio.run(go())


def answered(ckptr: WorkflowCheckpointer, run_id: str) -> list[dict]:
    return [
        c.output_event.model_dump(exclude={"author"}) if hasattr(c.output_event, "author")
        else c.output_event.model_dump()
        for c in ckptr.checkpoints[run_id] if c.last_completed_step == "human"
    ]  # fmt: skip


@pytest.fixture(scope="module")
def own_server() -> Iterator[pg.PgServer]:
    """A server of this module's own, to stop and cut at will."""
    server = pg.start_server()
    yield server
    server.destroy()


# -- the server goes away ------------------------------------------------------------


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_the_same_process_goes_on_after_the_server_restarts(own_server: pg.PgServer, mode: str):
    with closing(PostgresStore(own_server.dsn())) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        run_id = waiting_run(ckptr)
        assert answer(ckptr, run_id, objective="before the restart") == WAITING
        own_server.stop(mode)  # "immediate" is a crash: no shutdown checkpoint
        with pytest.raises(StoreUnavailable) as down:
            store.get_run(run_id)
        assert "127.0.0.1" in str(down.value) and pg.PASSWORD not in str(down.value)
        own_server.start()
        # nothing but the next call: the pool finds its connections dead and makes new ones
        assert answer(ckptr, run_id, resources="after the restart") == WAITING
        given = [a["objective"] if "objective" in a else a["resources"]
                 for a in answered(ckptr, run_id)]  # fmt: skip
        assert given == ["before the restart", "after the restart"]


def test_connections_the_server_closed_are_replaced_at_the_next_call(own_server: pg.PgServer):
    with closing(PostgresStore(own_server.dsn(), max_connections=3)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        run_id = waiting_run(ckptr)
        for _ in range(3):  # as a firewall or idle timeout would, hours later
            killed = own_server.sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'hitl' AND pid <> pg_backend_pid()"
            )
            assert killed and all(row[0] for row in killed)
            assert store.get_run(run_id).status == WAITING
        assert answer(ckptr, run_id, objective="on a new connection") == WAITING


def test_writes_a_crash_lost_before_they_reached_the_disk_are_told_at_sync(own_server):
    """New runs are committed without waiting for the disk, and ``sync()`` (which
    the engine calls before anything reaches a caller) makes them durable. When
    the server crashed in between, sync says so if a write is gone, and never
    says it is durable when it is not there."""
    own_server.stop()
    own_server.start("wal_writer_delay=10000ms")  # the log stays in memory a while
    told = kept = 0
    try:
        with closing(PostgresStore(own_server.dsn(), timeout=2)) as store:
            for _ in range(2):
                run = records.run_row()
                store.create_run(run)
                own_server.stop("immediate")
                own_server.start("wal_writer_delay=10000ms")
                try:
                    store.sync()
                except StoreUnavailable as exc:
                    assert "not stored" in str(exc) and pg.PASSWORD not in str(exc)
                    assert store.get_run(run.run_id) is None
                    told += 1
                else:
                    assert store.get_run(run.run_id) is not None
                    kept += 1
                store.sync()  # nothing left to check
    finally:
        own_server.stop()
        own_server.start()
    print(f"\ncrash before the disk: {told} times told at sync, {kept} times kept")
    assert told  # the log of a new run is still in memory at the crash


def test_a_call_that_finds_no_pooled_connection_in_time_makes_its_own(pg_server, fresh_db):
    """The pool's one connection is held by a write waiting on a lock (as it is
    held while the pool waits between its tries to reconnect after a restart):
    a read waits ``timeout``, then goes on with a connection of its own."""
    with closing(PostgresStore(fresh_db, max_connections=1, timeout=0.5)) as store:
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        run_id = waiting_run(ckptr)
        with psycopg.connect(fresh_db) as lock:
            lock.execute("SELECT 1 FROM hitl_store FOR UPDATE")  # every write waits on it
            writer = threading.Thread(target=answer, args=(ckptr, run_id),
                                      kwargs={"objective": "x"})  # fmt: skip
            writer.start()
            try:
                waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                while lock.execute(waiting).fetchone() == (0,):
                    time.sleep(0.005)  # polling the server until the write waits
                assert store.get_run(run_id).status == WAITING
            finally:
                lock.rollback()
                writer.join(timeout=30)
        assert store.get_run(run_id).tip_seq == 2  # the answer, then the next question


def test_a_server_that_cannot_be_reached_is_one_clear_line(own_server: pg.PgServer):
    dead = f"postgresql://ann:{pg.PASSWORD}@127.0.0.1:{pg._free_port()}/team"
    with pytest.raises(StoreUnavailable) as refused:
        PostgresStore(dead)
    text = str(refused.value)
    assert text.startswith("postgresql://ann@127.0.0.1:") and "/team: cannot connect" in text
    assert pg.PASSWORD not in text and "\n" not in text


# -- a reply lost on the way -----------------------------------------------------------


class CuttingProxy:
    """A TCP proxy to the server that cuts the connection once, at the first
    statement holding ``marker``: ``before`` it reaches the server, or ``after``
    the server has run and committed it (its reply never arrives)."""

    def __init__(self, port: int, marker: bytes, when: str) -> None:
        self.target, self.marker, self.when = port, marker, when
        self.cut = threading.Event()
        self._armed = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        try:
            while data := src.recv(65536):
                if upstream and not self.cut.is_set() and self.marker in data:
                    if self.when == "before":
                        return self._close(src, dst)
                    self._armed.set()
                elif not upstream and self._armed.is_set() and b"Z\x00\x00\x00\x05" in data:
                    self._armed.clear()  # ReadyForQuery: the statement is committed
                    return self._close(src, dst)
                dst.sendall(data)
        except OSError:
            pass
        self._close(src, dst, cut=False)

    def _close(self, a: socket.socket, b: socket.socket, *, cut: bool = True) -> None:
        if cut:
            self.cut.set()
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self) -> None:
        self.listener.close()


@pytest.mark.parametrize("when", ["before", "after"])
def test_an_answer_whose_outcome_was_lost_is_stored_once(pg_server, fresh_db, when):
    """The connection dies as an answer is sent (before the server has it, or
    after it committed, the reply lost): the store reads the run's tip to
    settle it, and the answer is stored exactly once, acknowledged."""
    proxy = CuttingProxy(pg_server.port, b"hitl_append", when)
    dsn = fresh_db.replace(f":{pg_server.port}/", f":{proxy.port}/") + "?sslmode=disable"
    with closing(PostgresStore(fresh_db)) as direct:
        ckptr = WorkflowCheckpointer(GatherFlow(), direct)
        run_id = waiting_run(ckptr)
    try:
        with closing(PostgresStore(dsn)) as store:
            ckptr = WorkflowCheckpointer(GatherFlow(), store)
            ckptr.answer(run_id, objective="sent once")  # returns once stored (no loop: stops)
            assert proxy.cut.is_set()
            checkpoints = ckptr.checkpoints[run_id]
            assert [c.seq for c in checkpoints] == list(range(len(checkpoints)))
            assert [c.output_event.objective for c in checkpoints
                    if c.last_completed_step == "human"] == ["sent once"]  # fmt: skip
    finally:
        proxy.close()


# -- many machines, one schema -----------------------------------------------------------


def test_many_processes_opening_an_empty_database_at_once_all_open_it(pg_server, fresh_db):
    code = (
        "import sys; from hitl import PostgresStore; import psycopg; print('READY', flush=True); "
        "sys.stdin.readline(); PostgresStore(sys.argv[1]).close(); print('OPEN')"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code, fresh_db], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]  # fmt: skip
    for p in procs:  # every one loaded, then all let go at once
        assert p.stdout.readline() == "READY\n", p.stderr.read()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    outcomes = [p.communicate(timeout=120) for p in procs]
    assert [out for out, _ in outcomes] == ["OPEN\n"] * 6, [err for _, err in outcomes]
    with closing(PostgresStore(fresh_db)) as store:
        assert store.list_runs() == [] and store.change_token() == 0


def test_a_store_of_a_newer_hitl_is_refused_and_left_alone(pg_server, fresh_db):
    PostgresStore(fresh_db).close()
    pg_server.sql("UPDATE hitl_store SET version = 99", database=fresh_db.rsplit("/", 1)[1])
    with pytest.raises(StoreError, match=r"newer hitl .*schema 99.*upgrade hitl"):
        PostgresStore(fresh_db)
    database = fresh_db.rsplit("/", 1)[1]
    assert pg_server.sql("SELECT version FROM hitl_store", database=database) == [(99,)]


def test_tables_of_hitl_names_that_are_not_a_store_are_refused(pg_server, fresh_db):
    pg_server.sql("CREATE TABLE hitl_runs (x int)", database=fresh_db.rsplit("/", 1)[1])
    with pytest.raises(StoreError, match="not a hitl store"):
        PostgresStore(fresh_db)


# -- PgBouncer in transaction mode ---------------------------------------------------------


@pytest.fixture
def bouncer(pg_server: pg.PgServer, fresh_db: str) -> Iterator[str]:
    """PgBouncer in transaction mode in front of ``fresh_db``; the DSN through it."""
    with pg.bouncer(pg_server, fresh_db.rsplit("/", 1)[1]) as dsn:
        yield dsn


def test_sessions_run_through_pgbouncer_in_transaction_mode(bouncer: str):
    """Two stores through one bouncer whose server pool has two connections,
    so their statements share server connections: no prepared statement or
    session state is left for the other to trip on."""
    with closing(PostgresStore(bouncer)) as a, closing(PostgresStore(bouncer)) as b:
        ckptr_a = WorkflowCheckpointer(GatherFlow(), a)
        ckptr_b = WorkflowCheckpointer(GatherFlow(), b)
        runs = [waiting_run(ckptr_a) for _ in range(3)]
        for n, run_id in enumerate(runs):
            for field, value in ANSWERS.items():
                ckptr = ckptr_a if (n + len(field)) % 2 else ckptr_b
                answer(ckptr, run_id, **{field: f"{value} {n}"})
        for run_id in runs:
            assert ckptr_b.get_run(run_id).status == COMPLETED
        page = b.sessions(now=0)
        assert {s.run_id for s in page.sessions} == set(runs)
        assert b.change_token() == a.change_token() > 0


# -- the password ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "shown"),
    [
        ("postgresql://ann:pw%40x@db.example:5432/team?sslmode=require&password=pw2",
         "postgresql://ann@db.example:5432/team?sslmode=require"),
        ("postgres://ann@h1,h2/team", "postgres://ann@h1,h2/team"),
        ("host=db dbname=team password='a b' user=ann",
         "host=db dbname=team password=*** user=ann"),
        ("/home/ann/hitl.db", "/home/ann/hitl.db"),
    ],
)  # fmt: skip
def test_a_store_is_shown_without_its_password(spec: str, shown: str):
    assert redact(spec) == shown


def test_open_store_tells_the_kinds_apart(pg_server, fresh_db, tmp_path: Path):
    with closing(open_store(fresh_db)) as store:
        assert isinstance(store, PostgresStore) and pg.PASSWORD not in repr(store)
    with closing(open_store(tmp_path / "x.db")) as store:
        assert type(store).__name__ == "SqliteStore"


# -- the change feed: LISTEN on a connection of its own ---------------------------------------


def _listening(server: pg.PgServer, database: str, timeout: float = 30) -> None:
    """Until a store's listener waits on its own connection (it has read the
    change number after its LISTEN took hold, and is idle since)."""
    deadline = time.monotonic() + timeout
    while not server.sql(
        "SELECT 1 FROM pg_stat_activity WHERE application_name = 'hitl-listen' "
        "AND datname = %s AND state = 'idle' AND query = 'SELECT change FROM hitl_store'",
        (database,), database="postgres",
    ):  # fmt: skip
        assert time.monotonic() < deadline, "no store listens"
        time.sleep(0.02)  # polling the server's own view, not waiting on a guess


def _waiter(store: PostgresStore, token: int) -> tuple[threading.Thread, list[int]]:
    """A thread that waits for a change as a screen does: errors while the
    server is away are waited through."""
    got: list[int] = []

    def wait() -> None:
        while not got:
            try:
                got.append(store.wait_for_change(token, 60))
            except StoreError:
                continue

    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    return thread, got


def _notify(dsn: str, number: int) -> None:
    """A notification of change ``number`` (no such change: only a listener hears it)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_notify('hitl', %s)", (str(number),))


def test_a_wait_is_woken_by_the_notification_not_by_polling(pg_server, fresh_db):
    with closing(PostgresStore(fresh_db)) as store:
        token = store.change_token()
        thread, got = _waiter(store, token)
        _listening(pg_server, fresh_db.rsplit("/", 1)[1])
        _notify(fresh_db, 999_999)  # polling would read the real number, 0
        thread.join(60)
        assert got == [999_999]


def test_listening_goes_on_after_the_server_restarts(own_server: pg.PgServer):
    database = own_server.dsn().rsplit("/", 1)[1]
    pg.empty(own_server.dsn())
    with closing(PostgresStore(own_server.dsn())) as store:
        token = store.change_token()
        thread, got = _waiter(store, token)
        _listening(own_server, database)
        own_server.stop("fast")
        own_server.start()
        _listening(own_server, database)  # connected again by itself
        _notify(own_server.dsn(), 999_998)
        thread.join(60)
        assert got == [999_998]


def test_behind_pgbouncer_in_transaction_mode_a_wait_polls_and_sees_every_change(
    bouncer: str, fresh_db: str, pg_server: pg.PgServer
):
    """Notifications do not pass a bouncer in transaction mode: the store finds
    that out by itself and polls. Given the server's own address to listen on,
    it listens there."""
    with closing(PostgresStore(bouncer)) as store, closing(PostgresStore(bouncer)) as other:
        token = other.change_token()
        thread, got = _waiter(other, token)
        ckptr = WorkflowCheckpointer(GatherFlow(), store)
        waiting_run(ckptr)
        thread.join(60)
        assert got == [store.change_token()] and got[0] > token
    with closing(PostgresStore(bouncer, listen_dsn=fresh_db)) as store:
        thread, got = _waiter(store, store.change_token())
        _listening(pg_server, fresh_db.rsplit("/", 1)[1])
        _notify(fresh_db, 999_997)
        thread.join(60)
        assert got == [999_997]
