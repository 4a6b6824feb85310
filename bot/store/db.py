"""The database: one connection per process, versioned migrations, transactions.

Two engines, one code path (see :mod:`bot.store.sql`): SQLite through aiosqlite (the
default: a file, nothing to install) and PostgreSQL through asyncpg (several processes on
several machines), both under SQLAlchemy's ``AsyncEngine``. :meth:`Database.open` takes
a SQLite path or a URL (``sqlite:///path``, ``postgresql://user:pass@host:port/db``).

One connection serves the whole process. Writes go through :meth:`Database.transaction`,
which holds an asyncio lock for the length of the transaction so that two coroutines
never interleave statements inside one ``BEGIN`` ... ``COMMIT`` (``BEGIN IMMEDIATE`` on
SQLite); a transaction that raises is rolled back whole.

Migrations: see :mod:`bot.store.migrate` (Alembic, with today's schema as its baseline).

Storage faults are loud (see :mod:`bot.store.faults`): opening refuses a file that is not
a whole SQLite database, or a PostgreSQL server that cannot be reached, with a one-line
:class:`StorageError` (never a half-open connection whose thread keeps the process
alive); a commit that fails on the file or the server, or (SQLite) a commit while the
path no longer is the open file (deleted or replaced), raises :class:`StorageError` and
is recorded in :attr:`Database.health`.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.store import migrate
from bot.store.errors import refusal
from bot.store.faults import CANNOT_OPEN, DELETED, REPLACED, UNAVAILABLE, StorageError, StorageHealth, reason_of
from bot.store.integrity import QUICK_CHECK, check_failed, open_failure, preflight, verdict
from bot.store.sql import POSTGRESQL, SQLITE, Connection, Dialect, Record, Violation
from bot.store.urls import DatabaseUrl, parse_url

T = TypeVar("T")
Work = Callable[[Connection], Awaitable[Any]]

BUSY_TIMEOUT_MS = 5000
APPLICATION_ID = 0x5155495A  # "QUIZ" in the file header; rewritten by :meth:`Database.probe`
LATEST_VERSION = migrate.LATEST_VERSION
WORKER_STOP_S = 5.0


def migrations() -> tuple[tuple[int, str], ...]:
    """The SQLite schema steps before Alembic took over (kept so old files still upgrade)."""
    return migrate.legacy_steps()


class Database:
    """A connected, migrated database. Create with :meth:`open`; close with :meth:`close`."""

    def __init__(self, engine: AsyncEngine, conn: Connection, url: DatabaseUrl) -> None:
        self.engine = engine
        self.conn = conn
        self.url = url
        self.dialect = conn.dialect
        self.path = url.path or url.display
        """The SQLite file (for messages and file checks), or the URL without its password."""
        self.health = StorageHealth()
        self._lock = asyncio.Lock()
        self._identity = _identity(url.path) if url.path else None
        self._in_transaction = False
        self._lost = False
        """The server dropped the connection (PostgreSQL): the next transaction connects again."""
        self._grouped: list[tuple[Work, asyncio.Future[Any]]] = []
        """Work waiting for the next grouped commit (see :meth:`grouped`)."""
        self._group_writer: asyncio.Task[None] | None = None

    @property
    def engine_name(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.dialect.name

    @classmethod
    async def open(cls, target: str | Path, *, upto: int | None = None) -> Database:
        """Connect and migrate to ``upto`` (default: latest). ``target`` is a SQLite path or a
        database URL. Raises :class:`StorageError` (one line) for a directory, an unreadable,
        foreign or corrupt file, or a server that refuses or cannot be reached; the
        connection is closed before it is raised."""
        url = parse_url(target)
        if url.engine == SQLITE and url.path not in (None, ":memory:"):
            preflight(Path(url.path))
        engine = create_async_engine(url.driver_url, poolclass=NullPool, **url.connect_args())
        threads = set(threading.enumerate())
        try:
            sa_conn = await engine.connect()
        except BaseException as exc:
            await engine.dispose()
            await _threads_ended(threads)
            raise _open_error(url, exc) from None
        db: Database | None = None
        try:
            sa_conn = await sa_conn.execution_options(isolation_level="AUTOCOMMIT")
            conn = Connection(sa_conn, Dialect(url.engine))
            await conn.attach_driver()
            if url.engine == SQLITE:
                await _prepare_sqlite(conn, url)
            db = cls(engine, conn, url)
            await db.migrate(upto)
        except BaseException as exc:
            # aiosqlite's worker is not a daemon thread: an open connection left behind keeps
            # the process alive after the error (the hang QA saw). Close it, whatever failed.
            try:
                await sa_conn.close()
                await engine.dispose()
            except Exception:  # the original error is the one worth reporting
                pass
            if isinstance(exc, (sa_exc.DBAPIError, sqlite3.Error, OSError, Violation)):
                raise _open_error(url, exc) from None
            raise
        return db

    async def close(self) -> None:
        async with self._lock:
            await self.conn.sa.close()
            await self.engine.dispose()

    async def version(self) -> int:
        """The schema version: the last migration applied (0 for an empty database)."""
        return await migrate.current_version(self.conn)

    async def migrate(self, upto: int | None = None) -> list[int]:
        """Apply the missing migrations; returns the versions applied."""
        async with self._lock:
            return await migrate.upgrade(self.conn, upto)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """``BEGIN`` ... ``COMMIT``; rolled back if the block raises.

        Raises :class:`StorageError` (and records the fault in :attr:`health`) when the
        file or the server fails (disk full, read-only, I/O error, connection lost) or
        when, just before the commit, the SQLite path is no longer the open file: then
        nothing is committed, since a commit into a deleted file would be lost at exit. A
        successful commit clears a write fault. A constraint violation is raised as
        :class:`~bot.store.errors.AlreadyExists` or :class:`~bot.store.errors.Conflict`
        (never the engine's own error); other errors (a busy lock) propagate unchanged."""
        async with self._lock:
            try:
                if self._lost:
                    await self._reconnect()
                await self.conn.run(self.dialect.begin)
                self._in_transaction = True
                try:
                    yield self.conn
                    self._check_identity()
                    await self.conn.run("COMMIT")
                    self._in_transaction = False
                except BaseException:
                    await self._rollback()
                    raise
            except Violation as exc:
                raise refusal(exc) from exc
            except (sa_exc.DBAPIError, sqlite3.Error) as exc:
                reason = _fault_reason(exc)
                if reason is None:
                    raise
                self._lost = reason == UNAVAILABLE and self.engine_name == POSTGRESQL
                self.health.failed(reason, _one_line(exc))
                raise StorageError(reason, f"the database could not be written: {_one_line(exc)}") from exc
        self.health.succeeded()

    async def _reconnect(self) -> None:
        """A new connection in place of one the server dropped (a restart, a failover, an idle
        timeout). Raises what connecting raises; the next transaction tries again."""
        try:
            await self.conn.sa.close()
        except Exception:  # the old connection is gone either way
            pass
        self._in_transaction = False
        sa_conn = await self.engine.connect()
        sa_conn = await sa_conn.execution_options(isolation_level="AUTOCOMMIT")
        conn = Connection(sa_conn, self.dialect)
        await conn.attach_driver()
        self.conn = conn
        self._lost = False

    async def _rollback(self) -> None:
        """Roll back what is open; SQLite may already have rolled back after a failed commit."""
        if not self._in_transaction:
            return
        self._in_transaction = False
        try:
            await self.conn.run("ROLLBACK")
        except (sa_exc.DBAPIError, sqlite3.Error, ValueError):  # nothing open, or a broken connection
            pass

    def check_file(self) -> bool:
        """Whether the path is still the file this connection has open (same device and
        inode); records a ``deleted`` or ``replaced`` fault when not. Cheap: one ``stat``.
        Always true on PostgreSQL (there is no file to lose)."""
        try:
            self._check_identity()
        except StorageError:
            return False
        return True

    def _check_identity(self) -> None:
        if self._identity is None or self.url.path is None:
            return
        now = _identity(self.url.path)
        if now == self._identity:
            return
        reason = DELETED if now is None else REPLACED
        detail = (f"{self.path} was {'deleted' if now is None else 'replaced by another file'} while open; "
                  "writes since are lost; restart to open the file at that path")
        self.health.failed(reason, detail)
        raise StorageError(reason, detail)

    async def probe(self) -> bool:
        """A tiny real write to learn whether the database takes writes again (SQLite: the
        header's application id, one page; PostgreSQL: a transaction that writes nothing);
        clears a write fault when it commits. Returns whether it did; never raises (the
        storage watch probes in a loop), so a write lock held by another process past the
        busy timeout is a False too (not a fault: nothing is recorded)."""
        try:
            async with self.transaction() as conn:
                if self.engine_name == SQLITE:
                    await conn.run(f"PRAGMA application_id = {APPLICATION_ID}")
                else:
                    await conn.run("SELECT 1")
        except (StorageError, sa_exc.DBAPIError, sqlite3.Error):
            return False
        return True

    async def grouped(self, work: Callable[[Connection], Awaitable[T]]) -> T:
        """Run ``work`` in a transaction it shares with the other grouped work that arrived while
        the previous commit ran: one commit (one fsync) for a burst, such as a schedule slot
        opening rounds in thousands of channels at once.

        Guarantees: ``work`` runs in its own ``SAVEPOINT``; if it raises, only its own writes
        are rolled back and its exception is raised here (a constraint violation as
        :class:`~bot.store.errors.AlreadyExists` or :class:`~bot.store.errors.Conflict`).
        This returns (or raises) only after the shared ``COMMIT``; if the commit fails, every piece of the group raises.
        """
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._grouped.append((work, done))
        if self._group_writer is None or self._group_writer.done():
            self._group_writer = asyncio.ensure_future(self._write_groups())
        return await asyncio.shield(done)

    async def _write_groups(self) -> None:
        while self._grouped:
            batch, self._grouped = self._grouped, []
            outcomes: list[tuple[asyncio.Future[Any], BaseException | None, Any]] = []
            try:
                async with self.transaction() as conn:
                    for work, done in batch:
                        # Each piece pushes a savepoint of the same name; ROLLBACK TO undoes only
                        # the newest one (this piece). None is released before the COMMIT, which
                        # releases them all: one round trip per piece instead of two.
                        await conn.run("SAVEPOINT grouped_work")
                        try:
                            value = await work(conn)
                        except Exception as exc:
                            await conn.run("ROLLBACK TO SAVEPOINT grouped_work")
                            refused = refusal(exc) if isinstance(exc, Violation) else exc
                            outcomes.append((done, refused, None))
                        else:
                            outcomes.append((done, None, value))
            except BaseException as exc:
                failure = exc if isinstance(exc, Exception) else RuntimeError("the database is closing")
                for _, done in batch + (self._grouped if not isinstance(exc, Exception) else []):
                    if not done.done():
                        done.set_exception(failure)
                if not isinstance(exc, Exception):
                    self._grouped = []
                    raise
                continue
            for done, error, value in outcomes:
                if done.done():
                    continue
                if error is not None:
                    done.set_exception(error)
                else:
                    done.set_result(value)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Record]:
        return await self.conn.execute_fetchall(sql, params)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Record | None:
        return await (await self.conn.run(sql, params)).fetchone()

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write in its own transaction; returns how many rows it changed."""
        async with self.transaction() as conn:
            return (await conn.run(sql, params)).rowcount

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One ``INSERT ... RETURNING id`` in its own transaction; returns the new row's id."""
        async with self.transaction() as conn:
            row = await (await conn.run(sql, params)).fetchone()
        if row is None:
            raise ValueError("an insert that returns no id (is RETURNING id missing?)")
        return int(row[0])

    async def backup(self, target: str | Path) -> None:
        """An online copy of a SQLite file (the backup API): safe while the bot keeps writing."""
        if self.engine_name != SQLITE:
            raise StorageError(UNAVAILABLE, "backup copies a SQLite file; use pg_dump for PostgreSQL")
        raw = await self.conn.sa.get_raw_connection()
        source = raw.driver_connection  # the aiosqlite connection
        import aiosqlite

        dest = await aiosqlite.connect(str(target))
        try:
            await source.backup(dest)  # type: ignore[union-attr]
        finally:
            await dest.close()


async def _threads_ended(before: set[threading.Thread]) -> None:
    """Return once the threads started since ``before`` (aiosqlite's worker for a connect SQLite
    refused) have ended: aiosqlite stops that thread without waiting for it, and one still
    finishing when the event loop closes (the CLI exits right after the one-line error)
    prints "Event loop is closed" tracebacks."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WORKER_STOP_S
    while any(t.is_alive() for t in set(threading.enumerate()) - before) and loop.time() < deadline:
        await asyncio.sleep(0.001)


async def _prepare_sqlite(conn: Connection, url: DatabaseUrl) -> None:
    """The file's checks and settings, before anything is read or written."""
    await conn.run(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    problem = verdict(await conn.execute_fetchall(QUICK_CHECK))
    if problem is not None:
        raise check_failed(url.display, problem)
    await conn.run("PRAGMA journal_mode = WAL")
    await conn.run("PRAGMA synchronous = FULL")  # an acknowledged answer survives power loss
    await conn.run("PRAGMA foreign_keys = ON")


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception behind SQLAlchemy's wrapper (sqlite3's, asyncpg's)."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.orig is not None:
        orig: BaseException = exc.orig
        return orig.__cause__ if orig.__cause__ is not None and not isinstance(orig, sqlite3.Error) else orig
    return exc


def _one_line(exc: BaseException) -> str:
    return " ".join(str(_driver_error(exc)).split()) or type(exc).__name__


def _fault_reason(exc: BaseException) -> str | None:
    """Why a write failed, when it is the storage's fault; None for anything else."""
    driver = _driver_error(exc)
    if isinstance(driver, sqlite3.Error):
        return reason_of(driver)
    if isinstance(exc, sa_exc.DBAPIError) and (exc.connection_invalidated or isinstance(
            exc, (sa_exc.OperationalError, sa_exc.InterfaceError))):
        return UNAVAILABLE
    if isinstance(driver, (OSError, ConnectionError)):
        return UNAVAILABLE
    return None


def _open_error(url: DatabaseUrl, exc: BaseException) -> StorageError:
    """One line for what went wrong opening ``url``."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, Violation):  # an upgrade step found rows it cannot carry over
        return StorageError(CANNOT_OPEN, f"cannot upgrade {url.display}: {exc.text}")
    driver = _driver_error(exc)
    if url.engine == SQLITE:
        if isinstance(driver, sqlite3.Error):
            return open_failure(url.display, driver)
        return StorageError(UNAVAILABLE, f"cannot open {url.display}: {_one_line(exc)}")
    return StorageError(UNAVAILABLE, f"cannot connect to {url.display}: {_one_line(exc)}")


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``; None when there is none (or in memory)."""
    if path == ":memory:" or path.startswith("file:"):
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
