"""Reviews at scale: a channel of 200 members with 10,000 review rows each (2,000,000 rows).

Timed, on one SQLite file (SQLite only; PostgreSQL is not run here):

- **pick**: the channel's next question (``bot.quiz.selection.next_question``: the channel's
  due counts over its members' review rows, the last-asked times, the repeat cap, a question
  made) from the shipped decks, ``PICKS`` times;
- **review step**: one ``/quiz review`` step for a member of that channel (an answer to their open
  review question: graded, rated, stored; then their next most overdue card asked), ``STEPS``
  times, members in turn.

The decks: 3 generated decks of 100 cards (300 cards, about a real library's size); each
member's other 9,700 review rows are of cards whose decks were removed since (question
generation scales with the library, which is not what is measured here; the rows are). Due
dates spread evenly from 3 days ago to 297 days ahead (so about 1% are due: 100 per member,
20,000 in the channel), a tenth last answered wrong, the others in fsrs's long-term review.

Baseline in the same run: the same two operations on the same file without the index this
change added (``reviews_member_due``: a member's rows by due date), dropped after the first
measurement. Targets: pick p99 <= 20 ms, review step p99 <= 20 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import tempfile
import time
from pathlib import Path

from _common import emit, note, percentile

from bot.deck.library import DeckLibrary
from bot.deck.model import Card, Deck
from bot.quiz.context import Context, QuizSettings, Stores
from bot.quiz.ports import ChannelRef, Member
from bot.quiz.review_session import ReviewSessions
from bot.quiz.selection import next_question
from bot.store.db import Database

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "200"))
ROWS_PER_MEMBER = int(os.environ.get("BENCH_ROWS", "10000"))
PICKS = int(os.environ.get("BENCH_PICKS", "300"))
STEPS = int(os.environ.get("BENCH_STEPS", "300"))
TARGET_P99_MS = 20.0
DAY = 86400.0
NOW = 1_795_000_000.0
REVIEW_STATE = json.dumps({"card_id": 0, "state": 2, "step": None, "stability": 30.0, "difficulty": 5.0,
                           "due": "2026-11-18T00:00:00+00:00", "last_review": "2026-10-18T00:00:00+00:00"})
CHANNEL = ChannelRef("bench", "bench:W1", "C1")
DECKS = 3
CARDS_PER_DECK = 100
WORDS = ("gradient", "pooling", "kernel", "stride", "dropout", "softmax", "encoder", "decoder", "attention",
         "embedding", "anchor", "sampler")


def decks() -> list[Deck]:
    per = CARDS_PER_DECK
    return [Deck(id=f"d{d}", title=f"Deck {d}", cards=tuple(
        Card(id=f"c{i}", term=f"Term {d} number {i}", tags=("bench",),
             definition=f"The {WORDS[i % 12]} {WORDS[(i * 5 + 1) % 12]} and {WORDS[(i * 7 + 3) % 12]} "
                        f"of layer {i} in block {d}, scaled by a learned weight.")
        for i in range(per))) for d in range(DECKS)]


def member(n: int) -> Member:
    return Member(f"bench:W1:m{n}", f"m{n}")


async def fill(db: Database, card_keys: list[str]) -> None:
    """Members, one closed round they all answered in the channel, 10,000 review rows each."""
    rng = random.Random(1)
    async with db.transaction() as conn:
        await conn.run("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                       "VALUES (?, ?, 'bench', 'C1', 0)", (CHANNEL.key, CHANNEL.workspace))
        await conn.executemany("INSERT INTO members(key, name, created_at) VALUES (?, ?, 0)",
                               [(member(n).key, member(n).name) for n in range(MEMBERS)])
        await conn.run("INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, closes_at, "
                       "closed_at) VALUES (1, 'x/y/q', 'x/y', '{}', 0, 1, 1)")
        await conn.executemany("INSERT INTO answers(round_id, member_id, correct, points, answered_at) "
                               "VALUES (1, ?, 1, 10, 0)", [(n + 1,) for n in range(MEMBERS)])
    span = 300 * DAY
    for n in range(MEMBERS):
        rows = [(n + 1, key, REVIEW_STATE, NOW - 3 * DAY + span * rng.random(), 0 if rng.random() < 0.1 else 1)
                for key in card_keys]
        async with db.transaction() as conn:  # weak = 1: every row is in long-term review (its json's state 2)
            await conn.executemany("INSERT INTO reviews(member_id, card_key, state, due_at, last_correct, weak) "
                                   "VALUES (?, ?, ?, ?, ?, 1)", rows)


async def measure(ctx: Context, reviews: ReviewSessions, channel_id: int,
                  clock: list[float]) -> tuple[list[float], list[float]]:
    picks: list[float] = []
    for _ in range(PICKS):
        start = time.perf_counter()
        assert await next_question(ctx, channel_id) is not None
        picks.append(time.perf_counter() - start)
    steps: list[float] = []
    stores = ctx.stores
    for i in range(STEPS):
        who = member(i % MEMBERS)
        member_id = await stores.directory.member_id(who.key, who.name)
        row = await stores.review_questions.open_for(member_id)
        while row is None:  # nothing open: start a review; nothing due: come back a day later
            await reviews.start(who)
            row = await stores.review_questions.open_for(member_id)
            if row is None:
                clock[0] += DAY
        q = row.question
        wrong = ((q.correct or 0) + 1) % len(q.options) if q.kind == "choice" else None
        start = time.perf_counter()
        if wrong is None:
            replies = await reviews.answer(row.id, who, text="not the answer")
        else:
            replies = await reviews.answer(row.id, who, choice=wrong)
        steps.append(time.perf_counter() - start)
        assert len(replies) == 2
    return picks, steps


def summary(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values, 50) * 1000, 2), "p99_ms": round(percentile(values, 99) * 1000, 2)}


async def main() -> None:
    library = DeckLibrary.from_decks(decks())
    real = [f"{d.id}/{c.id}" for d in library.decks for c in d.cards]
    card_keys = real + [f"removed/c{i}" for i in range(ROWS_PER_MEMBER - len(real))]
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.db")
        started = time.perf_counter()
        await fill(db, card_keys)
        fill_s = time.perf_counter() - started
        note(f"filled {MEMBERS * len(card_keys):,} review rows in {fill_s:.1f} s")
        await db.execute("ANALYZE")
        clock = [NOW]
        ctx = Context(Stores(db), library, QuizSettings(counter_interval_s=3600), clock=lambda: clock[0],
                      rng=random.Random(1))
        channel_id = await ctx.channel_id(CHANNEL)
        reviews = ReviewSessions(ctx)
        picks, steps = await measure(ctx, reviews, channel_id, clock)
        clock[0] = NOW
        await db.execute("DROP INDEX reviews_member_due")
        await db.execute("ANALYZE")
        base_picks, base_steps = await measure(ctx, reviews, channel_id, clock)
        due = await db.fetchone("SELECT COUNT(*) FROM reviews WHERE due_at <= ?", (NOW,))
        await db.close()
    pick, step = summary(picks), summary(steps)
    emit({
        "bench": "review", "engine": "sqlite", "members": MEMBERS, "review_rows": MEMBERS * len(card_keys),
        "due_rows": int(due[0]) if due else 0, "fill_s": round(fill_s, 1), "load": round(os.getloadavg()[0], 1),
        "pick": pick, "review_step": step,
        "baseline_without_member_due_index": {"pick": summary(base_picks), "review_step": summary(base_steps)},
        "target_p99_ms": TARGET_P99_MS,
        "met": pick["p99_ms"] <= TARGET_P99_MS and step["p99_ms"] <= TARGET_P99_MS,
    })


if __name__ == "__main__":
    asyncio.run(main())
