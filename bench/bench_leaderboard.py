"""Leaderboard: 1,000,000 stored answers from 10,000 members over a year; p99 of the
weekly top-10 query, on SQLite and on PostgreSQL (bench/_engines.py) in the same run, filled
with the same rows. Beside each, the same board computed the naive way (aggregating the
answers table at query time).

The answers are stored as the bot stores them (rounds and answers tables). The per-period
score rows that closing rounds keeps up to date are built here in one SQL pass (building
them round by round takes minutes), and checked against the bot's own ``add_scores`` for
one member's history in the same run. The fill is one bulk load per table (``executemany``
on SQLite, ``COPY`` on PostgreSQL); PostgreSQL then gets the ``VACUUM ANALYZE`` its
autovacuum would run. ``BENCH_ANSWERS`` scales both engines alike (default 1,000,000).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from typing import Any
from zoneinfo import ZoneInfo

from _common import emit, note
from _engines import ENGINES, SERVER_NOTE, Databases, bulk_insert, databases, load_1min, ratio, settle

from bot.quiz.scoring import period_keys, week_key
from bot.store import score_keys
from bot.store.db import Database
from bot.store.leaderboards import Leaderboards, ScoredAnswer, add_scores
from bot.store.score_keys import period_code

ANSWERS = int(os.environ.get("BENCH_ANSWERS", "1000000"))
MEMBERS = 10_000
ROUNDS = 2_000  # 500 answers a round, about 5 rounds a day for a year
QUERIES = 300
NOW = 1_795_000_000.0
UTC = ZoneInfo("UTC")


Rows = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def generate(rng: random.Random) -> Rows:
    """The rounds and answers of a year, the same for both engines."""
    per_round = ANSWERS // ROUNDS
    rounds, answers = [], []
    for r in range(1, ROUNDS + 1):
        opened = NOW - 365 * 86400 + r * (365 * 86400 / ROUNDS)
        rounds.append((r, 1, "k", "d/c", "{}", opened, opened + 600, opened + 600))
        for m in rng.sample(range(1, MEMBERS + 1), per_round):
            ok = rng.random() < 0.6
            answers.append((r, m, 0, int(ok), 10 if ok else 0, opened + rng.random() * 600))
    return rounds, answers


async def fill(db: Database, rows: Rows) -> None:
    rounds, answers = rows
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO channels(id, key, workspace, platform, native_id, created_at) "
                           "VALUES (1, 'bench:W:C', 'bench:W', 'bench', 'C', 0)")
        await bulk_insert(conn, "members", ("id", "key", "name", "created_at"),
                          [(i, f"bench:W:U{i}", f"user{i}", 0) for i in range(1, MEMBERS + 1)])
        await bulk_insert(conn, "rounds", ("id", "channel_id", "question_key", "card_key", "question", "opened_at",
                                           "closes_at", "closed_at"), rounds)
        await bulk_insert(conn, "answers", ("round_id", "member_id", "choice", "correct", "points", "answered_at"),
                          answers)
    await build_scores(db)
    await settle(db.conn)


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


async def engine_run(where: Databases, engine: str, rows: Rows) -> dict[str, Any]:
    db = await Database.open(where.target(engine, "board"))
    try:
        note(f"leaderboard: {engine}, filling {len(rows[1])} answers ...")
        started = time.perf_counter()
        await fill(db, rows)
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
    finally:
        await db.close()
    p99 = statistics.quantiles(times, n=100)[98] * 1000
    naive_p99 = statistics.quantiles(naive_times, n=100)[98] * 1000
    return {
        "answers": stored, "p50_ms": round(statistics.median(times) * 1000, 3), "p99_ms": round(p99, 3),
        "rows": len(top), "board": top,
        "baseline": "aggregate the answers table at query time (last 7 days)",
        "baseline_p99_ms": round(naive_p99, 2), "baseline_rows": len(naive),
        "speedup_p99": round(naive_p99 / p99, 1), "fill_s": round(fill_s, 1), "scores_match_add_scores": consistent,
        "ok": p99 <= 20 and stored == len(rows[1]) and consistent,
    }


async def main() -> None:
    rows = generate(random.Random(7))
    with databases() as where:
        figures = {engine: await engine_run(where, engine, rows) for engine in ENGINES}
    record: dict[str, Any] = {"bench": "leaderboard", "answers": ANSWERS, "members": MEMBERS, "rounds": ROUNDS,
                              "queries": QUERIES, **figures, "settings": SERVER_NOTE, "target_p99_ms": 20,
                              "load_1min": load_1min()}
    if len(figures) == 2:
        sqlite, pg = figures["sqlite"], figures["postgresql"]
        record["same_board"] = sqlite.pop("board") == pg.pop("board")
        record["postgresql_over_sqlite"] = {"p50": ratio(pg["p50_ms"], sqlite["p50_ms"]),
                                            "p99": ratio(pg["p99_ms"], sqlite["p99_ms"]),
                                            "baseline_p99": ratio(pg["baseline_p99_ms"], sqlite["baseline_p99_ms"]),
                                            "fill": ratio(pg["fill_s"], sqlite["fill_s"])}
    else:
        for figure in figures.values():
            figure.pop("board")
    emit(record)


if __name__ == "__main__":
    asyncio.run(main())
