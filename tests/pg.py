"""A throwaway PostgreSQL server for the tests, run from pgserver's binaries (a
pip wheel with PostgreSQL's own programs: no system package, no container).

One server serves a whole test session (``pg_server`` in tests/conftest.py);
each test empties the database with ``empty``. The server listens on a free
port of 127.0.0.1 and on a socket in its own folder, trusts every local
connection (the DSN carries a password all the same, so tests can check it is
never shown), and skips fsync: it is thrown away at the end.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PASSWORD = "s3cret-Pa55"
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
"""PgBouncer, for the tests behind a pooler (Debian's package; .ci/run installs it)."""
DATABASE = "hitl_test"
_USER = "pgserver"  # the system user the server runs as when the tests run as root


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _binaries() -> Path:
    """pgserver's PostgreSQL programs, found without importing pgserver (whose
    import looks for a runtime folder and warns when there is none)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pgserver is not installed: pip install -e '.[test]'")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _system_user(name: str) -> pwd.struct_passwd:
    """The system user ``name``, made if missing (as pgserver itself does as root)."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "-s", "/bin/false", name], check=True,
                       capture_output=True)  # fmt: skip
        return pwd.getpwnam(name)


class PgServer:
    """A PostgreSQL server in a folder of its own: ``start``, ``stop``, ``dsn``."""

    def __init__(self, root: Path | None = None) -> None:
        self.bin = _binaries()
        self.root = Path(root or tempfile.mkdtemp(prefix="hitl-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "log"
        self.port = _free_port()
        self._as = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            entry = _system_user(_USER)
            self._as = _USER
            self.root.chmod(0o755)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")  # fmt: skip

    def _run(self, program: str, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [str(self.bin / program), *args],
            user=self._as,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and done.returncode:
            raise RuntimeError(f"{program} failed: {done.stderr.strip()}\n{self._tail()}")
        return done.stdout

    def _tail(self) -> str:
        try:
            return self.log.read_text()[-2000:]
        except OSError:
            return ""

    def start(self, *settings: str) -> None:
        options = " ".join(
            [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.root}",
             "-c fsync=off", "-c max_connections=300", "-c shared_buffers=64MB",
             *(f"-c {s}" for s in settings)]
        )  # fmt: skip
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """``mode``: "fast", or "immediate" (as a crash: no shutdown checkpoint)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        done = subprocess.run(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "status"],
            user=self._as, capture_output=True, check=False,
        )  # fmt: skip
        return done.returncode == 0

    def dsn(self, database: str = DATABASE, *, port: int | None = None) -> str:
        return f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port or self.port}/{database}"

    def create_database(self, name: str = DATABASE) -> None:
        self.sql(f'CREATE DATABASE "{name}"', database="postgres")

    def sql(self, statement: str, params: tuple = (), *, database: str = DATABASE) -> list:
        """Run one statement as the server's superuser; its rows (if any)."""
        import psycopg

        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def destroy(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    """Until something accepts connections on ``port`` (``proc`` must stay alive)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"exited with {proc.returncode}: {proc.stderr and proc.stderr.read()}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)  # polling a port that is being opened, not waiting on a guess
    raise RuntimeError(f"nothing listens on port {port} after {timeout:g} s")


@contextmanager
def bouncer(server: PgServer, database: str, *, pool_size: int = 2) -> Iterator[str]:
    """PgBouncer in transaction mode in front of ``database`` on ``server``, with
    ``pool_size`` server connections for all its clients; the DSN through it."""
    root = Path(tempfile.mkdtemp(prefix="hitl-bouncer-"))  # readable by the server's user
    port = _free_port()
    (root / "users.txt").write_text(f'"postgres" "{PASSWORD}"\n')
    ini = root / "pgbouncer.ini"
    ini.write_text(
        f"[databases]\n{database} = host=127.0.0.1 port={server.port} dbname={database}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\n"
        f"auth_type = trust\nauth_file = {root / 'users.txt'}\n"
        f"pool_mode = transaction\nmax_client_conn = 200\ndefault_pool_size = {pool_size}\n"
        f"unix_socket_dir =\nlogfile = {root / 'pgbouncer.log'}\n"
    )
    user = ["-u", _USER] if os.geteuid() == 0 else []  # it refuses to run as root
    if user:
        _system_user(_USER)
        root.chmod(0o777)
        for f in root.iterdir():
            f.chmod(0o666)
    proc = subprocess.Popen([PGBOUNCER, *user, str(ini)], stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, proc)
        yield f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/{database}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


def start_server() -> PgServer:
    server = PgServer()
    try:
        server.start()
        server.create_database()
    except BaseException:
        server.destroy()
        raise
    return server


def empty(dsn: str) -> None:
    """Empty a hitl store's tables (faster than making the schema again)."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('hitl_store')").fetchone()[0] is None:
            return
        conn.execute(
            "TRUNCATE hitl_runs, hitl_checkpoints, hitl_sessions, hitl_deleted RESTART IDENTITY;"
            "UPDATE hitl_store SET change = 0, forgotten = 0"
        )
