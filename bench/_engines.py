"""The two engines a bench runs on in the same run: SQLite and PostgreSQL, side by side.

SQLite is a file in the temp directory (on disk here, not tmpfs), opened by the bot's own
``Database.open`` (WAL, ``synchronous=FULL``). PostgreSQL is a throwaway server started the
way the tests start theirs (``tests/postgres.py``: initdb, trust auth on 127.0.0.1, a free
port, run as the ``postgres`` user under root), but made as durable as that SQLite file:
``fsync``, ``synchronous_commit`` and ``full_page_writes`` on, its files on the same disk
(not tmpfs), ``shared_buffers`` at PostgreSQL's default 128 MB. So a commit costs each
engine a real flush, and a figure of one is a fair baseline for the other.

``BENCH_ENGINES`` (default ``sqlite,postgresql``) picks the engines, e.g. to rerun one.
Nothing beyond what ``make`` installs is needed: PostgreSQL 15 is the one the tests need.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import _common  # noqa: F401  (puts the checkout on sys.path)

from bot.store.sql import POSTGRESQL, SQLITE, Connection
from tests import postgres

ENGINES = tuple(e.strip() for e in os.environ.get("BENCH_ENGINES", f"{SQLITE},{POSTGRESQL}").split(",") if e.strip())
SERVER_SETTINGS = {**postgres.DURABLE, "shared_buffers": "128MB"}
SERVER_NOTE = ("PostgreSQL 15, files on disk, fsync=on, synchronous_commit=on, full_page_writes=on, "
               "shared_buffers=128MB; SQLite: WAL, synchronous=FULL, same disk")

if unknown := set(ENGINES) - {SQLITE, POSTGRESQL}:
    raise SystemExit(f"BENCH_ENGINES: unknown engine(s) {', '.join(sorted(unknown))}; use sqlite and/or postgresql")


class Databases:
    """Where a bench's databases go: :meth:`target` gives a fresh one per call, on either
    engine. Made by :func:`databases`, which removes them all at the end."""

    def __init__(self, folder: Path, server: postgres.Server | None) -> None:
        self.folder = folder
        self.server = server

    def target(self, engine: str, name: str) -> str | Path:
        """A new, empty database for ``Database.open``: a SQLite path, or a PostgreSQL URL."""
        if engine == SQLITE:
            return self.folder / f"{name}.db"
        if self.server is None:
            raise RuntimeError("no PostgreSQL server: postgresql is not in BENCH_ENGINES")
        return postgres.new_database_url(self.server)


@contextmanager
def databases(engines: Sequence[str] = ENGINES) -> Iterator[Databases]:
    """A temp directory for SQLite files and, when ``engines`` has PostgreSQL, a durable
    server on disk (started in about a second); both removed on exit, whatever happens."""
    with tempfile.TemporaryDirectory() as tmp:
        server = postgres.start(postgres.disk_root(), settings=SERVER_SETTINGS) if POSTGRESQL in engines else None
        try:
            yield Databases(Path(tmp), server)
        finally:
            if server is not None:
                postgres.close_admin_connection()
                postgres.stop(server)


async def bulk_insert(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Load ``rows`` into ``table`` inside the open transaction: PostgreSQL by ``COPY``
    (asyncpg's ``copy_records_to_table``), SQLite by one ``executemany`` (one prepared
    statement in the same transaction, SQLite's fastest path). Bench fills only."""
    if conn.dialect.name == POSTGRESQL:
        raw = await conn.sa.get_raw_connection()
        driver: Any = raw.driver_connection  # the asyncpg connection, inside our BEGIN
        await driver.copy_records_to_table(table, records=[tuple(r) for r in rows], columns=list(columns))
        return
    marks = ", ".join("?" for _ in columns)
    await conn.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES ({marks})", rows)


async def settle(conn: Connection) -> None:
    """After a bulk fill, what a running server's autovacuum would have done by the time
    anyone reads: ``VACUUM ANALYZE`` (planner statistics, visibility map for index-only
    scans). Nothing on SQLite, whose benches have always read a freshly filled file as is."""
    if conn.dialect.name == POSTGRESQL:
        await conn.run("VACUUM ANALYZE")


def ratio(postgresql: float, sqlite: float) -> float:
    """PostgreSQL's figure over SQLite's (above 1: PostgreSQL takes longer)."""
    return round(postgresql / sqlite, 2) if sqlite else float("nan")


def load_1min() -> float:
    return round(os.getloadavg()[0], 2)
