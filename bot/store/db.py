"""The SQLite file: connection settings, versioned migrations, transactions.

One aiosqlite connection serves the whole process. Writes go through
:meth:`Database.transaction`, which holds an asyncio lock for the length of the
transaction so that two coroutines never interleave statements inside one
``BEGIN IMMEDIATE ... COMMIT``; a transaction that raises is rolled back whole.

Migrations are the numbered ``migrations/NNNN_*.sql`` files; ``PRAGMA
user_version`` records the last one applied, so opening an old database brings
it to the latest schema, each step in its own transaction.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

T = TypeVar("T")
Work = Callable[[aiosqlite.Connection], Awaitable[Any]]

BUSY_TIMEOUT_MS = 5000
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


class Database:
    """A connected, migrated database. Create with :meth:`open`; close with :meth:`close`."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._grouped: list[tuple[Work, asyncio.Future[Any]]] = []
        """Work waiting for the next grouped commit (see :meth:`grouped`)."""
        self._group_writer: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: str | Path, *, upto: int | None = None) -> Database:
        """Connect (WAL, foreign keys, busy timeout) and migrate to ``upto`` (default: latest)."""
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(target, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = FULL")  # an acknowledged answer survives power loss
        await conn.execute("PRAGMA foreign_keys = ON")
        db = cls(conn, target)
        await db.migrate(upto)
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
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back if the block raises."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    async def grouped(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run ``work`` in a transaction it shares with the other grouped work that arrived while
        the previous commit ran: one commit (one fsync) for a burst, such as a schedule slot
        opening rounds in thousands of channels at once.

        Guarantees: ``work`` runs in its own ``SAVEPOINT``; if it raises, only its own writes
        are rolled back and its exception is raised here. This returns (or raises) only after
        the shared ``COMMIT``; if the commit fails, every piece of the group raises.
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
                            outcomes.append((done, exc, None))
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


def _statements(sql: str) -> Iterable[str]:
    """Split a migration file on ';' at line ends (our migrations hold no triggers)."""
    for chunk in re.split(r";\s*\n", sql):
        lines = [ln for ln in chunk.splitlines() if not ln.strip().startswith("--")]
        statement = "\n".join(lines).strip().rstrip(";")
        if statement:
            yield statement
