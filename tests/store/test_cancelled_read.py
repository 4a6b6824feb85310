"""A task cancelled while its statement runs leaves the process's one connection working."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.store.db import Database


async def test_a_read_cancelled_mid_statement_leaves_the_connection_usable(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "q.db")
    try:
        for _ in range(20):  # cancel at different points of the statement's round trip
            reader = asyncio.ensure_future(db.fetchall("SELECT COUNT(*) FROM members"))
            await asyncio.sleep(0)
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
        assert tuple(await db.fetchone("SELECT COUNT(*) FROM members")) == (0,)
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO members(key, name, created_at) VALUES ('k', 'n', 0)")
        assert tuple(await db.fetchone("SELECT COUNT(*) FROM members")) == (1,)
    finally:
        await db.close()
