"""What the move to SQLAlchemy costs per statement on SQLite: ``Database.fetchone`` (the
statement translated by ``bot.store.sql``, then SQLAlchemy's ``exec_driver_sql`` over
aiosqlite, the rows read in full) against raw aiosqlite on the same file in the same
process, as ``Database.fetchone`` ran before the move (``isolation_level=None``,
``aiosqlite.Row``, ``async with conn.execute(...) as cursor: await cursor.fetchone()``).

The statement is one of the store's own: a member's name by primary key (10,000 members),
each call awaited before the next, as a handler does. The two paths alternate in blocks of
:data:`BLOCK` calls so that a noisy neighbour slows both alike; each path's figure is the
median per-call time over its blocks, with the process's CPU time per call beside it.

Prints one JSON line: microseconds per statement each way, the difference and the ratio, and
the 1-minute load average.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite
from _common import emit, note

from bot.store.db import Database

MEMBERS = 10_000
CALLS = int(os.environ.get("BENCH_CALLS", "20000"))
BLOCK = 500
QUERY = "SELECT name FROM members WHERE id = ?"


async def timed_block(call: Callable[[int], Awaitable[object]], ids: list[int]) -> tuple[float, float]:
    """(wall, CPU) seconds per call over one block."""
    wall, cpu = time.perf_counter(), time.process_time()
    for member_id in ids:
        await call(member_id)
    return (time.perf_counter() - wall) / len(ids), (time.process_time() - cpu) / len(ids)


async def main() -> None:
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "overhead.db"
        db = await Database.open(path)
        async with db.transaction() as conn:
            await conn.executemany("INSERT INTO members(id, key, name, created_at) VALUES (?, ?, ?, 0)",
                                   [(i, f"bench:W:U{i}", f"user{i}") for i in range(1, MEMBERS + 1)])
        raw = await aiosqlite.connect(path, isolation_level=None)
        raw.row_factory = aiosqlite.Row

        async def through_database(member_id: int) -> object:
            row = await db.fetchone(QUERY, (member_id,))
            assert row is not None and row[0] == f"user{member_id}"
            return row

        async def through_aiosqlite(member_id: int) -> object:
            async with raw.execute(QUERY, (member_id,)) as cursor:
                row = await cursor.fetchone()
            assert row is not None and row[0] == f"user{member_id}"
            return row

        try:
            warm = [rng.randint(1, MEMBERS) for _ in range(BLOCK)]
            await timed_block(through_database, warm)
            await timed_block(through_aiosqlite, warm)
            ours: list[tuple[float, float]] = []
            base: list[tuple[float, float]] = []
            note(f"statement overhead: {CALLS} calls each way, alternating blocks of {BLOCK} ...")
            for _ in range(max(1, CALLS // BLOCK)):
                ids = [rng.randint(1, MEMBERS) for _ in range(BLOCK)]
                ours.append(await timed_block(through_database, ids))
                base.append(await timed_block(through_aiosqlite, ids))
        finally:
            await raw.close()
            await db.close()
    us = 1e6
    wall, cpu = statistics.median(w for w, _ in ours) * us, statistics.median(c for _, c in ours) * us
    base_wall, base_cpu = statistics.median(w for w, _ in base) * us, statistics.median(c for _, c in base) * us
    emit({
        "bench": "statement_overhead", "statement": QUERY, "calls": CALLS, "block": BLOCK,
        "database_fetchone_us": round(wall, 1), "database_fetchone_cpu_us": round(cpu, 1),
        "baseline": "raw aiosqlite on the same file (Database.fetchone before SQLAlchemy)",
        "baseline_us": round(base_wall, 1), "baseline_cpu_us": round(base_cpu, 1),
        "overhead_us": round(wall - base_wall, 1), "ratio": round(wall / base_wall, 2),
        "load_1min": round(os.getloadavg()[0], 2),
    })


if __name__ == "__main__":
    asyncio.run(main())
