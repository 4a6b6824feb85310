"""Hints taken in free-text rounds: who asked for one, in which round.

A hint is recorded at most once per member per round (the primary key), and only
while the member has not answered and the round is open: both are checked inside
the transaction that stores it, so a hint cannot slip in after an answer or the close.
The answer of a member who took a hint scores half (:func:`bot.quiz.scoring.with_hint`),
applied when the round closes.
"""

from __future__ import annotations

import enum

from bot.store.db import Database
from bot.store.sql import Connection


class HintOutcome(enum.Enum):
    TAKEN = "taken"
    AGAIN = "again"
    """Already taken earlier in this round: nothing changes."""
    ANSWERED = "answered"
    CLOSED = "closed"


class Hints:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def take(self, round_id: int, member_id: int, now: float) -> HintOutcome:
        """Record that the member took a hint in this round, if they still may."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM rounds WHERE id = ? AND closed_at IS NULL AND closes_at >= ?",
                (round_id, now)) as cur:
                if await cur.fetchone() is None:
                    return HintOutcome.CLOSED
            async with conn.execute(
                "SELECT 1 FROM answers WHERE round_id = ? AND member_id = ?", (round_id, member_id)) as cur:
                if await cur.fetchone() is not None:
                    return HintOutcome.ANSWERED
            cursor = await conn.execute(
                "INSERT INTO hints(round_id, member_id, hinted_at) VALUES (?, ?, ?) "
                "ON CONFLICT(round_id, member_id) DO NOTHING", (round_id, member_id, now))
            return HintOutcome.TAKEN if cursor.rowcount == 1 else HintOutcome.AGAIN

    @staticmethod
    async def takers(conn: Connection, round_id: int) -> set[int]:
        """Members who took a hint in the round (inside the caller's transaction)."""
        async with conn.execute("SELECT member_id FROM hints WHERE round_id = ?", (round_id,)) as cur:
            return {int(r[0]) for r in await cur.fetchall()}

    @staticmethod
    async def set_points(conn: Connection, round_id: int, points: dict[int, int]) -> None:
        """Store the reduced points of hinted answers (inside the closing transaction)."""
        await conn.executemany(
            "UPDATE answers SET points = ? WHERE round_id = ? AND member_id = ?",
            [(p, round_id, member_id) for member_id, p in points.items()])
