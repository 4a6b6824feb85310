"""Ingest: 5,000 distinct members answer one round at once, through QuizService, into a
SQLite file on disk and into a PostgreSQL server on the same disk (both durable: see
bench/_engines.py). Beside each, in the same run, a naive writer that commits once per answer.

Prints one JSON line: per engine, total seconds, p99 per answer (from the call to its durable
acknowledgement), rows stored (must be exactly 5,000), and the speed-up over that engine's
baseline; then PostgreSQL's figures over SQLite's (SQLite is PostgreSQL's baseline).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from pathlib import Path
from typing import Any

from _common import emit, note
from _engines import ENGINES, SERVER_NOTE, Databases, databases, load_1min, ratio

from bot.deck.library import DeckLibrary
from bot.deck.model import Card, Deck
from bot.quiz.context import Context, QuizSettings, Stores
from bot.quiz.ports import ChannelRef, Member, MessageRef
from bot.quiz.service import QuizService
from bot.store.db import Database

MEMBERS = 5000
CHANNEL = ChannelRef("bench", "bench:W", "C")


class NullChat:
    platform = "bench"

    async def post(self, channel: ChannelRef, message: object) -> MessageRef:
        return MessageRef(channel, "1")

    async def update(self, ref: MessageRef, message: object) -> None:
        return None


def deck() -> Deck:
    words = ("gradient", "pooling", "kernel", "stride", "dropout", "softmax", "encoder", "decoder")
    cards = tuple(Card(id=f"c{i}", term=f"Term number {i}", tags=("bench",),  # generated questions need a topic
                       definition=f"The {words[i]} {words[(i * 5 + 1) % 8]} and {words[(i * 3 + 2) % 8]} "
                                  f"of layer {i}, scaled by a learned weight.")
                  for i in range(8))
    return Deck(id="bench", title="Bench", cards=cards)


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


async def service_run(target: str | Path) -> dict[str, float]:
    db = await Database.open(target)
    ctx = Context(Stores(db), DeckLibrary.from_decks([deck()]), QuizSettings(counter_interval_s=3600),
                  rng=random.Random(1))
    service = QuizService(ctx)
    service.attach(NullChat())
    await service.ask(CHANNEL, Member("bench:admin", "admin", True), kind="choice")
    round_id = await service.open_round_id(CHANNEL)
    assert round_id is not None
    latencies: list[float] = []

    async def one(i: int) -> None:
        start = time.perf_counter()
        reply = await service.answer_choice(round_id, Member(f"bench:W:U{i}", f"user{i}"), i % 4)
        latencies.append(time.perf_counter() - start)
        assert reply.tone == "ok", reply.text

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(MEMBERS)))
    total = time.perf_counter() - start
    stored = (await db.fetchone("SELECT COUNT(*) FROM answers WHERE round_id = ?", (round_id,)))[0]
    await service.shutdown()
    await db.close()
    return {"total_s": total, "p99_ms": p99(latencies) * 1000, "stored": stored}


async def naive_run(target: str | Path) -> dict[str, float]:
    """The baseline: each answer is its own transaction (member upsert + insert + commit)."""
    db = await Database.open(target)
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                           "VALUES ('c', 'w', 'bench', 'c', 0)")
        await conn.execute("INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, closes_at) "
                           "VALUES (1, 'k', 'd/c', '{}', 0, 1e12)")
    latencies: list[float] = []

    async def one(i: int) -> None:
        start = time.perf_counter()
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO members(key, name, created_at) VALUES (?, ?, 0) "
                               "ON CONFLICT(key) DO NOTHING", (f"u{i}", f"user{i}"))
            async with conn.execute("SELECT id FROM members WHERE key = ?", (f"u{i}",)) as cur:
                member_id = (await cur.fetchone())[0]
            await conn.execute("INSERT INTO answers(round_id, member_id, choice, text, correct, points, answered_at) "
                               "VALUES (1, ?, ?, NULL, 0, 0, ?) ON CONFLICT DO NOTHING",
                               (member_id, i % 4, time.time()))
        latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(MEMBERS)))
    total = time.perf_counter() - start
    stored = (await db.fetchone("SELECT COUNT(*) FROM answers"))[0]
    await db.close()
    return {"total_s": total, "p99_ms": p99(latencies) * 1000, "stored": stored}


async def engine_run(where: Databases, engine: str) -> dict[str, Any]:
    note(f"ingest: {engine}, {MEMBERS} members through QuizService ...")
    ours = await service_run(where.target(engine, "service"))
    note(f"ingest: {engine}, baseline, one commit per answer ...")
    naive = await naive_run(where.target(engine, "naive"))
    speedup = naive["total_s"] / ours["total_s"]
    return {
        "total_s": round(ours["total_s"], 3), "p99_ms": round(ours["p99_ms"], 1), "rows_stored": ours["stored"],
        "baseline": "one commit per answer", "baseline_total_s": round(naive["total_s"], 3),
        "baseline_p99_ms": round(naive["p99_ms"], 1), "baseline_rows_stored": naive["stored"],
        "speedup": round(speedup, 1),
        "ok": ours["total_s"] <= 1.0 and ours["stored"] == MEMBERS and speedup >= 10,
    }


async def main() -> None:
    with databases() as where:
        figures = {engine: await engine_run(where, engine) for engine in ENGINES}
    record: dict[str, Any] = {"bench": "ingest", "members": MEMBERS, **figures, "settings": SERVER_NOTE,
                              "target_total_s": 1.0, "target_speedup": 10, "load_1min": load_1min()}
    if len(figures) == 2:
        sqlite, pg = figures["sqlite"], figures["postgresql"]
        record["postgresql_over_sqlite"] = {"total": ratio(pg["total_s"], sqlite["total_s"]),
                                            "p99": ratio(pg["p99_ms"], sqlite["p99_ms"]),
                                            "baseline_total": ratio(pg["baseline_total_s"],
                                                                    sqlite["baseline_total_s"])}
    emit(record)


if __name__ == "__main__":
    asyncio.run(main())
