"""Reviews at scale: a channel of 200 members with 10,000 review rows each (2,000,000 rows).

Timed, on one SQLite file (SQLite only; PostgreSQL is not run here):

- **pick**: the channel's next question (``bot.quiz.selection.next_question``: the channel's
  due counts over its members' review rows, the last-asked times, the repeat cap, a question
  made) from the shipped decks, ``PICKS`` times;
- **review step**: one ``/quiz review`` step for a member of that channel (an answer to their open
  review question: graded, rated, stored; then their next most overdue card asked), ``STEPS``
  times, members in turn;
- **pick, whole library loaded**: the pick again with every card the rows name loaded (100 decks,
  10,000 cards), so every due row counts; a library that large is not what a team runs, but it
  is the worst case of the due count.

The data: 100 decks of 100 cards; the shipped library loads 3 of them (300 cards, about a real
library's size), the others are decks removed since. Every member has a review row for each of
the 10,000 cards. Due dates spread evenly from 3 days ago to 297 days ahead (so about 1% are
due: 100 per member, 20,000 in the channel), a tenth last answered wrong, the others in fsrs's
long-term review. The channel has a history: ``ROUNDS`` closed rounds that every member
answered (50,000 answers), closed as the bot closes them (scores added).

Baseline in the same run: the due count as revision 0013 read it (members from the channel's
answers, every due row of theirs from the member-ordered index ``reviews_weak_due``, grouped),
on that index made again for it; and the review step without the member-due index
(``reviews_member_due``), dropped after the first measurement. Targets: pick p99 <= 20 ms,
review step p99 <= 20 ms.
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
from bot.store.leaderboards import ScoredAnswer, add_scores

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
DECKS = 100
LOADED_DECKS = 3
CARDS_PER_DECK = ROWS_PER_MEMBER // DECKS
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "250"))
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
    """Members; ``ROUNDS`` closed rounds they all answered in the channel, scored; 10,000 review
    rows each."""
    rng = random.Random(1)
    async with db.transaction() as conn:
        await conn.run("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                       "VALUES (?, ?, 'bench', 'C1', 0)", (CHANNEL.key, CHANNEL.workspace))
        await conn.executemany("INSERT INTO members(key, name, created_at) VALUES (?, ?, 0)",
                               [(member(n).key, member(n).name) for n in range(MEMBERS)])
        opened = [NOW - (ROUNDS - i + 1) * DAY for i in range(ROUNDS)]  # daily, the last one 2 days ago
        await conn.executemany("INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, "
                               "closes_at, closed_at) VALUES (1, ?, ?, '{}', ?, ?, ?)",
                               [(f"{card_keys[i]}/q", card_keys[i], at, at + 60, at + 60)
                                for i, at in enumerate(opened)])
        await conn.executemany("INSERT INTO answers(round_id, member_id, correct, points, answered_at) "
                               "VALUES (?, ?, ?, ?, ?)",
                               [(r + 1, n + 1, ok, 10 * ok, at + 5) for r, at in enumerate(opened)
                                for n in range(MEMBERS) for ok in (int(rng.random() < 0.7),)])
        await add_scores(conn, ["channel:1", f"workspace:{CHANNEL.workspace}"], ["all"],
                         [ScoredAnswer(n + 1, True, 10, NOW) for n in range(MEMBERS)])
    span = 300 * DAY
    for n in range(MEMBERS):
        rows = [(n + 1, key, REVIEW_STATE, NOW - 3 * DAY + span * rng.random(), 0 if rng.random() < 0.1 else 1)
                for key in card_keys]
        async with db.transaction() as conn:  # weak = 1: every row is in long-term review (its json's state 2)
            await conn.executemany("INSERT INTO reviews(member_id, card_key, state, due_at, last_correct, weak) "
                                   "VALUES (?, ?, ?, ?, ?, 1)", rows)


OLD_DUE_COUNT = (
    "SELECT card_key, COUNT(*) FROM reviews INDEXED BY reviews_weak_due"
    " WHERE weak = 1 AND due_at <= ? AND member_id IN ("
    " SELECT DISTINCT a.member_id FROM answers a JOIN rounds r ON r.id = a.round_id"
    " WHERE r.channel_id = ?) GROUP BY card_key")
"""The due count as revision 0013 read it (``Reviews.due_in_channel`` then): the baseline."""


async def time_picks(ctx: Context, channel_id: int, times: int) -> list[float]:
    picks: list[float] = []
    for _ in range(times):
        start = time.perf_counter()
        assert await next_question(ctx, channel_id) is not None
        picks.append(time.perf_counter() - start)
    return picks


async def time_due_counts(db: Database, ctx: Context, channel_id: int, times: int) -> tuple[list[float], list[float]]:
    """The due count now (the loaded cards, from ``reviews_card_due``) and as revision 0013 read it,
    alternately, on the index that revision made (made again here, dropped after)."""
    await db.execute("CREATE INDEX reviews_weak_due ON reviews(member_id, due_at, card_key, weak) WHERE weak = 1")
    now_s: list[float] = []
    old_s: list[float] = []
    for _ in range(times):
        start = time.perf_counter()
        await ctx.stores.reviews.due_in_channel(channel_id, NOW, ctx.library.card_keys)
        now_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        await db.fetchall(OLD_DUE_COUNT, (NOW, channel_id))
        old_s.append(time.perf_counter() - start)
    await db.execute("DROP INDEX reviews_weak_due")
    return now_s, old_s


async def time_steps(ctx: Context, reviews: ReviewSessions, clock: list[float]) -> list[float]:
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
    return steps


def summary(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values, 50) * 1000, 2), "p99_ms": round(percentile(values, 99) * 1000, 2)}


async def main() -> None:
    every = decks()
    library = DeckLibrary.from_decks(every[:LOADED_DECKS])
    whole = DeckLibrary.from_decks(every)
    card_keys = [f"{d.id}/{c.id}" for d in every for c in d.cards]
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
        picks = await time_picks(ctx, channel_id, PICKS)
        due_now, due_old = await time_due_counts(db, ctx, channel_id, PICKS // 3)
        whole_ctx = Context(Stores(db), whole, QuizSettings(counter_interval_s=3600), clock=lambda: NOW,
                            rng=random.Random(1))
        whole_picks = await time_picks(whole_ctx, channel_id, PICKS // 3)
        due = await db.fetchone("SELECT COUNT(*) FROM reviews WHERE due_at <= ?", (NOW,))
        reviews = ReviewSessions(ctx)
        steps = await time_steps(ctx, reviews, clock)
        clock[0] = NOW
        await db.execute("DROP INDEX reviews_member_due")
        await db.execute("ANALYZE")
        base_steps = await time_steps(ctx, reviews, clock)
        await db.close()
    pick, step = summary(picks), summary(steps)
    emit({
        "bench": "review", "engine": "sqlite", "members": MEMBERS, "review_rows": MEMBERS * len(card_keys),
        "due_rows": int(due[0]) if due else 0, "answers": MEMBERS * ROUNDS, "loaded_cards": len(library.card_keys),
        "fill_s": round(fill_s, 1), "load": round(os.getloadavg()[0], 1),
        "pick": pick, "review_step": step, "due_count": summary(due_now),
        "pick_whole_library_loaded": {"cards": len(whole.card_keys), **summary(whole_picks)},
        "baseline": {"due_count_as_revision_0013": summary(due_old),
                     "review_step_without_member_due_index": summary(base_steps)},
        "target_p99_ms": TARGET_P99_MS,
        "met": pick["p99_ms"] <= TARGET_P99_MS and step["p99_ms"] <= TARGET_P99_MS,
    })


if __name__ == "__main__":
    asyncio.run(main())
