"""PostgreSQL: a connection the server drops is reported, then replaced by the next write."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from bot.store.db import Database
from bot.store.faults import UNAVAILABLE, StorageError

pytestmark = pytest.mark.sqlite_only  # picks PostgreSQL itself (tests/engines.py)


async def drop_connections(url: str) -> None:
    """What a server restart does to the bot's connection: the server ends it."""
    admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        name = url.rsplit("/", 1)[1]
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = $1 AND pid <> pg_backend_pid()", name)
    finally:
        await admin.close()


async def test_a_dropped_connection_fails_one_write_loudly_and_the_next_write_reconnects(postgres_url: str) -> None:
    db = await Database.open(postgres_url)
    try:
        await drop_connections(postgres_url)
        await asyncio.sleep(0.1)
        with pytest.raises(StorageError) as lost:
            await db.execute("INSERT INTO members(key, name, created_at) VALUES ('a', 'A', 0)")
        assert lost.value.reason == UNAVAILABLE and db.health.fault is not None
        assert await db.probe() is True  # the storage watch's probe connects again
        assert db.health.ok
        await db.execute("INSERT INTO members(key, name, created_at) VALUES ('b', 'B', 0)")
        assert [tuple(r) for r in await db.fetchall("SELECT key FROM members")] == [("b",)]
    finally:
        await db.close()
