"""Sessions: ``/quiz start N`` runs N questions back to back in one channel."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass

from bot.store.channels import CHANNEL_COLUMNS, ChannelRef, channel_of
from bot.store.db import Database
from bot.store.errors import AlreadyExists, SessionRunning
from bot.store.ownership import EVERY_CHANNEL, Ownership
from bot.store.sql import Connection, Record

_COLUMNS = (f"s.id, s.channel_id, {CHANNEL_COLUMNS}, s.decks, s.total, s.asked, "
            "s.window_s, s.gap_s, s.next_at")


@dataclass(frozen=True)
class SessionRow:
    id: int
    channel_id: int
    channel: ChannelRef
    decks: tuple[str, ...]
    total: int
    asked: int
    window_s: int
    gap_s: int
    next_at: float | None


def _row(r: Record) -> SessionRow:
    return SessionRow(int(r[0]), int(r[1]), channel_of(r, 2), tuple(json.loads(r[5])),
                      int(r[6]), int(r[7]), int(r[8]), int(r[9]), r[10])


class Sessions:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def start(self, channel_id: int, decks: tuple[str, ...], total: int, window_s: int, gap_s: int,
                    member_id: int, now: float) -> int:
        try:
            return await self.db.insert(
                "INSERT INTO sessions(channel_id, decks, total, window_s, gap_s, next_at, started_by, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (channel_id, json.dumps(list(decks)), total, window_s, gap_s, now, member_id, now))
        except AlreadyExists:
            raise SessionRunning() from None

    async def active(self, channel_id: int) -> SessionRow | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM sessions s JOIN channels c ON c.id = s.channel_id "
            "WHERE s.channel_id = ? AND s.ended_at IS NULL", (channel_id,))
        return _row(row) if row else None

    async def get(self, session_id: int) -> SessionRow | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM sessions s JOIN channels c ON c.id = s.channel_id WHERE s.id = ?",
            (session_id,))
        return _row(row) if row else None

    async def due(self, now: float, owned: Ownership = EVERY_CHANNEL) -> list[SessionRow]:
        """Running sessions of ``owned`` channels whose next step is at or before ``now``."""
        where, params = owned.where("c")
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM sessions s JOIN channels c ON c.id = s.channel_id "
            f"WHERE s.ended_at IS NULL AND s.next_at IS NOT NULL AND s.next_at <= ? AND {where}", (now, *params))
        return [_row(r) for r in rows]

    async def next_at(self, exclude: Collection[int] = (), owned: Ownership = EVERY_CHANNEL) -> float | None:
        """When the next step of a running session of an ``owned`` channel is due."""
        marks = ",".join("?" * len(exclude))
        where, params = owned.where("c")
        row = await self.db.fetchone(
            "SELECT MIN(s.next_at) FROM sessions s JOIN channels c ON c.id = s.channel_id "
            f"WHERE s.ended_at IS NULL AND s.id NOT IN ({marks}) AND {where}", (*exclude, *params))
        return float(row[0]) if row and row[0] is not None else None

    @staticmethod
    async def count_question(conn: Connection, session_id: int, asked: int) -> bool:
        """Inside the transaction that opens the session's next round: count it and wait
        for its close. False when the session ended or someone else counted it already."""
        cursor = await conn.execute(
            "UPDATE sessions SET asked = asked + 1, next_at = NULL WHERE id = ? AND asked = ? AND ended_at IS NULL",
            (session_id, asked))
        return cursor.rowcount == 1

    @staticmethod
    async def round_closed(conn: Connection, session_id: int, now: float) -> None:
        """In the transaction that closes a session's round: the next question comes after
        the gap (or, once all are asked, the clock ends the session at ``now + gap``)."""
        await conn.execute("UPDATE sessions SET next_at = ? + gap_s WHERE id = ? AND ended_at IS NULL",
                           (now, session_id))

    @staticmethod
    async def uncount_question(conn: Connection, session_id: int, now: float) -> None:
        """A counted question was withdrawn unseen: ask again now."""
        await conn.execute("UPDATE sessions SET asked = CASE WHEN asked > 0 THEN asked - 1 ELSE 0 END, next_at = ? "
                           "WHERE id = ? AND ended_at IS NULL", (now, session_id))

    async def wait(self, session_id: int, next_at: float) -> None:
        await self.db.execute("UPDATE sessions SET next_at = ? WHERE id = ? AND ended_at IS NULL",
                              (next_at, session_id))

    async def end(self, session_id: int, now: float) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE sessions SET ended_at = ?, next_at = NULL WHERE id = ? AND ended_at IS NULL",
                (now, session_id))
            return cursor.rowcount == 1

    async def scores(self, session_id: int) -> list[tuple[str, int, int]]:
        """(name, right answers, points) of everyone who answered one of the session's closed
        rounds, best first: most right, then most points, then who gave their last answer first."""
        rows = await self.db.fetchall(
            "SELECT m.name, SUM(a.correct), SUM(a.points) FROM answers a JOIN rounds r ON r.id = a.round_id "
            "JOIN members m ON m.id = a.member_id WHERE r.session_id = ? AND r.closed_at IS NOT NULL "
            "GROUP BY a.member_id, m.name ORDER BY SUM(a.correct) DESC, SUM(a.points) DESC, MAX(a.answered_at), m.name",
            (session_id,))
        return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]
