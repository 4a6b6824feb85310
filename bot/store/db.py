"""The SQLite file: connection settings, versioned migrations, transactions.

One aiosqlite connection serves the whole process. Writes go through
:meth:`Database.transaction`, which holds an asyncio lock for the length of the
transaction so that two coroutines never interleave statements inside one
``BEGIN IMMEDIATE ... COMMIT``; a transaction that raises is rolled back whole.

Migrations are the numbered ``migrations/NNNN_*.sql`` files; ``PRAGMA
user_version`` records the last one applied, so opening an old database brings
it to the latest schema, each step in its own transaction.

Storage faults are loud (see :mod:`bot.store.faults`): opening refuses a file
that is not a whole SQLite database with a one-line :class:`StorageError`
(never a half-open connection whose thread keeps the process alive); a commit
that fails on the file, or a commit while the path no longer is the open file
(deleted or replaced), raises :class:`StorageError` and is recorded in
:attr:`Database.health`.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.store.errors import refusal
from bot.store.faults import DELETED, REPLACED, StorageError, StorageHealth, reason_of
from bot.store.integrity import QUICK_CHECK, check_failed, open_failure, preflight, verdict

T = TypeVar("T")
Work = Callable[[aiosqlite.Connection], Awaitable[Any]]

BUSY_TIMEOUT_MS = 5000
APPLICATION_ID = 0x5155495A  # "QUIZ" in the file header; rewritten by :meth:`Database.probe`
_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str]]:
    """The bundled migrations as ``(version, sql)``, in order."""
    folder = resources.files("bot.store") / "migrations"
    found = []
    for item in folder.iterdir():
        match = _MIGRATION.match(item.name)
        if match:
            found.append((int(match.group(1)), item.read_text(encoding="utf-8")))
    found.sort()
    return found


LATEST_VERSION = migrations()[-1][0]
WORKER_STOP_S = 5.0
"""The longest a refused connect waits for aiosqlite's worker thread to end."""


async def _connect(target: str) -> aiosqlite.Connection:
    """``aiosqlite.connect``, but a connect SQLite refuses returns only once the worker thread
    has ended. aiosqlite stops that thread without waiting for it; a thread still finishing
    when the event loop closes (the CLI exits right after the one-line error) prints
    "Event loop is closed" tracebacks."""
    pending = aiosqlite.connect(target, isolation_level=None)
    try:
        return await pending
    except BaseException:
        worker = getattr(pending, "_thread", None)  # private in aiosqlite 0.22; absent: nothing to wait for
        deadline = asyncio.get_running_loop().time() + WORKER_STOP_S
        while isinstance(worker, threading.Thread) and worker.is_alive():
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.001)
        raise


class Database:
    """A connected, migrated database. Create with :meth:`open`; close with :meth:`close`."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self.health = StorageHealth()
        self._lock = asyncio.Lock()
        self._identity = _identity(path)
        self._grouped: list[tuple[Work, asyncio.Future[Any]]] = []
        """Work waiting for the next grouped commit (see :meth:`grouped`)."""
        self._group_writer: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: str | Path, *, upto: int | None = None) -> Database:
        """Check the file, connect (WAL, foreign keys, busy timeout) and migrate to ``upto``
        (default: latest). Raises :class:`StorageError` (one line) for a directory, an
        unreadable, foreign or corrupt file; the connection is closed before it is raised."""
        target = str(path)
        if target != ":memory:":
            preflight(Path(target))
        try:
            conn = await _connect(target)
        except sqlite3.Error as exc:
            raise open_failure(target, exc) from None
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            problem = verdict(list(await conn.execute_fetchall(QUICK_CHECK)))
            if problem is not None:
                raise check_failed(target, problem)
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = FULL")  # an acknowledged answer survives power loss
            await conn.execute("PRAGMA foreign_keys = ON")
            db = cls(conn, target)
            await db.migrate(upto)
        except BaseException as exc:
            # aiosqlite's worker is not a daemon thread: an open connection left behind keeps
            # the process alive after the error (the hang QA saw). Close it, whatever failed.
            try:
                await conn.close()
            except Exception:  # the original error is the one worth reporting
                pass
            if isinstance(exc, sqlite3.Error):
                raise open_failure(target, exc) from None
            raise
        return db

    async def close(self) -> None:
        async with self._lock:
            await self.conn.close()

    async def version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, upto: int | None = None) -> list[int]:
        """Apply the missing migrations; returns the versions applied."""
        current = await self.version()
        applied = []
        for version, sql in migrations():
            if version <= current or (upto is not None and version > upto):
                continue
            async with self._lock:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _statements(sql):
                        await self.conn.execute(statement)
                    await self.conn.execute(f"PRAGMA user_version = {version}")
                    await self.conn.execute("COMMIT")
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
            applied.append(version)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back if the block raises.

        Raises :class:`StorageError` (and records the fault in :attr:`health`) when the
        file fails (disk full, read-only, I/O error) or when, just before the commit, the
        path is no longer the open file: then nothing is committed, since a commit into a
        deleted file would be lost at exit. A successful commit clears a write fault.
        A constraint violation is raised as :class:`~bot.store.errors.AlreadyExists` or
        :class:`~bot.store.errors.Conflict` (never the engine's own error); other errors
        (a busy lock) propagate unchanged."""
        async with self._lock:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self.conn
                    self._check_identity()
                    await self.conn.execute("COMMIT")
                except BaseException:
                    await self._rollback()
                    raise
            except sqlite3.Error as exc:
                if isinstance(exc, sqlite3.IntegrityError):
                    raise refusal(exc) from exc
                reason = reason_of(exc)
                if reason is None:
                    raise
                self.health.failed(reason, str(exc))
                raise StorageError(reason, f"the database could not be written: {exc}") from exc
        self.health.succeeded()

    async def _rollback(self) -> None:
        """Roll back what is open; SQLite may already have rolled back after a failed commit."""
        try:
            if self.conn.in_transaction:
                await self.conn.execute("ROLLBACK")
        except (sqlite3.Error, ValueError):  # a closed or broken connection has nothing to undo
            pass

    def check_file(self) -> bool:
        """Whether the path is still the file this connection has open (same device and
        inode); records a ``deleted`` or ``replaced`` fault when not. Cheap: one ``stat``."""
        try:
            self._check_identity()
        except StorageError:
            return False
        return True

    def _check_identity(self) -> None:
        if self._identity is None:
            return
        now = _identity(self.path)
        if now == self._identity:
            return
        reason = DELETED if now is None else REPLACED
        detail = (f"{self.path} was {'deleted' if now is None else 'replaced by another file'} while open; "
                  "writes since are lost; restart to open the file at that path")
        self.health.failed(reason, detail)
        raise StorageError(reason, detail)

    async def probe(self) -> bool:
        """A tiny real write (the header's application id, one page) to learn whether the file
        takes writes again; clears a write fault when it commits. Returns whether it did; never
        raises (the storage watch probes in a loop), so a write lock held by another process past
        the busy timeout is a False too (not a fault: nothing is recorded)."""
        try:
            async with self.transaction() as conn:
                await conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except (StorageError, sqlite3.Error):
            return False
        return True

    async def grouped(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
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
                        await conn.execute("SAVEPOINT grouped_work")
                        try:
                            value = await work(conn)
                        except Exception as exc:
                            await conn.execute("ROLLBACK TO grouped_work")
                            refused = refusal(exc) if isinstance(exc, sqlite3.IntegrityError) else exc
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

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self.conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write in its own transaction; returns the last row id."""
        async with self.transaction() as conn:
            cursor = await conn.execute(sql, params)
            return int(cursor.lastrowid or 0)

    async def backup(self, target: str | Path) -> None:
        """An online copy (SQLite backup API): safe while the bot keeps writing."""
        dest = await aiosqlite.connect(str(target))
        try:
            await self.conn.backup(dest)
        finally:
            await dest.close()


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``; None when there is none (or in memory)."""
    if path == ":memory:" or path.startswith("file:"):
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _statements(sql: str) -> Iterable[str]:
    """Split a migration file on ';' at line ends (our migrations hold no triggers)."""
    for chunk in re.split(r";\s*\n", sql):
        lines = [ln for ln in chunk.splitlines() if not ln.strip().startswith("--")]
        statement = "\n".join(lines).strip().rstrip(";")
        if statement:
            yield statement
