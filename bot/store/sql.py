"""One connection API over both engines: SQL text with ``?`` placeholders, run through
SQLAlchemy Core on an ``AsyncConnection`` (``sqlite+aiosqlite`` or ``postgresql+asyncpg``).

Why SQL text and not ``select()`` expressions: every statement in ``bot/store`` is a
short, hand-tuned query (partial indexes, ``RETURNING``, ``ON CONFLICT``), all of which
both engines spell the same way. What differs is small and lives here, in
:class:`Dialect`: the placeholder style, ``INDEXED BY`` (a SQLite plan hint PostgreSQL
does not need), how a transaction starts, and how a constraint violation is named.
Statements go to the driver through :meth:`AsyncConnection.exec_driver_sql`, so
SQLAlchemy does not compile them again on every call (a translated statement is cached).

Guarantees: a constraint violation leaves this module as :class:`Violation` (never an
engine's own exception) with the constraint's text, which :func:`bot.store.errors.refusal`
maps to a store error; results are read in full before :meth:`Connection.execute`
returns, so a cursor never holds the connection.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Coroutine, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncConnection

Record = Any
"""One result row: indexable by position (``row[0]``), as both drivers return it."""

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.IGNORECASE)
_TOKENS = re.compile(r"'(?:[^']|'')*'|\?\d*|[^'?]+")
_EMPTY_NOT_IN = re.compile(r"[\w.]+\s+NOT\s+IN\s*\(\s*\)", re.IGNORECASE)
_EMPTY_IN = re.compile(r"[\w.]+\s+IN\s*\(\s*\)", re.IGNORECASE)


class Violation(Exception):
    """A statement broke a constraint (unique, primary or foreign key, check, not null).

    ``unique`` says whether it was a duplicate key; ``text`` names the constraint as the
    engine reports it (SQLite: ``UNIQUE constraint failed: rounds.channel_id``;
    PostgreSQL: the constraint's name and its ``Key (...)`` detail)."""

    def __init__(self, text: str, *, unique: bool) -> None:
        super().__init__(text)
        self.text = text
        self.unique = unique


@dataclass
class Dialect:
    """What one engine spells differently; everything else is shared SQL."""

    name: str
    _cache: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def begin(self) -> str:
        # SQLite: take the write lock at BEGIN, so a transaction never fails half-way on
        # SQLITE_BUSY after reading; PostgreSQL locks rows as they are written.
        return "BEGIN IMMEDIATE" if self.name == SQLITE else "BEGIN"

    def translate(self, sql: str) -> str:
        """``sql`` as this engine's driver takes it (cached: statements are a fixed set)."""
        done = self._cache.get(sql)
        if done is not None:
            return done
        done = sql if self.name == SQLITE else _numbered(_postgresql(sql))
        if len(self._cache) < 4096:  # statements built per call (IN lists) must not grow it forever
            self._cache[sql] = done
        return done

    def json_int(self, column: str, key: str) -> str:
        """SQL for the integer at top-level ``key`` of a JSON text column."""
        if self.name == SQLITE:
            return f"json_extract({column}, '$.{key}')"
        return f"CAST(({column})::json ->> '{key}' AS BIGINT)"


def _postgresql(sql: str) -> str:
    """What SQLite takes and PostgreSQL does not: ``INDEXED BY`` (a plan hint PostgreSQL's
    planner does without) and an empty ``IN ()`` list (always false; ``NOT IN ()`` always true)."""
    sql = _INDEXED_BY.sub("", sql)
    sql = _EMPTY_NOT_IN.sub("TRUE", sql)
    return _EMPTY_IN.sub("FALSE", sql)


def _numbered(sql: str) -> str:
    """``?`` and ``?NNN`` placeholders as ``$1, $2, ...`` / ``$NNN`` (asyncpg's style), leaving
    string literals alone."""
    out = []
    n = 0
    for token in _TOKENS.findall(sql):
        if token == "?":
            n += 1
            out.append(f"${n}")
        elif token.startswith("?"):
            out.append(f"${token[1:]}")
        else:
            out.append(token)
    return "".join(out)


def sqlite_violation(error: sqlite3.IntegrityError) -> Violation:
    text = str(error)
    return Violation(text, unique="UNIQUE constraint failed" in text or "PRIMARY KEY" in text)


def violation(error: sa_exc.IntegrityError) -> Violation:
    """The :class:`Violation` for an engine's integrity error."""
    orig = error.orig
    cause = getattr(orig, "__cause__", None)  # asyncpg's own exception behind SQLAlchemy's adapter
    constraint = getattr(cause, "constraint_name", None)
    if constraint is not None:
        detail = getattr(cause, "detail", None) or ""
        unique = type(cause).__name__ == "UniqueViolationError"
        return Violation(f"{constraint}: {detail}".strip(), unique=unique)
    if isinstance(orig, sqlite3.IntegrityError):
        return sqlite_violation(orig)
    return Violation(str(orig), unique=False)


class Cursor:
    """A statement's result, already read in full."""

    def __init__(self, rows: list[Record], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    async def fetchone(self) -> Record | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[Record]:
        return self._rows

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class _Pending:
    """``conn.execute(...)`` can be awaited or used as ``async with`` (the shape the store's
    queries were written in)."""

    def __init__(self, conn: Connection, sql: str, params: Sequence[Any]) -> None:
        self._conn = conn
        self._sql = sql
        self._params = params

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._conn.run(self._sql, self._params).__await__()

    async def __aenter__(self) -> Cursor:
        return await self._conn.run(self._sql, self._params)

    async def __aexit__(self, kind: type[BaseException] | None, value: BaseException | None,
                        tb: TracebackType | None) -> None:
        return None


T = TypeVar("T")


async def _uninterrupted(statement: Coroutine[Any, Any, T]) -> T:
    """Await ``statement``; when the caller is cancelled meanwhile, let the statement finish
    first and then raise the cancellation (see :meth:`Connection.run`)."""
    work = asyncio.ensure_future(statement)
    try:
        return await asyncio.shield(work)
    except asyncio.CancelledError:
        while not work.done():
            try:
                await asyncio.shield(work)
            except asyncio.CancelledError:
                continue
            except Exception:  # the statement's own error: the caller was cancelled anyway
                break
        raise


class Connection:
    """One ``AsyncConnection`` in autocommit mode; the store writes ``BEGIN``/``COMMIT`` itself
    (:class:`~bot.store.db.Database` owns that), so a transaction is exactly what it says.

    On SQLite, statements go straight to the aiosqlite connection SQLAlchemy opened (see
    :meth:`attach_driver`): SQLAlchemy's cursor adapter makes four trips to aiosqlite's thread
    per statement (cursor, execute, fetch, close) where one or two do, which doubled the
    store's CPU per statement (``bench/bench_statement_overhead.py``). The SQL, the
    placeholders and the errors are the same either way."""

    def __init__(self, conn: AsyncConnection, dialect: Dialect) -> None:
        self.sa = conn
        self.dialect = dialect
        self._sqlite: Any = None
        """The aiosqlite connection under ``sa`` (SQLite only), once attached."""

    async def attach_driver(self) -> None:
        """Use the driver connection SQLAlchemy opened directly (SQLite; see the class docstring)."""
        if self.dialect.name == SQLITE:
            raw = await self.sa.get_raw_connection()
            self._sqlite = raw.driver_connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Pending:
        return _Pending(self, sql, params)

    async def run(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement; its rows are read in full before this returns.

        A caller cancelled mid-statement (a task stopped while it reads) waits for the statement
        to finish before the cancellation goes on: SQLAlchemy treats a statement interrupted
        half-way as a broken connection and closes it, and this is the process's one
        connection. Statements are short, so the wait is too. (aiosqlite finishes a statement
        whatever its caller does, so the direct SQLite path needs no such wait.)"""
        if self._sqlite is not None:
            return await self._run_sqlite(sql, params)
        return await _uninterrupted(self._run(sql, params))

    async def _run_sqlite(self, sql: str, params: Sequence[Any]) -> Cursor:
        try:
            cursor = await self._sqlite.execute(sql, tuple(params))
            rows = await cursor.fetchall() if cursor.description else []
        except sqlite3.IntegrityError as error:
            raise sqlite_violation(error) from error
        return Cursor(list(rows), cursor.rowcount)

    async def _run(self, sql: str, params: Sequence[Any]) -> Cursor:
        statement = self.dialect.translate(sql)
        try:
            result = await self.sa.exec_driver_sql(statement, tuple(params))
        except sa_exc.IntegrityError as error:
            raise violation(error) from error
        rows = list(result.fetchall()) if result.returns_rows else []
        return Cursor(rows, result.rowcount)

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Record]:
        return await (await self.run(sql, params)).fetchall()

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(r) for r in rows]
        if not batch:
            return
        if self._sqlite is not None:
            try:
                await self._sqlite.executemany(sql, batch)
            except sqlite3.IntegrityError as error:
                raise sqlite_violation(error) from error
            return
        await _uninterrupted(self._executemany(sql, batch))  # as in :meth:`run`

    async def _executemany(self, sql: str, batch: list[tuple[Any, ...]]) -> None:
        try:
            await self.sa.exec_driver_sql(self.dialect.translate(sql), batch)
        except sa_exc.IntegrityError as error:
            raise violation(error) from error
