"""Platform event ids already handled: a retried delivery is recognised and dropped."""

from __future__ import annotations

import time

from bot.store.db import Database

KEEP_SECONDS = 7 * 24 * 3600


class Events:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def first_time(self, event_id: str) -> bool:
        """True exactly once per event id, however often the platform resends it."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO processed_events(event_id, seen_at) VALUES (?, ?)",
                (event_id, time.time()))
            return cursor.rowcount == 1

    async def prune(self, now: float | None = None) -> None:
        cutoff = (now or time.time()) - KEEP_SECONDS
        await self.db.execute("DELETE FROM processed_events WHERE seen_at < ?", (cutoff,))
