"""One real PostgreSQL 15 server for a whole test run, and a fresh database per test.

Design (the simplest that holds under pytest-xdist): the *controller* process starts the
server in ``pytest_configure`` (a process with ``config.workerinput`` is an xdist worker and
starts nothing) and puts its admin URL in the environment variable ``TESTS_POSTGRES_URL``
before xdist spawns the workers, which inherit it. The controller stops the server and
removes its directory in ``pytest_unconfigure``, after every worker is gone. So there is
exactly one server per run, owned by one process, with no lock or reference count to get
wrong. A plain ``pytest`` run (no ``-n``) is its own controller.

The server is test-only and built for speed: ``initdb --no-sync`` with trust authentication
for 127.0.0.1, ``fsync``, ``synchronous_commit`` and ``full_page_writes`` off (a crash loses
the data, which a test run never keeps), small ``shared_buffers``, ``max_connections`` 200,
its files on tmpfs (/dev/shm) when that has room. It listens on 127.0.0.1 on a free port; its
unix socket stays in its own directory.

``initdb`` and ``pg_ctl`` refuse to run as root, and CI runs as root: as root they run as the
``postgres`` user through ``runuser`` (the run directory is handed to that user); otherwise
as the current user. The superuser is always named ``postgres``.

A run that is killed (SIGKILL, a closed terminal) leaves its postmaster running. Every run
directory is named after the controller's pid under one root per user and place; the next run stops
the server of any directory whose pid is gone and removes it, and picks its own free port, so
a leftover never breaks a run.

No PostgreSQL installed: the run stops at configure time with one line naming the package
(tests that need the server are never skipped).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

# Debian's postgresql-15; TESTS_POSTGRES_BIN points elsewhere (another layout, or none to
# check the message a machine without PostgreSQL gets).
BIN_DIR = Path(os.environ.get("TESTS_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
URL_VARIABLE = "TESTS_POSTGRES_URL"
SERVER_USER = "postgres"
# Run directories live in memory (tmpfs) when there is room: CREATE DATABASE there takes
# 15-20 ms on the server, against 40-450 ms on this machine's disk even with fsync off (it
# varies with the other jobs' I/O).
_RUNS_NAME = f"quizbot-tests-postgres-{os.getuid()}"
_MEMORY_ROOT = Path("/dev/shm")
_DISK_ROOT = Path(tempfile.gettempdir())
_MEMORY_NEEDED = 2 << 30  # bytes free on tmpfs to use it

_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "200",
    "max_wal_size": "256MB",  # on tmpfs the WAL is memory; checkpoints cost little without fsync
    "log_min_messages": "warning",
}

# What a server needs for commits as durable as SQLite's synchronous=FULL (the benchmarks that
# compare the engines' commit cost start one with these, its files on disk).
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


class PostgresMissing(RuntimeError):
    """PostgreSQL's server binaries are not installed where the tests look for them."""


@dataclass(frozen=True)
class Server:
    """A running test server: its admin URL (database ``postgres``) and its files."""

    port: int
    run_dir: Path

    @property
    def url(self) -> str:
        return f"postgresql://{SERVER_USER}@127.0.0.1:{self.port}/postgres"

    @property
    def data_dir(self) -> Path:
        return self.run_dir / "data"


def _as_server_user(args: list[str]) -> list[str]:
    """``args`` run as the ``postgres`` user when we are root (initdb and pg_ctl refuse root)."""
    return ["runuser", "-u", SERVER_USER, "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str]) -> None:
    """Run a server command; its output goes into the error when it fails."""
    done = subprocess.run(_as_server_user(args), capture_output=True, text=True, check=False, timeout=120,
                          cwd=tempfile.gettempdir())  # a directory the server user may enter
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(run_dir: Path) -> None:
    """Stop the server of ``run_dir`` if one runs there (immediate: nothing is kept), remove it."""
    if (run_dir / "data" / "postmaster.pid").exists():
        with contextlib.suppress(Exception):
            _run([str(BIN_DIR / "pg_ctl"), "stop", "-D", str(run_dir / "data"), "-m", "immediate", "-w"])
    shutil.rmtree(run_dir, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def memory_root() -> Path:
    return _MEMORY_ROOT / _RUNS_NAME


def disk_root() -> Path:
    return _DISK_ROOT / _RUNS_NAME


def runs_root() -> Path:
    """Where this run's directory goes: tmpfs when it has room, else the temp directory."""
    try:
        memory = os.statvfs(_MEMORY_ROOT)
        if memory.f_bavail * memory.f_frsize >= _MEMORY_NEEDED:
            return memory_root()
    except OSError:
        pass
    return disk_root()


def remove_leftovers(roots: Iterable[Path] | None = None) -> None:
    """Stop and remove the servers of earlier runs whose controller process is gone (under
    ``roots``, default both places a run directory may be)."""
    for root in roots if roots is not None else (memory_root(), disk_root()):
        if root.is_dir():
            for run_dir in root.iterdir():
                pid = run_dir.name.partition("-")[0]
                if pid.isdigit() and not _pid_alive(int(pid)):
                    _stop(run_dir)


def start(root: Path | None = None, *, settings: Mapping[str, str] | None = None) -> Server:
    """initdb and start a server (its directory under ``root``, default :func:`runs_root`);
    raises PostgresMissing without the binaries. ``settings`` (postgresql.conf names and
    values) override the test settings, e.g. :data:`DURABLE`.

    The port is free when picked but may be taken before the server binds it (other runs
    share the machine), so a failed start is retried on a new port.
    """
    if not (BIN_DIR / "initdb").exists():
        raise PostgresMissing(
            f"PostgreSQL 15 not found ({BIN_DIR / 'initdb'}): the tests need it; "
            "install it with `apt-get install postgresql-15`"
        )
    remove_leftovers()
    root = root or runs_root()
    root.mkdir(mode=0o755, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
    try:
        if os.geteuid() == 0:
            shutil.chown(run_dir, SERVER_USER, SERVER_USER)
        data = run_dir / "data"
        _run([str(BIN_DIR / "initdb"), "-D", str(data), "-U", SERVER_USER, "-A", "trust",
              "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"])
        conf_settings = {**_SETTINGS, **(settings or {}), "unix_socket_directories": f"'{run_dir}'"}
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in conf_settings.items())
        for attempt in range(3):
            port = _free_port()
            try:
                _run([str(BIN_DIR / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data),
                      "-l", str(run_dir / "server.log"), "-o", f"-p {port}"])
                return Server(port=port, run_dir=run_dir)
            except RuntimeError:
                if attempt == 2:
                    raise
    except BaseException:
        _stop(run_dir)
        raise
    raise AssertionError("unreachable")


def stop(server: Server) -> None:
    """Stop the server and remove its directory."""
    _stop(server.run_dir)


# --------------------------------------------------------------------------- databases


def _admin_url() -> str:
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise RuntimeError(f"{URL_VARIABLE} is unset: the test PostgreSQL server was not started by this run")
    return url


class _AdminConnection:
    """One asyncpg connection per server to its ``postgres`` database, kept for the whole
    process on a private event-loop thread.

    The database functions below are synchronous (usable from sync fixtures, subprocess
    tests, and from inside a test's running event loop alike); a connection kept open saves
    what a fresh connection or a ``psql`` call would cost each test: about 40 ms against
    105 ms with ``psql`` at load 3.6 (bench/bench_postgres_database.py times the cycle).
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-postgres-admin", daemon=True)
        self._thread.start()
        self._connections: dict[str, asyncpg.Connection] = {}
        self._lock: asyncio.Lock | None = None

    def execute(self, admin_url: str, sql: str) -> None:
        asyncio.run_coroutine_threadsafe(self._execute(admin_url, sql), self._loop).result(timeout=120)

    async def _execute(self, admin_url: str, sql: str) -> None:
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:  # one statement at a time per connection
            connection = self._connections.get(admin_url)
            if connection is None or connection.is_closed():
                connection = self._connections[admin_url] = await asyncpg.connect(admin_url)
            await connection.execute(sql)

    def close(self) -> None:
        async def close_all() -> None:
            for connection in self._connections.values():
                with contextlib.suppress(Exception):
                    await connection.close(timeout=5)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close_all(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


_admin: _AdminConnection | None = None
_admin_guard = threading.Lock()


def _execute(admin_url: str, sql: str) -> None:
    global _admin
    with _admin_guard:
        if _admin is None:
            _admin = _AdminConnection()
    _admin.execute(admin_url, sql)


def close_admin_connection() -> None:
    """Close this process's admin connection (harmless when there is none)."""
    global _admin
    with _admin_guard:
        if _admin is not None:
            _admin.close()
            _admin = None


def new_database_url(server: Server | None = None, *, template: str | None = None) -> str:
    """Create a database on the run's server (or ``server``) and return its URL: empty, or a
    copy of the database named ``template`` (which nothing may be connected to).

    ``postgresql://postgres@127.0.0.1:PORT/test_<32 hex>``; the name is unique, so any
    worker may call this at any time. Callers drop it with :func:`drop_database`, or leave
    it to go with the server at the end of the run.
    """
    admin_url = server.url if server is not None else _admin_url()
    name = f"test_{uuid.uuid4().hex}"
    # FILE_COPY: copying a small template's files is faster than logging each page (PG 15's default)
    _execute(admin_url, f"CREATE DATABASE {name}" + (f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""))
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    """Drop a database made by :func:`new_database_url`, closing connections still open to it."""
    server_part, _, name = url.rpartition("/")
    if not name.startswith("test_"):
        raise ValueError(f"not a test database: {url}")
    _execute(f"{server_part}/postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --------------------------------------------------------------------------- pytest plugin

_SERVER_KEY = pytest.StashKey[Server]()


def pytest_configure(config: pytest.Config) -> None:
    """In the controller: start the run's server before xdist spawns workers."""
    if hasattr(config, "workerinput"):
        return
    try:
        server = start()
    except PostgresMissing as missing:
        raise pytest.UsageError(str(missing)) from None
    config.stash[_SERVER_KEY] = server
    os.environ[URL_VARIABLE] = server.url


def pytest_unconfigure(config: pytest.Config) -> None:
    """In every process: close the admin connection. In the controller: stop the server
    once every worker is done."""
    close_admin_connection()
    server = config.stash.get(_SERVER_KEY, None)
    if server is not None:
        stop(server)
        os.environ.pop(URL_VARIABLE, None)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the run's PostgreSQL server, dropped after the test."""
    url = new_database_url()
    try:
        yield url
    finally:
        drop_database(url)
