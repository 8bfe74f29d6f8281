"""A person keeps answering questionnaires on a PostgreSQL store while the
server fails under them: it crashes and comes back (``pg_ctl -m immediate``),
the backend serving a write is killed in the middle of its transaction, and
every idle pooled connection is cut while they think. The same process goes on
by itself at its next call, every answer it acknowledged is in the store
after, and whatever it was told meanwhile is a hitl error naming the store,
never a driver's error and never the password."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import psycopg
import pytest

from hitl import redact
from tests import pg
from tests.reliability.procs import Child
from tests.reliability.test_kill9 import check_round

TIMEOUT = 1.0  # the client's store waits this long for a connection before it says so
RESTARTS = 3
KILLS = 10
IDLE_CUTS = 12


@pytest.fixture(scope="module")
def own_server() -> Iterator[pg.PgServer]:
    """A server of this module's own, to crash and cut at will."""
    server = pg.start_server()
    yield server
    server.destroy()


@pytest.fixture
def dsn(own_server: pg.PgServer, request: pytest.FixtureRequest) -> str:
    name = "f_" + "".join(ch for ch in request.node.name.lower() if ch.isalnum())[:50]
    own_server.create_database(name)
    return own_server.dsn(name)


class Client:
    """A ``steady`` worker and what it said: acknowledged answers, runs, errors."""

    def __init__(self, dsn: str, pause: bool = False) -> None:
        self.child = Child("steady", dsn, 7, TIMEOUT, int(pause))
        self.acks: dict[tuple[str, str], str] = {}
        self.started: list[str] = []
        self.done = 0
        self.errors: list[tuple[str, bool, str]] = []
        self.child.expect("BOOTED")
        self.child.send("GO")
        self.child.expect("READY")

    def read(self) -> str:
        """The next line, noted; returns its kind."""
        line = self.child.line()
        assert line is not None, f"the client died:\n{self.child.stderr}"
        kind, _, rest = line.partition(" ")
        if kind == "RUN":
            self.started.append(rest)
        elif kind == "ACK":
            run_id, field, value = rest.split(" ", 2)
            assert (run_id, field) not in self.acks, f"{field} of {run_id} acknowledged twice"
            self.acks[run_id, field] = json.loads(value)
        elif kind == "DONE":
            self.done += 1
        elif kind == "ERR":
            type_name, hitl, message = rest.split(" ", 2)
            self.errors.append((type_name, hitl == "1", json.loads(message)))
        else:
            assert kind in ("IDLE", "BYE"), line
        return kind

    def until(self, kind: str, count: int = 1) -> None:
        """Read on until ``count`` more lines of ``kind`` came."""
        while count:
            count -= self.read() == kind

    def stop(self) -> None:
        self.child.send("STOP")
        while self.read() != "BYE":
            pass
        assert self.child.wait() == 0, self.child.stderr
        stderr = self.child.stderr
        assert pg.PASSWORD not in stderr
        self.child.__exit__(None, None, None)

    def check_told(self, dsn: str) -> None:
        """Every error it was told: a hitl store error, one line naming the store."""
        for type_name, hitl, message in self.errors:
            assert hitl and type_name.startswith("hitl."), (type_name, message)
            assert message.startswith(redact(dsn) + ":"), message
            assert pg.PASSWORD not in message and "\n" not in message, message

    def check_stored(self, dsn: str) -> None:
        """Every answer acknowledged is stored; every run resumes to its end."""
        check_round(dsn, 0, self.acks, self.started, set())


def test_a_client_goes_on_after_the_server_crashes_and_restarts(own_server, dsn) -> None:
    client = Client(dsn)
    told = 0
    try:
        for _ in range(RESTARTS):
            client.until("ACK", 3)
            own_server.stop("immediate")  # a crash: no shutdown checkpoint
            client.until("ERR")  # told while the server is down
            own_server.start()
            told = len(client.errors)
            client.until("ACK")  # the same process, by itself, told at most of the call
            in_flight = len(client.errors) - told  # it had made while the server was down
            assert in_flight <= 1, client.errors[told:]
            told += in_flight
            client.until("ACK", 3)
            assert client.errors[told:] == []  # back for good
        client.stop()
    finally:
        if not own_server.running():
            own_server.start()
        client.child.__exit__(None, None, None)
    client.check_told(dsn)
    client.check_stored(dsn)
    kinds = sorted({t for t, _, _ in client.errors})
    print(f"\nPostgreSQL crash and restart: {RESTARTS} restarts, {len(client.acks)} answers "
          f"acknowledged, {client.done} questionnaires finished, 0 lost, "
          f"{len(client.errors)} errors told ({', '.join(kinds)})")  # fmt: skip


def _lock_writes(dsn: str) -> psycopg.Connection:
    """A connection holding the change counter: every write waits on it mid-transaction."""
    conn = psycopg.connect(dsn)
    conn.execute("SELECT 1 FROM hitl_store FOR UPDATE")
    return conn


def _waiting_backend(dsn: str, deadline: float = 20.0) -> int:
    """The pid of the client's backend once it waits on the lock, mid-write."""
    end = time.monotonic() + deadline
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < end:
            row = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'hitl' "
                "AND wait_event_type = 'Lock' AND datname = current_database()"
            ).fetchone()
            if row:
                return row[0]
            time.sleep(0.005)  # polling the server for a condition
    raise AssertionError("no write of the client waited on the lock")


def test_a_backend_killed_mid_transaction_costs_nothing(own_server, dsn) -> None:
    client = Client(dsn, pause=True)  # it answers when told: each kill lands on a new answer
    try:
        for _ in range(KILLS):
            client.until("IDLE")
            held = _lock_writes(dsn)
            try:
                client.child.send("GO")
                pid = _waiting_backend(dsn)  # its rows written, the change number to take
                assert own_server.sql("SELECT pg_terminate_backend(%s)", (pid,),
                                      database=dsn.rsplit("/", 1)[1]) == [(True,)]  # fmt: skip
            finally:
                held.rollback()
                held.close()
            client.until("ACK")
        client.until("IDLE")
        client.stop()
    finally:
        client.child.__exit__(None, None, None)
    client.check_told(dsn)
    client.check_stored(dsn)
    print(f"\nPostgreSQL backend killed mid-transaction: {KILLS} kills, {len(client.acks)} "
          f"answers acknowledged, 0 lost, {len(client.errors)} errors told")  # fmt: skip
    assert client.errors == [], client.errors  # each write was settled and made again, unseen


def test_idle_connections_cut_while_a_person_thinks_cost_nothing(own_server, dsn) -> None:
    client = Client(dsn, pause=True)
    cut = 0
    try:
        for _ in range(IDLE_CUTS):
            client.until("IDLE")
            killed = own_server.sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'hitl' AND state = 'idle' AND datname = %s",
                (dsn.rsplit("/", 1)[1],),
                database="postgres",
            )
            assert killed and all(ok for (ok,) in killed)
            cut += len(killed)
            client.child.send("GO")
        client.until("IDLE")
        client.stop()
    finally:
        client.child.__exit__(None, None, None)
    client.check_told(dsn)
    client.check_stored(dsn)
    print(f"\nPostgreSQL idle connections cut: {IDLE_CUTS} times ({cut} connections), "
          f"{len(client.acks)} answers acknowledged, 0 lost, {len(client.errors)} errors told")
    assert client.errors == []
