"""Weekly digests: each channel's digest schedules, the unique claim of a slot, and the
week's figures a digest is made of (answers per member and day, cards asked, streaks).

A slot is posted once even with several processes over one database: :meth:`Digests.claim`
inserts ``(digest_id, slot_at)`` into ``digest_slots`` (its primary key refuses a second
claim) and moves ``next_run_at`` on with a compare-and-set, in one transaction; only the
caller that gets True posts.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

from bot.store.channels import CHANNEL_COLUMNS, ChannelRef, channel_of
from bot.store.db import Database
from bot.store.ownership import EVERY_CHANNEL, Ownership
from bot.store.sql import Record

_COLUMNS = f"d.id, d.channel_id, {CHANNEL_COLUMNS}, d.spec, d.cron, d.tz, d.next_run_at"


@dataclass(frozen=True)
class DigestRow:
    id: int
    channel_id: int
    channel: ChannelRef
    spec: str
    """The schedule in the words it was given ("fri 16:00")."""
    cron: str
    tz: str
    next_run_at: float


@dataclass(frozen=True)
class WeekAnswer:
    """One answer of a closed round in the week, as the digest counts it."""

    member_id: int
    name: str
    card_key: str
    """``deck_id/card_id``."""
    correct: bool
    points: int
    answered_at: float


@dataclass(frozen=True)
class StreakRow:
    member_id: int
    name: str
    current: int
    best: int


def _row(r: Record) -> DigestRow:
    return DigestRow(int(r[0]), int(r[1]), channel_of(r, 2), str(r[5]), str(r[6]), str(r[7]), float(r[8]))


class Digests:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, channel_id: int, spec: str, cron: str, tz: str, next_run_at: float,
                  member_id: int | None) -> int:
        return await self.db.insert(
            "INSERT INTO digests(channel_id, spec, cron, tz, next_run_at, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (channel_id, spec, cron, tz, next_run_at, member_id, time.time()))

    async def remove(self, channel_id: int, digest_id: int) -> bool:
        """Delete the channel's digest ``digest_id`` and, by its foreign key's cascade, its claimed
        slots; False when there is none (or it is another channel's)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM digests WHERE id = ? AND channel_id = ?",
                                        (digest_id, channel_id))
            return cursor.rowcount == 1

    async def in_channel(self, channel_id: int) -> list[DigestRow]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM digests d JOIN channels c ON c.id = d.channel_id "
            "WHERE d.channel_id = ? ORDER BY d.id", (channel_id,))
        return [_row(r) for r in rows]

    async def due(self, now: float, owned: Ownership = EVERY_CHANNEL) -> list[DigestRow]:
        """Digests of ``owned`` channels whose next slot is at or before ``now``, earliest first."""
        sql = (f"SELECT {_COLUMNS} FROM digests d JOIN channels c ON c.id = d.channel_id "
               "WHERE d.next_run_at <= ?")
        params: tuple[object, ...] = (now,)
        if not owned.everything:
            where, extra = owned.where("c")
            sql, params = f"{sql} AND {where}", (now, *extra)
        return [_row(r) for r in await self.db.fetchall(f"{sql} ORDER BY d.next_run_at", params)]

    async def next_run(self, exclude: Collection[int] = (), owned: Ownership = EVERY_CHANNEL) -> float | None:
        """The next slot of a digest of an ``owned`` channel (not in ``exclude``)."""
        marks = ",".join("?" * len(exclude))
        sql = ("SELECT MIN(d.next_run_at) FROM digests d JOIN channels c ON c.id = d.channel_id "
               f"WHERE d.id NOT IN ({marks})")
        params: tuple[object, ...] = tuple(exclude)
        if not owned.everything:
            where, extra = owned.where("c")
            sql, params = f"{sql} AND {where}", (*params, *extra)
        row = await self.db.fetchone(sql, params)
        return float(row[0]) if row and row[0] is not None else None

    async def claim(self, digest_id: int, expected: float, slot_at: float, following: float, now: float) -> bool:
        """Claim ``slot_at`` for posting and move the digest to ``following``, both or neither.
        True for exactly one caller per slot; False when another process (or an earlier
        tick) claimed it, or the digest moved on or is gone."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE digests SET next_run_at = ? WHERE id = ? AND next_run_at = ?",
                (following, digest_id, expected))
            if cursor.rowcount != 1:
                return False
            cursor = await conn.execute(
                "INSERT INTO digest_slots(digest_id, slot_at, posted_at) VALUES (?, ?, ?) "
                "ON CONFLICT(digest_id, slot_at) DO NOTHING RETURNING digest_id", (digest_id, slot_at, now))
            return await cursor.fetchone() is not None

    async def week_answers(self, channel_id: int, start: float, end: float) -> list[WeekAnswer]:
        """Every answer to a closed round of the channel opened in ``[start, end)``."""
        rows = await self.db.fetchall(
            "SELECT a.member_id, m.name, r.card_key, a.correct, a.points, a.answered_at FROM rounds r "
            "JOIN answers a ON a.round_id = r.id JOIN members m ON m.id = a.member_id "
            "WHERE r.channel_id = ? AND r.opened_at >= ? AND r.opened_at < ? AND r.closed_at IS NOT NULL "
            "ORDER BY a.answered_at, a.id", (channel_id, start, end))
        return [WeekAnswer(int(r[0]), str(r[1]), str(r[2]), bool(r[3]), int(r[4]), float(r[5])) for r in rows]

    async def streaks(self, channel_id: int, limit: int) -> list[StreakRow]:
        """The channel's running streaks (current > 0), longest first."""
        rows = await self.db.fetchall(
            "SELECT s.member_id, m.name, s.current, s.best FROM streaks s JOIN members m ON m.id = s.member_id "
            "WHERE s.channel_id = ? AND s.current > 0 ORDER BY s.current DESC, s.best DESC, m.name LIMIT ?",
            (channel_id, limit))
        return [StreakRow(int(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]
