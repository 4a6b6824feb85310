"""Schedules: when a channel gets its next question. ``next_run_at`` is the
first slot not handled yet; it only moves forward, in the same transaction
that opens (or skips) the slot's round, except on resume, which moves it to the
next future slot so nothing missed while paused is posted.

A paused schedule (``paused_at`` set) is never due. The due query and the
clock's "next run" read the partial index ``schedules_due`` (migration 0005),
which holds only running schedules, so a tick costs an index range scan, not a
scan of every schedule.
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection
from dataclasses import dataclass

from bot.store.channels import CHANNEL_COLUMNS, ChannelRef, channel_of
from bot.store.db import Database
from bot.store.ownership import EVERY_CHANNEL, Ownership
from bot.store.sql import Connection, Record

_COLUMNS = (f"s.id, s.channel_id, {CHANNEL_COLUMNS}, s.cron, s.tz, s.decks, "
            "s.window_s, s.next_run_at, COALESCE(s.spec, s.cron), s.paused_at IS NOT NULL")

DUE_QUERY = (f"SELECT {_COLUMNS} FROM schedules s INDEXED BY schedules_due JOIN channels c ON c.id = s.channel_id "
             "WHERE s.paused_at IS NULL AND s.next_run_at <= ? ORDER BY s.next_run_at")
"""The clock's query for due schedules (``INDEXED BY``: a plan without the index is an error,
not a silent full scan)."""


def due_query(owned: Ownership = EVERY_CHANNEL) -> tuple[str, tuple[str, ...]]:
    """:data:`DUE_QUERY` for the channels this process owns, and the filter's parameters (after
    ``now``). The index still drives the scan; the filter reads the joined channel row."""
    if owned.everything:
        return DUE_QUERY, ()
    where, params = owned.where("c")
    return DUE_QUERY.replace(" ORDER BY", f" AND {where} ORDER BY"), params


@dataclass(frozen=True)
class ScheduleRow:
    id: int
    channel_id: int
    channel: ChannelRef
    cron: str
    tz: str
    decks: tuple[str, ...]
    window_s: int
    next_run_at: float
    spec: str = ""
    """The schedule in the words it was given ("weekdays 09:30"); the cron for rows older than that."""
    paused: bool = False


def _row(r: Record) -> ScheduleRow:
    return ScheduleRow(int(r[0]), int(r[1]), channel_of(r, 2), str(r[5]), str(r[6]), tuple(json.loads(r[7])),
                       int(r[8]), float(r[9]), str(r[10]), bool(r[11]))


class Schedules:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, channel_id: int, cron: str, tz: str, decks: tuple[str, ...], window_s: int,
                  next_run_at: float, member_id: int | None, spec: str | None = None) -> int:
        return await self.db.insert(
            "INSERT INTO schedules(channel_id, cron, tz, decks, window_s, next_run_at, created_by, created_at, spec) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (channel_id, cron, tz, json.dumps(list(decks)), window_s, next_run_at, member_id, time.time(),
             spec or cron))

    async def remove(self, channel_id: int, schedule_id: int) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM schedules WHERE id = ? AND channel_id = ?", (schedule_id, channel_id))
            return cursor.rowcount == 1

    async def get(self, channel_id: int, schedule_id: int) -> ScheduleRow | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM schedules s JOIN channels c ON c.id = s.channel_id "
            "WHERE s.id = ? AND s.channel_id = ?", (schedule_id, channel_id))
        return _row(row) if row else None

    async def pause(self, schedule_id: int, now: float) -> bool:
        """Pause a running schedule; False when it was already paused (or is gone)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE schedules SET paused_at = ? WHERE id = ? AND paused_at IS NULL", (now, schedule_id))
            return cursor.rowcount == 1

    async def pause_workspace(self, workspace: str, now: float) -> int:
        """Pause every running schedule in the channels of ``workspace`` (``slack:T123``), as
        when the app is uninstalled there; returns how many were paused. Other workspaces'
        schedules are untouched; paused ones keep their ``paused_at``."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE schedules SET paused_at = ? WHERE paused_at IS NULL AND channel_id IN "
                "(SELECT id FROM channels WHERE workspace = ?)", (now, workspace))
            return int(cursor.rowcount)

    async def resume(self, schedule_id: int, next_run_at: float) -> bool:
        """Resume a paused schedule at ``next_run_at`` (its next future slot); False when it
        was not paused (or is gone)."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE schedules SET paused_at = NULL, next_run_at = ? WHERE id = ? AND paused_at IS NOT NULL",
                (next_run_at, schedule_id))
            return cursor.rowcount == 1

    async def in_channel(self, channel_id: int) -> list[ScheduleRow]:
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM schedules s JOIN channels c ON c.id = s.channel_id "
            "WHERE s.channel_id = ? ORDER BY s.id", (channel_id,))
        return [_row(r) for r in rows]

    async def due(self, now: float, owned: Ownership = EVERY_CHANNEL) -> list[ScheduleRow]:
        """Running schedules of ``owned`` channels whose next slot is at or before ``now``,
        earliest first."""
        sql, params = due_query(owned)
        return [_row(r) for r in await self.db.fetchall(sql, (now, *params))]

    async def next_run(self, exclude: Collection[int] = (), owned: Ownership = EVERY_CHANNEL) -> float | None:
        """The next slot of a running schedule of an ``owned`` channel (not in ``exclude``)."""
        marks = ",".join("?" * len(exclude))
        if owned.everything:
            row = await self.db.fetchone(
                "SELECT MIN(next_run_at) FROM schedules INDEXED BY schedules_due "
                f"WHERE paused_at IS NULL AND id NOT IN ({marks})", tuple(exclude))
        else:  # walk the index in slot order and stop at the first owned one
            where, params = owned.where("c")
            row = await self.db.fetchone(
                "SELECT s.next_run_at FROM schedules s INDEXED BY schedules_due JOIN channels c ON c.id = s.channel_id "
                f"WHERE s.paused_at IS NULL AND s.id NOT IN ({marks}) AND {where} ORDER BY s.next_run_at LIMIT 1",
                (*exclude, *params))
        return float(row[0]) if row and row[0] is not None else None

    @staticmethod
    async def advance(conn: Connection, schedule_id: int, expected: float, next_run_at: float) -> bool:
        """Move ``next_run_at`` forward, only if nobody else did and the schedule is not
        paused (compare-and-set): a slot whose schedule was paused meanwhile is not posted."""
        cursor = await conn.execute(
            "UPDATE schedules SET next_run_at = ? WHERE id = ? AND next_run_at = ? AND paused_at IS NULL",
            (next_run_at, schedule_id, expected))
        return cursor.rowcount == 1
