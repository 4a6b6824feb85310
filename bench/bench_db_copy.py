"""``quizbot db copy`` SQLite -> PostgreSQL: rows per second for a deployment's database.

Builds a SQLite file of ``BENCH_ANSWERS`` answers (2,000 members, rounds of 100 answers,
in two channels), copies it into a fresh database on a test PostgreSQL server (as the
tests start it) through :func:`bot.store.copy.copy_database`, then verifies (counts and
boards). Baseline in the same run: the same copy writing one row per statement
(``BATCH_ROWS = 1``) on a tenth of the answers. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from _common import emit, note

from bot.store import copy as store_copy
from bot.store.db import Database
from tests import postgres

ANSWERS = int(os.environ.get("BENCH_ANSWERS", "200000"))
MEMBERS = 2000
PER_ROUND = 100


async def build(path: Path, answers: int) -> None:
    db = await Database.open(path)  # the schema
    await db.close()
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT INTO members(id, key, name, created_at) VALUES (?, ?, ?, 0)",
                         [(i, f"bench:m{i}", f"m{i}") for i in range(1, MEMBERS + 1)])
        conn.executemany("INSERT INTO channels(id, key, workspace, platform, native_id, created_at) "
                         "VALUES (?, ?, 'bench:W', 'bench', ?, 0)", [(1, "bench:W:C1", "C1"), (2, "bench:W:C2", "C2")])
        rounds = answers // PER_ROUND
        conn.executemany("INSERT INTO rounds(id, channel_id, question_key, card_key, question, opened_at, closes_at, "
                         "closed_at) VALUES (?, ?, 'd/c/choice', 'd/c', '{}', ?, ?, ?)",
                         [(r, 1 + r % 2, r * 60.0, r * 60.0 + 30, r * 60.0 + 30) for r in range(1, rounds + 1)])
        conn.executemany("INSERT INTO answers(round_id, member_id, choice, correct, points, answered_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         [(r, 1 + (r * 7 + k) % MEMBERS, k % 4, int(k % 3 == 0), 10 * int(k % 3 == 0),
                           r * 60.0 + k / 10) for r in range(1, rounds + 1) for k in range(PER_ROUND)])
    conn.close()


async def timed_copy(path: Path, url: str) -> tuple[float, int, bool]:
    source = await Database.open(path)
    target = await Database.open(url)
    try:
        start = time.perf_counter()
        tables = await store_copy.copy_database(source, target)
        elapsed = time.perf_counter() - start
        check = await store_copy.verify(source, target, tables)
        rows = sum(c.target_rows for c in check.counts)
        return elapsed, rows, check.ok
    finally:
        await source.close()
        await target.close()


async def main() -> None:
    server = postgres.start()
    os.environ[postgres.URL_VARIABLE] = server.url
    try:
        with tempfile.TemporaryDirectory() as tmp:
            big, small = Path(tmp) / "big.db", Path(tmp) / "small.db"
            note(f"building {ANSWERS} answers")
            await build(big, ANSWERS)
            await build(small, ANSWERS // 10)
            note("copying in batches")
            batched = await timed_copy(big, postgres.new_database_url(server))
            note("copying one row per statement")
            store_copy.BATCH_ROWS = 1
            single = await timed_copy(small, postgres.new_database_url(server))
    finally:
        postgres.close_admin_connection()
        postgres.stop(server)
    emit({
        "bench": "db_copy",
        "load_1min": round(os.getloadavg()[0], 2),
        "answers": ANSWERS,
        "batched_1000": {"rows": batched[1], "seconds": round(batched[0], 2),
                         "rows_per_s": round(batched[1] / batched[0]), "verified": batched[2]},
        "baseline_one_row_per_statement": {"rows": single[1], "seconds": round(single[0], 2),
                                           "rows_per_s": round(single[1] / single[0]), "verified": single[2]},
    })


if __name__ == "__main__":
    asyncio.run(main())
