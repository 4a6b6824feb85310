"""Deliveries already taken: one platform request is applied once, however often it arrives.

Slack resends a slash command whose ack was slow (same ``trigger_id``, with
``X-Slack-Retry-Num``); a Discord gateway resume can replay an interaction (same id).
:meth:`Deliveries.claim` records the delivery before its work runs, in its own commit, so
the claim holds across restarts and across processes sharing the database; a second
claim of the same id is refused and gets the first delivery's reply once it is known.

Guarantees and limits:
- two claims of one ``(platform, delivery_id)`` never both succeed while the first is
  younger than ``stale_after`` seconds;
- a claim left unsettled for longer (its process died mid-command, before the ack, so
  the platform retries) may be taken again: the retry is applied rather than lost. A
  process killed between the command's own commit and :meth:`settle` can therefore have a
  late retry applied twice; that window is one commit long;
- rows older than ``keep_seconds`` are pruned (Slack stops retrying after minutes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.store.db import Database

KEEP_SECONDS = 24 * 3600.0
STALE_AFTER_S = 30.0
MAX_ID_CHARS = 200


@dataclass(frozen=True)
class Claim:
    """The outcome of :meth:`Deliveries.claim`: ``fresh`` when this delivery is the first.

    For a repeat, ``reply`` is the text the first delivery answered, or None while it is
    still running (or answered nothing)."""

    fresh: bool
    reply: str | None = None


class Deliveries:
    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time,
                 stale_after: float = STALE_AFTER_S, keep_seconds: float = KEEP_SECONDS) -> None:
        self.db = db
        self.clock = clock
        self.stale_after = stale_after
        self.keep_seconds = keep_seconds
        self._pruned_at = 0.0

    async def claim(self, platform: str, delivery_id: str) -> Claim:
        """Take ``delivery_id`` for this process, or report that it was taken before.

        Raises ValueError for an empty or overlong id (a caller bug, never member input:
        callers without an id simply do not claim)."""
        if not delivery_id or len(delivery_id) > MAX_ID_CHARS:
            raise ValueError(f"a delivery id is 1 to {MAX_ID_CHARS} characters")
        now = self.clock()
        await self._prune(now)
        async with self.db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO deliveries(platform, delivery_id, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT(platform, delivery_id) DO UPDATE SET seen_at = excluded.seen_at "
                "WHERE deliveries.settled_at IS NULL AND deliveries.seen_at < ? "
                "RETURNING 1", (platform, delivery_id, now, now - self.stale_after)) as cur:
                if await cur.fetchone() is not None:
                    return Claim(True)
            async with conn.execute("SELECT reply FROM deliveries WHERE platform = ? AND delivery_id = ?",
                                    (platform, delivery_id)) as cur:
                row = await cur.fetchone()
        return Claim(False, row[0] if row is not None else None)

    async def settle(self, platform: str, delivery_id: str, reply: str | None) -> None:
        """Record that the claimed delivery is done, and what it answered (for repeats)."""
        await self.db.execute(
            "UPDATE deliveries SET settled_at = ?, reply = ? WHERE platform = ? AND delivery_id = ?",
            (self.clock(), reply, platform, delivery_id))

    async def _prune(self, now: float) -> None:
        """Drop rows past ``keep_seconds``, at most once an hour per process."""
        if now - self._pruned_at < 3600.0:
            return
        self._pruned_at = now
        await self.db.execute("DELETE FROM deliveries WHERE seen_at < ?", (now - self.keep_seconds,))
