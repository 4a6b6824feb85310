"""Schedules: when a channel gets its next question. ``next_run_at`` is the
first slot not handled yet; it only moves forward, in the same transaction
that opens (or skips) the slot's round."""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from dataclasses import dataclass

import aiosqlite

from bot.store.db import Database

_COLUMNS = ("s.id, s.channel_id, c.key, c.workspace, c.platform, c.native_id, s.cron, s.tz, s.decks, "
            "s.window_s, s.next_run_at")


@dataclass(frozen=True)
class ScheduleRow:
    id: int
    channel_id: int
    channel_key: str
    workspace: str
    platform: str
    native_id: str
    cron: str
    tz: str
    decks: tuple[str, ...]
    window_s: int
    next_run_at: float


def _row(r: aiosqlite.Row) -> ScheduleRow:
    return ScheduleRow(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]),
                       str(r[7]), tuple(json.loads(r[8])), int(r[9]), float(r[10]))


class Schedules:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, channel_id: int, cron: str, tz: str, decks: tuple[str, ...], window_s: int,
                  next_run_at: float, member_id: int | None) -> int:
        return await self.db.execute(
            "INSERT INTO schedules(channel_id, cron, tz, decks, window_s, next_run_at, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (channel_id, cron, tz, json.dumps(list(decks)), window_s, next_run_at, member_id, time.time()))

    async def remove(self, channel_id: int, schedule_id: int) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM schedules WHERE id = ? AND channel_id = ?", (schedule_id, channel_id))
            return cursor.rowcount == 1

    async def in_channel(self, channel_id: int) -> list[ScheduleRow]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM schedules s JOIN channels c ON c.id = s.channel_id "
            "WHERE s.channel_id = ? ORDER BY s.id", (channel_id,))
        return [_row(r) for r in rows]

    async def due(self, now: float) -> list[ScheduleRow]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM schedules s JOIN channels c ON c.id = s.channel_id "
            "WHERE s.next_run_at <= ? ORDER BY s.next_run_at", (now,))
        return [_row(r) for r in rows]

    async def next_run(self, exclude: Collection[int] = ()) -> float | None:
        marks = ",".join("?" * len(exclude))
        row = await self.db.fetchone(
            f"SELECT MIN(next_run_at) FROM schedules WHERE id NOT IN ({marks})", tuple(exclude))
        return float(row[0]) if row and row[0] is not None else None

    @staticmethod
    async def advance(conn: aiosqlite.Connection, schedule_id: int, expected: float, next_run_at: float) -> bool:
        """Move ``next_run_at`` forward, only if nobody else did (compare-and-set)."""
        cursor = await conn.execute(
            "UPDATE schedules SET next_run_at = ? WHERE id = ? AND next_run_at = ?",
            (next_run_at, schedule_id, expected))
        return cursor.rowcount == 1
