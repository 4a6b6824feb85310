"""The clock's schedule queries in a Discord shard process, beside an unsharded process, in
the same run on the same file: 20,000 schedules in 20,000 guilds (random snowflakes), slots
spread over a day, 1% of them due at the tick.

A shard process (shard 1 of 4) filters ``due`` and ``next_run`` by
``(guild_id >> 22) % count`` in SQL, on the joined channel row, with the ``schedules_due``
index still driving the scan; the baseline is the unfiltered queries every process ran
before (which read every guild's schedules). Figures per tick: ``due`` plus ``next_run``.

Both engines in the same run, filled with the same rows (bench/_engines.py): a SQLite file
and a PostgreSQL server (after the ``VACUUM ANALYZE`` its autovacuum would run); SQLite's
figures are PostgreSQL's baseline.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from _common import emit, note, percentile
from _engines import ENGINES, SERVER_NOTE, Databases, bulk_insert, databases, load_1min, ratio, settle

from bot.store.db import Database
from bot.store.ownership import EVERY_CHANNEL, Ownership, WorkspaceShards
from bot.store.stores import Stores

GUILDS = 20_000
DUE_SHARE = 0.01
TICKS = 300
NOW = 1_800_000_000.0
SHARD = Ownership((WorkspaceShards("discord", 4, frozenset({1}), shift=22),))


Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def generate() -> Rows:
    """A channel and a schedule per guild, the same for both engines."""
    rng = random.Random(5)
    channels, schedules = [], []
    for i in range(GUILDS):
        guild = rng.randrange(10**17, 2**62)
        channels.append((i + 1, f"discord:{guild}:{i}", f"discord:{guild}", "discord", str(i), NOW))
        due = rng.random() < DUE_SHARE
        next_run = NOW - rng.uniform(0, 60) if due else NOW + rng.uniform(1, 86_400)
        schedules.append((i + 1, "0 9 * * *", "UTC", "[]", 600, next_run, NOW, "daily 09:00"))
    return channels, schedules


async def fill(db: Database, rows: Rows) -> None:
    channels, schedules = rows
    async with db.transaction() as conn:
        await bulk_insert(conn, "channels", ("id", "key", "workspace", "platform", "native_id", "created_at"),
                          channels)
        await bulk_insert(conn, "schedules", ("channel_id", "cron", "tz", "decks", "window_s", "next_run_at",
                                              "created_at", "spec"), schedules)
    await settle(db.conn)


async def ticks(stores: Stores, owned: Ownership) -> tuple[list[float], int]:
    times, found = [], 0
    for _ in range(TICKS):
        started = time.perf_counter()
        due = await stores.schedules.due(NOW, owned)
        await stores.schedules.next_run((), owned)
        times.append(time.perf_counter() - started)
        found = len(due)
    return times, found


async def measure(where: Databases, engine: str, rows: Rows) -> dict[str, Any]:
    db = await Database.open(where.target(engine, "clock"))
    try:
        note(f"shard_clock: {engine}, filling {GUILDS} guilds with a schedule each ...")
        await fill(db, rows)
        stores = Stores(db)
        await ticks(stores, SHARD)  # warm the page cache for both
        shard, shard_due = await ticks(stores, SHARD)
        every, every_due = await ticks(stores, EVERY_CHANNEL)
    finally:
        await db.close()
    ms = 1000.0
    return {
        "due": every_due, "shard_due": shard_due, "shard_tick_p50_ms": round(percentile(shard, 50) * ms, 3),
        "shard_tick_p99_ms": round(percentile(shard, 99) * ms, 3),
        "baseline": "unfiltered due + next_run (every guild), same database",
        "baseline_p50_ms": round(percentile(every, 50) * ms, 3),
        "baseline_p99_ms": round(percentile(every, 99) * ms, 3),
    }


async def main() -> None:
    rows = generate()
    with databases() as where:
        figures = {engine: await measure(where, engine, rows) for engine in ENGINES}
    record: dict[str, Any] = {"bench": "shard_clock", "schedules": GUILDS, "shards": 4, "ticks": TICKS, **figures,
                              "settings": SERVER_NOTE, "load_1min": load_1min()}
    if len(figures) == 2:
        sqlite, pg = figures["sqlite"], figures["postgresql"]
        record["postgresql_over_sqlite"] = {
            "shard_tick_p50": ratio(pg["shard_tick_p50_ms"], sqlite["shard_tick_p50_ms"]),
            "shard_tick_p99": ratio(pg["shard_tick_p99_ms"], sqlite["shard_tick_p99_ms"]),
            "baseline_p50": ratio(pg["baseline_p50_ms"], sqlite["baseline_p50_ms"])}
    emit(record)


if __name__ == "__main__":
    asyncio.run(main())
