"""Copying a deployment's data from one database to another (SQLite or PostgreSQL, either way).

Why rows and not a dump: the two engines share no file format, and the target's schema
is made by the target itself (:meth:`Database.open` migrates it to the latest version),
so only the rows move. The table list is read from the source's schema (SQLAlchemy
reflection), so a table added by a later migration is copied without a change here;
slack-sdk's ``slack_*`` tables, which live outside our migrations, are copied too and
created on the target from their reflected shape when it lacks them.

Guarantees:

- the target must hold no row in any of its tables, unless ``replace`` is given; then
  its tables are emptied in the same transaction as the copy, so a failed copy leaves
  the target as it was;
- rows keep their ids and are written in foreign-key order, in batches of
  :data:`BATCH_ROWS`; the source is read inside one transaction (a snapshot);
- on PostgreSQL every identity sequence is moved past the largest id copied, so the
  bot's next insert does not collide with a copied row;
- :func:`verify` compares row counts per table and the top of every leaderboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Float, Integer, MetaData, Numeric, String, Table

from bot.store.db import Database
from bot.store.sql import POSTGRESQL, Connection

BATCH_ROWS = 1000
"""Rows per ``executemany``: large enough to amortise round trips, small enough to stream."""
BOARD_SIZE = 10
"""How many places of each leaderboard :func:`verify` compares."""
SKIPPED_TABLES = frozenset({"alembic_version"})
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy writes a DateTime into SQLite


class TargetNotEmpty(Exception):
    """The target already holds data and ``replace`` was not asked for; nothing was written."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source_rows: int
    target_rows: int

    @property
    def equal(self) -> bool:
        return self.source_rows == self.target_rows


@dataclass(frozen=True)
class Verification:
    """What :func:`verify` found: counts per table, and the boards that differ (empty: none)."""

    counts: list[TableCount]
    boards_compared: int
    differing_boards: list[str]

    @property
    def differing_tables(self) -> list[str]:
        return [c.table for c in self.counts if not c.equal]

    @property
    def ok(self) -> bool:
        return not self.differing_tables and not self.differing_boards


async def reflect(db: Database) -> MetaData:
    """The tables of ``db`` that hold a deployment's data, as SQLAlchemy sees them."""
    metadata = MetaData()
    await db.conn.sa.run_sync(lambda sync: metadata.reflect(sync))
    for table in list(metadata.tables.values()):
        if table.name in SKIPPED_TABLES or table.name.startswith("sqlite_"):
            metadata.remove(table)
    return metadata


async def tables_with_rows(db: Database, metadata: MetaData) -> list[str]:
    """The tables of ``metadata`` that hold at least one row in ``db``."""
    found = []
    for table in metadata.sorted_tables:
        if await db.fetchone(f"SELECT 1 FROM {_name(table.name)} LIMIT 1") is not None:
            found.append(table.name)
    return found


async def copy_database(source: Database, target: Database, *, replace: bool = False) -> list[str]:
    """Copy every row of ``source`` into ``target``; returns the tables copied, in the order
    written. Raises :class:`TargetNotEmpty` (nothing written) when the target holds data and
    ``replace`` is false. Both databases are expected open and at the same schema version."""
    source_tables = await reflect(source)
    target_tables = await reflect(target)
    missing = [t for t in source_tables.sorted_tables if t.name not in target_tables.tables]
    busy = await tables_with_rows(target, target_tables)
    if busy and not replace:
        raise TargetNotEmpty(f"the target already holds data (first: {busy[0]}); "
                             "pass --force to empty it and copy anyway")
    if missing:
        await _create_tables(target, missing)
        target_tables = await reflect(target)
    order = [t for t in source_tables.sorted_tables if t.name in target_tables.tables]
    async with source.transaction() as reading:
        if source.engine_name == POSTGRESQL:
            await reading.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        async with target.transaction() as writing:
            for table in reversed(target_tables.sorted_tables):
                await writing.run(f"DELETE FROM {_name(table.name)}")
            for table in order:
                await _copy_table(reading, writing, table, target_tables.tables[table.name])
            if target.engine_name == POSTGRESQL:
                await _reset_sequences(writing)
    return [t.name for t in order]


async def _create_tables(target: Database, tables: Sequence[Table]) -> None:
    """Create tables the target lacks (slack-sdk's, made outside our migrations) from their
    reflected shape, in generic types and without engine-specific defaults. Done before the
    copy's transaction: a copy that fails leaves them, empty."""
    metadata = MetaData()
    for table in tables:
        copy = table.to_metadata(metadata)
        for column in copy.columns:
            column.server_default = None
            column.type = column.type.as_generic()  # SQLite's DATETIME is PostgreSQL's TIMESTAMP
    async with target.transaction() as conn:
        await conn.sa.run_sync(lambda sync: metadata.create_all(sync))


async def _copy_table(reading: Connection, writing: Connection, source: Table, target: Table) -> None:
    columns = [c.name for c in source.columns if c.name in target.columns]
    if not columns:
        return
    converters = [_converter(target.columns[name].type, writing.dialect.name) for name in columns]
    keys = [c.name for c in source.primary_key.columns] or columns
    select = (f"SELECT {', '.join(map(_name, columns))} FROM {_name(source.name)}")
    insert = (f"INSERT INTO {_name(target.name)} ({', '.join(map(_name, columns))}) "
              f"VALUES ({', '.join('?' for _ in columns)})")
    key_at = [columns.index(k) for k in keys if k in columns]
    if source.primary_key.columns and len(key_at) == len(keys):
        # Keyset pages in primary-key order: each page an index range, however big the table.
        order = ", ".join(map(_name, keys))
        after = f"({order}) > ({', '.join('?' for _ in keys)})"
        last: tuple[Any, ...] | None = None
        while True:
            where = f" WHERE {after}" if last is not None else ""
            rows = await reading.execute_fetchall(f"{select}{where} ORDER BY {order} LIMIT {BATCH_ROWS}",
                                                  last or ())
            if not rows:
                return
            await writing.executemany(insert, (_convert(r, converters) for r in rows))
            last = tuple(rows[-1][i] for i in key_at)
    else:
        rows = await reading.execute_fetchall(select)
        for start in range(0, len(rows), BATCH_ROWS):
            await writing.executemany(insert, (_convert(r, converters) for r in rows[start:start + BATCH_ROWS]))


def _convert(row: Sequence[Any], converters: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(v if v is None else f(v) for v, f in zip(row, converters, strict=True))


def _converter(kind: Any, engine: str) -> Any:
    """A value as the target column takes it: SQLite stores what it is given (an integer in a
    boolean column, text in a timestamp one), asyncpg takes only the Python type it expects."""
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, DateTime):
        return _to_datetime if engine == POSTGRESQL else _to_sqlite_datetime
    if isinstance(kind, Integer):
        return int
    if isinstance(kind, (Float, Numeric)):
        return float
    if isinstance(kind, String):
        return str
    return lambda v: v


def _to_datetime(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _to_sqlite_datetime(value: Any) -> str:
    return value.strftime(_SQLITE_DATETIME) if isinstance(value, datetime) else str(value)


async def _reset_sequences(conn: Connection) -> None:
    """Move each identity (or serial) sequence past the largest id now in its table."""
    rows = await conn.execute_fetchall(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')")
    for table, column in rows:
        await conn.run(
            f"SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX({_name(column)}), 1), "
            f"MAX({_name(column)}) IS NOT NULL) FROM {_name(table)}", (table, column))


async def count_rows(db: Database, tables: Sequence[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        row = await db.fetchone(f"SELECT COUNT(*) FROM {_name(table)}")
        counts[table] = int(row[0]) if row else 0
    return counts


async def boards(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """The top :data:`BOARD_SIZE` places of every board (each kind, period and scope in
    ``scores``, and each study group's), keyed by a readable name; members by their key,
    so the comparison holds whatever the ids."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    order = "ORDER BY s.points DESC, s.accuracy DESC, s.reached_at ASC, m.key ASC"
    for kind, period, scope_id, scope in await db.fetchall(
            "SELECT DISTINCT s.kind, s.period, s.scope_id, c.name FROM scores s "
            "JOIN score_scopes c ON c.id = s.scope_id ORDER BY 1, 2, 4"):
        rows = await db.fetchall(
            "SELECT m.key, s.points, s.correct, s.answered FROM scores s JOIN members m ON m.id = s.member_id "
            f"WHERE s.kind = ? AND s.period = ? AND s.scope_id = ? {order} LIMIT {BOARD_SIZE}",
            (kind, period, scope_id))
        found[f"{scope} kind {kind} period {period}"] = [tuple(r) for r in rows]
        for (group,) in await db.fetchall("SELECT name FROM groups ORDER BY name"):
            rows = await db.fetchall(
                "SELECT m.key, s.points, s.correct, s.answered FROM scores s JOIN members m ON m.id = s.member_id "
                "WHERE s.kind = ? AND s.period = ? AND s.scope_id = ? AND s.member_id IN "
                "(SELECT gm.member_id FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE g.name = ?) "
                f"{order} LIMIT {BOARD_SIZE}", (kind, period, scope_id, group))
            if rows:
                found[f"{scope} kind {kind} period {period} group {group}"] = [tuple(r) for r in rows]
    return found


async def verify(source: Database, target: Database, tables: Sequence[str]) -> Verification:
    """Compare what the copy should have made equal: rows per table, and every board."""
    before = await count_rows(source, tables)
    after = await count_rows(target, tables)
    counts = [TableCount(t, before[t], after[t]) for t in tables]
    source_boards = await boards(source)
    target_boards = await boards(target)
    differing = sorted(name for name in source_boards.keys() | target_boards.keys()
                       if source_boards.get(name) != target_boards.get(name))
    return Verification(counts, len(source_boards), differing)


def _name(identifier: str) -> str:
    """A quoted identifier (``groups`` is a keyword in newer SQLite)."""
    return '"' + identifier.replace('"', '""') + '"'
