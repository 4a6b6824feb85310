"""The clock's schedule queries in a Discord shard process, beside an unsharded process, in
the same run on the same file: 20,000 schedules in 20,000 guilds (random snowflakes), slots
spread over a day, 1% of them due at the tick.

A shard process (shard 1 of 4) filters ``due`` and ``next_run`` by
``(guild_id >> 22) % count`` in SQL, on the joined channel row, with the ``schedules_due``
index still driving the scan; the baseline is the unfiltered queries every process ran
before (which read every guild's schedules). Figures per tick: ``due`` plus ``next_run``.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from _common import emit, note, percentile

from bot.store.db import Database
from bot.store.ownership import EVERY_CHANNEL, Ownership, WorkspaceShards
from bot.store.stores import Stores

GUILDS = 20_000
DUE_SHARE = 0.01
TICKS = 300
NOW = 1_800_000_000.0
SHARD = Ownership((WorkspaceShards("discord", 4, frozenset({1}), shift=22),))


def fill(path: Path) -> None:
    rng = random.Random(5)
    with sqlite3.connect(path) as conn:
        for i in range(GUILDS):
            guild = rng.randrange(10**17, 2**62)
            key = f"discord:{guild}:{i}"
            channel_id = conn.execute(
                "INSERT INTO channels(key, workspace, platform, native_id, created_at) VALUES (?, ?, ?, ?, ?) "
                "RETURNING id", (key, f"discord:{guild}", "discord", str(i), NOW)).fetchone()[0]
            due = rng.random() < DUE_SHARE
            next_run = NOW - rng.uniform(0, 60) if due else NOW + rng.uniform(1, 86_400)
            conn.execute(
                "INSERT INTO schedules(channel_id, cron, tz, decks, window_s, next_run_at, created_by, created_at, "
                "spec) VALUES (?, '0 9 * * *', 'UTC', '[]', 600, ?, NULL, ?, 'daily 09:00')",
                (channel_id, next_run, NOW))


async def ticks(stores: Stores, owned: Ownership) -> tuple[list[float], int]:
    times, found = [], 0
    for _ in range(TICKS):
        started = time.perf_counter()
        due = await stores.schedules.due(NOW, owned)
        await stores.schedules.next_run((), owned)
        times.append(time.perf_counter() - started)
        found = len(due)
    return times, found


async def measure(path: Path) -> dict[str, object]:
    db = await Database.open(path)
    try:
        stores = Stores(db)
        await ticks(stores, SHARD)  # warm the page cache for both
        shard, shard_due = await ticks(stores, SHARD)
        every, every_due = await ticks(stores, EVERY_CHANNEL)
    finally:
        await db.close()
    ms = 1000.0
    return {
        "bench": "shard_clock", "schedules": GUILDS, "due": every_due, "shards": 4,
        "shard_due": shard_due, "shard_tick_p50_ms": round(percentile(shard, 50) * ms, 3),
        "shard_tick_p99_ms": round(percentile(shard, 99) * ms, 3),
        "baseline": "unfiltered due + next_run (every guild), same file",
        "baseline_p50_ms": round(percentile(every, 50) * ms, 3),
        "baseline_p99_ms": round(percentile(every, 99) * ms, 3),
        "load_1min": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "clock.db"
        asyncio.run(_create(path))  # the schema, by the migrations
        note(f"filling {GUILDS} guilds with a schedule each ...")
        fill(path)
        emit(asyncio.run(measure(path)))


async def _create(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


if __name__ == "__main__":
    main()
