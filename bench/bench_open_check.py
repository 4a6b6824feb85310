"""The start-up integrity check on a large database: ``PRAGMA quick_check`` (what
``quizbot run``, ``db backup`` and ``export`` run before trusting the file) beside
``PRAGMA integrity_check`` (which also proves every index matches its table), in the
same run, on the same file: 1,000,000 answers from 10,000 members with their
leaderboard rows, as ``bench_leaderboard.py`` builds them.

The figure is what a large deployment pays at every start; the baseline is what the
full check would cost instead.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from _common import emit, note
from bench_leaderboard import ANSWERS, fill

from bot.store.db import Database
from bot.store.integrity import QUICK_CHECK, verdict

RUNS = 3


def timed(path: Path, sql: str) -> tuple[float, str | None]:
    """The best of RUNS checks, each on a fresh connection (a start has a cold page cache of its own)."""
    best, problem = float("inf"), None
    for _ in range(RUNS):
        conn = sqlite3.connect(path)
        try:
            started = time.perf_counter()
            problem = verdict(conn.execute(sql).fetchall())
            best = min(best, time.perf_counter() - started)
        finally:
            conn.close()
    return best, problem


async def build(path: Path) -> None:
    db = await Database.open(path)
    await fill(db, random.Random(7))
    await db.close()  # the last close checkpoints the WAL into the file


async def open_and_close(path: Path) -> float:
    """What ``quizbot run`` spends opening the file: the check, the pragmas, the migrations."""
    started = time.perf_counter()
    db = await Database.open(path)
    elapsed = time.perf_counter() - started
    await db.close()
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.db"
        note("building a database with 1,000,000 answers ...")
        asyncio.run(build(path))
        size_mb = path.stat().st_size / 1e6
        quick_s, quick_problem = timed(path, QUICK_CHECK)
        full_s, full_problem = timed(path, "PRAGMA integrity_check(1)")
        open_s = asyncio.run(open_and_close(path))

    emit({
        "bench": "open_check", "answers": ANSWERS, "file_mb": round(size_mb, 1),
        "quick_check_s": round(quick_s, 3), "quick_check_ok": quick_problem is None,
        "baseline": "PRAGMA integrity_check on the same file", "baseline_s": round(full_s, 3),
        "baseline_ok": full_problem is None, "ratio": round(full_s / quick_s, 1),
        "open_with_check_s": round(open_s, 3),
    })


if __name__ == "__main__":
    main()
