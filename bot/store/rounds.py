"""Rounds: one question asked in one channel, from open to close.

At most one round is open per channel (a unique partial index), and a
scheduled slot opens at most one round (``UNIQUE(schedule_id, slot_at)``):
the database, not the process, guarantees both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import aiosqlite

from bot.deck.generate import AskedQuestion
from bot.store.db import Database

_COLUMNS = (
    "r.id, r.channel_id, c.key, c.workspace, c.platform, c.native_id, r.question, r.opened_at, "
    "r.closes_at, r.closed_at, r.message_id, r.schedule_id, r.slot_at, r.session_id, r.season_id, "
    "r.allow_change"
)


@dataclass(frozen=True)
class RoundRow:
    id: int
    channel_id: int
    channel_key: str
    workspace: str
    platform: str
    native_id: str
    question: AskedQuestion
    opened_at: float
    closes_at: float
    closed_at: float | None
    message_id: str | None
    schedule_id: int | None
    slot_at: float | None
    session_id: int | None
    season_id: int | None
    allow_change: bool

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def _row(r: aiosqlite.Row) -> RoundRow:
    return RoundRow(
        id=r[0], channel_id=r[1], channel_key=r[2], workspace=r[3], platform=r[4], native_id=r[5],
        question=AskedQuestion.from_dict(json.loads(r[6])), opened_at=r[7], closes_at=r[8],
        closed_at=r[9], message_id=r[10], schedule_id=r[11], slot_at=r[12], session_id=r[13],
        season_id=r[14], allow_change=bool(r[15]),
    )


class Rounds:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    async def insert(conn: aiosqlite.Connection, *, channel_id: int, question: AskedQuestion,
                     opened_at: float, closes_at: float, season_id: int | None,
                     allow_change: bool = False, schedule_id: int | None = None,
                     slot_at: float | None = None, session_id: int | None = None) -> int:
        """Open a round inside a transaction. Raises ``sqlite3.IntegrityError`` when the
        channel already has an open round or the slot was already taken."""
        cursor = await conn.execute(
            "INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, closes_at, "
            "schedule_id, slot_at, session_id, season_id, allow_change) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (channel_id, question.key, f"{question.deck_id}/{question.card_id}",
             json.dumps(question.as_dict()), opened_at, closes_at, schedule_id, slot_at, session_id,
             season_id, int(allow_change)),
        )
        return int(cursor.lastrowid or 0)

    async def set_message(self, round_id: int, message_id: str) -> None:
        await self.db.execute("UPDATE rounds SET message_id = ? WHERE id = ?", (message_id, round_id))

    async def get(self, round_id: int) -> RoundRow | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id WHERE r.id = ?",
            (round_id,))
        return _row(row) if row else None

    async def open_in(self, channel_id: int) -> RoundRow | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.channel_id = ? AND r.closed_at IS NULL", (channel_id,))
        return _row(row) if row else None

    async def due(self, now: float) -> list[RoundRow]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.closed_at IS NULL AND r.closes_at <= ? ORDER BY r.closes_at", (now,))
        return [_row(r) for r in rows]

    async def unposted(self, opened_before: float) -> list[RoundRow]:
        """Open rounds, opened before ``opened_before``, whose question was never posted."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.closed_at IS NULL AND r.message_id IS NULL AND r.opened_at < ? ORDER BY r.id",
            (opened_before,))
        return [_row(r) for r in rows]

    async def unrevealed(self, since: float, max_attempts: int) -> list[RoundRow]:
        """Closed rounds whose reveal has not reached the channel yet (oldest first)."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.closed_at IS NOT NULL AND r.revealed_at IS NULL AND r.closed_at >= ? "
            "AND r.reveal_attempts < ? ORDER BY r.closed_at", (since, max_attempts))
        return [_row(r) for r in rows]

    async def reveal_done(self, round_id: int, now: float) -> None:
        await self.db.execute("UPDATE rounds SET revealed_at = ? WHERE id = ?", (now, round_id))

    async def reveal_failed(self, round_id: int) -> int:
        """Count a failed reveal; returns the attempts so far."""
        await self.db.execute("UPDATE rounds SET reveal_attempts = reveal_attempts + 1 WHERE id = ?", (round_id,))
        row = await self.db.fetchone("SELECT reveal_attempts FROM rounds WHERE id = ?", (round_id,))
        return int(row[0]) if row else 0

    async def next_deadline(self) -> float | None:
        row = await self.db.fetchone("SELECT MIN(closes_at) FROM rounds WHERE closed_at IS NULL")
        return float(row[0]) if row and row[0] is not None else None

    @staticmethod
    async def mark_closed(conn: aiosqlite.Connection, round_id: int, now: float) -> bool:
        """True only for the one caller that actually closed it (closing is idempotent)."""
        cursor = await conn.execute(
            "UPDATE rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL", (now, round_id))
        return cursor.rowcount == 1

    async def last_asked(self, channel_id: int) -> dict[str, float]:
        """When each card was last asked in this channel (card_key -> opened_at)."""
        rows = await self.db.fetchall(
            "SELECT card_key, MAX(opened_at) FROM rounds WHERE channel_id = ? GROUP BY card_key",
            (channel_id,))
        return {str(r[0]): float(r[1]) for r in rows}
