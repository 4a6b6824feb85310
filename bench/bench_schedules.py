"""Schedules at scale: 10,000 channels share one slot time; every platform post takes 100 ms.

Through the real service and scheduler (one clock tick) on a SQLite file on disk and, in the
same run, on a PostgreSQL server on the same disk (both durable: bench/_engines.py), with a
fake Chat port that sleeps 100 ms per post (the platform side, taken as instant CPU-wise).
The clock is real time shifted so the slot is "now" when the tick starts; a question's
lateness is the time from its slot until its post returned (it is in the channel).

Beside it, in the same run: the same code with one post in flight at a time (as before due
schedules opened concurrently), on a smaller sample, extrapolated linearly to 10,000
channels (stated in the output as such).

Prints one JSON line: per engine, questions posted (must be all), p50/p99 lateness, total
seconds, CPU seconds per round (time.process_time / rounds), and the baseline figures; then
PostgreSQL's figures over SQLite's.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from pathlib import Path
from typing import Any

from _common import emit, note, percentile
from _engines import ENGINES, SERVER_NOTE, Databases, databases, load_1min, ratio

from bot.deck.library import DeckLibrary
from bot.deck.model import Card, Deck
from bot.quiz import messages as m
from bot.quiz.context import Context, QuizSettings, Stores
from bot.quiz.ports import ChannelRef, MessageRef
from bot.quiz.scheduler import POSTS_IN_FLIGHT
from bot.quiz.service import QuizService
from bot.store.db import Database

CHANNELS = int(os.environ.get("BENCH_CHANNELS", "10000"))
BASELINE_CHANNELS = 200
POST_LATENCY_S = 0.100
WINDOW_S = 600
PLATFORM = "slack"
SLOT = 1_796_374_800.0  # Mon 2026-12-07 09:00 UTC, a slot of "0 9 * * *"


class SlowChat:
    """The Chat port of a platform whose every post takes :data:`POST_LATENCY_S`."""

    platform = PLATFORM

    def __init__(self, clock: ShiftedClock) -> None:
        self.clock = clock
        self.lateness: list[float] = []

    async def post(self, channel: ChannelRef, message: m.Message) -> MessageRef:
        await asyncio.sleep(POST_LATENCY_S)
        if isinstance(message, m.QuestionCard):
            self.lateness.append(self.clock() - SLOT)
        return MessageRef(channel, str(len(self.lateness)))

    async def update(self, ref: MessageRef, message: m.Message) -> None:
        await asyncio.sleep(POST_LATENCY_S)


class ShiftedClock:
    """Real time, shifted so that :data:`SLOT` is the moment :meth:`start` is called."""

    def __init__(self) -> None:
        self.offset = 0.0

    def start(self) -> None:
        self.offset = SLOT - time.time()

    def __call__(self) -> float:
        return time.time() + self.offset


def deck() -> Deck:
    words = ("gradient", "pooling", "kernel", "stride", "dropout", "softmax", "encoder", "decoder", "attention",
             "embedding", "anchor", "sampler")
    cards = tuple(Card(id=f"c{i}", term=f"Term number {i}", tags=("bench",),  # generated questions need a topic
                       definition=f"The {words[i % 12]} {words[(i * 5 + 1) % 12]} and {words[(i * 7 + 3) % 12]} "
                                  f"of layer {i}, scaled by a learned weight.")
                  for i in range(40))
    return Deck(id="bench", title="Bench", cards=cards)


async def seed(db: Database, channels: int) -> None:
    """``channels`` channels, each with a daily 09:00 UTC schedule due at :data:`SLOT`."""
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO channels(key, workspace, platform, native_id, created_at) VALUES (?, ?, ?, ?, 0)",
            [(f"{PLATFORM}:T1:C{i}", f"{PLATFORM}:T1", PLATFORM, f"C{i}") for i in range(channels)])
        await conn.executemany(
            "INSERT INTO schedules(channel_id, cron, tz, decks, window_s, next_run_at, created_at, spec) "
            "VALUES (?, '0 9 * * *', 'UTC', '[]', ?, ?, 0, 'daily 09:00')",
            [(i + 1, WINDOW_S, SLOT) for i in range(channels)])


async def run(target: str | Path, channels: int, in_flight: int) -> dict[str, float]:
    db = await Database.open(target)
    await seed(db, channels)
    clock = ShiftedClock()
    ctx = Context(Stores(db), DeckLibrary.from_decks([deck()]), QuizSettings(counter_interval_s=3600),
                  clock=clock, rng=random.Random(1))
    service = QuizService(ctx)
    service.scheduler.posts_in_flight = {PLATFORM: in_flight}
    chat = SlowChat(clock)
    service.attach(chat)
    clock.start()
    cpu, wall = time.process_time(), time.perf_counter()
    await service.scheduler.tick()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rounds = (await db.fetchone("SELECT COUNT(*) FROM rounds WHERE message_id IS NOT NULL"))[0]
    await service.shutdown()
    await db.close()
    return {"posted": len(chat.lateness), "rounds": rounds, "wall_s": wall, "cpu_per_round_ms": 1000 * cpu / rounds,
            "p50_s": percentile(chat.lateness, 50), "p99_s": percentile(chat.lateness, 99),
            "in_window": sum(1 for late in chat.lateness if late <= WINDOW_S)}


async def engine_run(where: Databases, engine: str) -> dict[str, Any]:
    limit = POSTS_IN_FLIGHT[PLATFORM]
    note(f"schedules: {engine}, {CHANNELS} channels, {limit} posts in flight ...")
    ours = await run(where.target(engine, f"schedules-{CHANNELS}"), CHANNELS, limit)
    note(f"schedules: {engine}, baseline, {BASELINE_CHANNELS} channels, one post at a time ...")
    base = await run(where.target(engine, f"schedules-{BASELINE_CHANNELS}"), BASELINE_CHANNELS, 1)
    per_round = base["wall_s"] / base["rounds"]
    base_total = per_round * CHANNELS
    return {
        "posted": ours["posted"], "rounds_stored": ours["rounds"],
        "in_window": ours["in_window"], "total_s": round(ours["wall_s"], 1),
        "p50_lateness_s": round(ours["p50_s"], 1), "p99_lateness_s": round(ours["p99_s"], 1),
        "cpu_per_round_ms": round(ours["cpu_per_round_ms"], 2),
        "rounds_per_s": round(ours["rounds"] / ours["wall_s"], 1),
        "baseline": (f"one post in flight, {BASELINE_CHANNELS} channels measured, extrapolated linearly to "
                     f"{CHANNELS}"),
        "baseline_rounds_per_s": round(base["rounds"] / base["wall_s"], 1),
        "baseline_cpu_per_round_ms": round(base["cpu_per_round_ms"], 2),
        "baseline_total_s_extrapolated": round(base_total, 0),
        "baseline_p99_lateness_s_extrapolated": round(0.99 * base_total, 0),
        "baseline_in_window_extrapolated": min(CHANNELS, int(WINDOW_S / per_round)),
        "ok": ours["posted"] == CHANNELS and ours["p99_s"] <= 60,
    }


async def main() -> None:
    with databases() as where:
        figures = {engine: await engine_run(where, engine) for engine in ENGINES}
    record: dict[str, Any] = {"bench": "schedules", "channels": CHANNELS, "post_latency_ms": POST_LATENCY_S * 1000,
                              "posts_in_flight": POSTS_IN_FLIGHT[PLATFORM], **figures, "settings": SERVER_NOTE,
                              "target_p99_lateness_s": 60, "loadavg_1m": load_1min()}
    if len(figures) == 2:
        sqlite, pg = figures["sqlite"], figures["postgresql"]
        record["postgresql_over_sqlite"] = {"total": ratio(pg["total_s"], sqlite["total_s"]),
                                            "p99_lateness": ratio(pg["p99_lateness_s"], sqlite["p99_lateness_s"]),
                                            "cpu_per_round": ratio(pg["cpu_per_round_ms"], sqlite["cpu_per_round_ms"])}
    emit(record)


if __name__ == "__main__":
    asyncio.run(main())
