"""Leaderboard: 1,000,000 stored answers from 10,000 members over a year; p99 of the
weekly top-10 query. Beside it, in the same run, the same board computed the naive way
(aggregating the answers table at query time).

The answers are stored as the bot stores them (rounds and answers tables). The per-period
score rows that closing rounds keeps up to date are built here in one SQL pass (building
them round by round takes minutes), and checked against the bot's own ``add_scores`` for
one member's history in the same run.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.quiz.scoring import period_keys, week_key
from bot.store import score_keys
from bot.store.db import Database
from bot.store.leaderboards import Leaderboards, ScoredAnswer, add_scores
from bot.store.score_keys import period_code

ANSWERS = 1_000_000
MEMBERS = 10_000
ROUNDS = 2_000  # 500 answers a round, about 5 rounds a day for a year
QUERIES = 300
NOW = 1_795_000_000.0
UTC = ZoneInfo("UTC")


async def fill(db: Database, rng: random.Random) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                           "VALUES ('bench:W:C', 'bench:W', 'bench', 'C', 0)")
        await conn.executemany("INSERT INTO members(id, key, name, created_at) VALUES (?, ?, ?, 0)",
                               [(i, f"bench:W:U{i}", f"user{i}") for i in range(1, MEMBERS + 1)])
    per_round = ANSWERS // ROUNDS
    async with db.transaction() as conn:
        for r in range(1, ROUNDS + 1):
            opened = NOW - 365 * 86400 + r * (365 * 86400 / ROUNDS)
            await conn.execute(
                "INSERT INTO rounds(id, channel_id, question_key, card_key, question, opened_at, closes_at, "
                "closed_at) VALUES (?, 1, 'k', 'd/c', '{}', ?, ?, ?)", (r, opened, opened + 600, opened + 600))
            rows = []
            for m in rng.sample(range(1, MEMBERS + 1), per_round):
                ok = rng.random() < 0.6
                rows.append((r, m, int(ok), 10 if ok else 0, opened + rng.random() * 600))
            await conn.executemany(
                "INSERT INTO answers(round_id, member_id, choice, text, correct, points, answered_at) "
                "VALUES (?, ?, 0, NULL, ?, ?, ?)", rows)
    await build_scores(db)


async def build_scores(db: Database) -> None:
    """The score rows ``add_scores`` keeps when rounds close, built here in one pass for speed:
    the same sums per (scope, period, member) for the week, month, season and all-time periods.
    Closed weeks and months are kept (as if nothing were pruned): the board is read from the
    largest table a year of answers could leave."""
    async with db.transaction() as conn:
        async with conn.execute("SELECT id, opened_at FROM rounds") as cur:
            keys = [(rid, *(period_code(k).number for k in period_keys(opened, UTC, 1)[1:3]))
                    for rid, opened in await cur.fetchall()]
        await conn.execute("CREATE TEMP TABLE round_periods(id INTEGER PRIMARY KEY, week INTEGER, month INTEGER)")
        await conn.executemany("INSERT INTO round_periods VALUES (?, ?, ?)", keys)
        scope_ids = await score_keys.scope_ids(conn, ["channel:1", "workspace:bench:W"])
        periods = ((score_keys.ALL, "0"), (score_keys.WEEK, "p.week"), (score_keys.MONTH, "p.month"),
                   (score_keys.SEASON, "1"))
        for scope in scope_ids:
            for kind, period in periods:
                await conn.execute(
                    "INSERT INTO scores(kind, period, scope_id, member_id, points, correct, answered, accuracy, "
                    f"reached_at) SELECT ?, {period}, ?, a.member_id, SUM(a.points), SUM(a.correct), COUNT(*), "
                    "SUM(a.correct) * 1.0 / COUNT(*), COALESCE(MAX(CASE WHEN a.points > 0 THEN a.answered_at END), 0) "
                    "FROM answers a JOIN round_periods p ON p.id = a.round_id "
                    f"GROUP BY {period + ', ' if period.startswith('p.') else ''}a.member_id",
                    (kind, scope))


async def check_against_add_scores(db: Database) -> bool:
    """The one-pass build agrees with what closing rounds one by one stores (on one member)."""
    rows = await db.fetchall("SELECT a.round_id, a.correct, a.points, a.answered_at, r.opened_at FROM answers a "
                             "JOIN rounds r ON r.id = a.round_id WHERE a.member_id = 1 ORDER BY a.round_id")
    async with db.transaction() as conn:
        for _, correct, points, at, opened in rows:
            await add_scores(conn, ["check"], period_keys(opened, UTC, 1), [ScoredAnswer(1, bool(correct), points, at)])
    query = ("SELECT s.kind, s.period, s.points, s.correct, s.answered FROM scores s JOIN score_scopes c "
             "ON c.id = s.scope_id WHERE c.name = ? AND s.member_id = 1 ORDER BY s.kind, s.period")
    built = await db.fetchall(query, ("channel:1",))
    incremental = await db.fetchall(query, ("check",))
    return [tuple(r) for r in built] == [tuple(r) for r in incremental]


async def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "board.db")
        started = time.perf_counter()
        await fill(db, rng)
        fill_s = time.perf_counter() - started
        stored = (await db.fetchone("SELECT COUNT(*) FROM answers"))[0]
        consistent = await check_against_add_scores(db)
        boards = Leaderboards(db)
        week = week_key(NOW, UTC)
        times = []
        for _ in range(QUERIES):
            t = time.perf_counter()
            top = await boards.top("channel:1", week, 10)
            times.append(time.perf_counter() - t)
        week_start = NOW - 7 * 86400
        naive_times = []
        for _ in range(max(QUERIES // 10, 10)):
            t = time.perf_counter()
            naive = await db.fetchall(
                "SELECT a.member_id, SUM(a.points) AS pts, AVG(a.correct) AS acc, MAX(a.answered_at) "
                "FROM answers a JOIN rounds r ON r.id = a.round_id WHERE r.channel_id = 1 AND r.opened_at >= ? "
                "GROUP BY a.member_id ORDER BY pts DESC, acc DESC LIMIT 10", (week_start,))
            naive_times.append(time.perf_counter() - t)
        await db.close()
    p99 = statistics.quantiles(times, n=100)[98] * 1000
    naive_p99 = statistics.quantiles(naive_times, n=100)[98] * 1000
    print(json.dumps({
        "bench": "leaderboard", "answers": stored, "members": MEMBERS, "rounds": ROUNDS, "queries": QUERIES,
        "p50_ms": round(statistics.median(times) * 1000, 3), "p99_ms": round(p99, 3), "rows": len(top),
        "baseline": "aggregate the answers table at query time (last 7 days)",
        "baseline_p99_ms": round(naive_p99, 2), "baseline_rows": len(naive),
        "speedup_p99": round(naive_p99 / p99, 1), "fill_s": round(fill_s, 1), "scores_match_add_scores": consistent,
        "target_p99_ms": 20, "ok": p99 <= 20 and stored == ANSWERS and consistent,
    }))


if __name__ == "__main__":
    asyncio.run(main())
