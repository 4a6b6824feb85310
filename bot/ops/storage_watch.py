"""Keeping the storage verdict fresh while nothing is written (no aiohttp: runs without the endpoint).

It compares the database path with the open file every few seconds and, while
writes fail (or after a quiet spell), makes a tiny probe write, so a fault shows
without waiting for a member's answer and a passing one clears by itself.
"""

from __future__ import annotations

import asyncio
import time

from bot.store.db import Database

WATCH_INTERVAL_S = 2.0  # how often the path is compared with the open file (one stat)
PROBE_EVERY_S = 30.0  # a probe write after this long without a commit, to find a full disk early


async def watch_storage(db: Database, *, interval_s: float = WATCH_INTERVAL_S,
                        probe_every_s: float = PROBE_EVERY_S) -> None:
    """Until cancelled: every ``interval_s`` check that the path is still the open file; probe
    with a write while a write fault lasts (to clear it) or after ``probe_every_s`` without one."""
    last_probe = time.monotonic()
    while True:
        await asyncio.sleep(interval_s)
        if not db.check_file():
            continue  # deleted or replaced: only a restart helps; writing would prove nothing
        now = time.monotonic()
        if db.health.fault is not None or now - last_probe >= probe_every_s:
            last_probe = now
            await db.probe()
