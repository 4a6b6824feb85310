"""Stored review states: the last outcome, and what is due for a channel."""

from __future__ import annotations

from bot.quiz.review import review
from bot.store.db import Database
from bot.store.leaderboards import ScoredAnswer, add_scores
from bot.store.reviews import Reviews, load_states, save_states

DAY = 24 * 3600.0
CARDS = ("d/a", "d/right", "d/wrong", "d/missed", "d/learning", "d/long-term", "d/unchanged")
"""The loaded cards of these tests (what the pick passes: its pool)."""


async def setup(tmp_path, members: int = 3) -> Database:  # type: ignore[no-untyped-def]
    """Two channels; members 1..members answered a closed round in channel 1 (member 1 wrongly),
    none in channel 2. Closing a round adds its answers to the channel's scores, as here."""
    db = await Database.open(tmp_path / "q.db")
    async with db.transaction() as conn:
        await conn.executemany("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                               "VALUES (?, 'w', 't', ?, 0)", [("c1", "c1"), ("c2", "c2")])
        await conn.executemany("INSERT INTO members(key, name, created_at) VALUES (?, ?, 0)",
                               [(f"m{i}", f"m{i}") for i in range(members)])
        await conn.execute("INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, "
                           "closes_at, closed_at) VALUES (1, 'd/x/q0', 'd/x', '{}', 0, 1, 1)")
        answers = [ScoredAnswer(i + 1, i > 0, 10 * (i > 0), 0.0) for i in range(members)]
        await conn.executemany("INSERT INTO answers(round_id, member_id, correct, points, answered_at) "
                               "VALUES (1, ?, ?, ?, 0)", [(a.member_id, a.correct, a.points) for a in answers])
        await add_scores(conn, ["channel:1", "workspace:w"], ["all"], answers)
    return db


async def save(db: Database, card_key: str, rows) -> None:  # type: ignore[no-untyped-def]
    async with db.transaction() as conn:
        await save_states(conn, card_key, rows)


async def last_correct(db: Database, member_id: int, card_key: str) -> int:
    row = await db.fetchone("SELECT last_correct FROM reviews WHERE member_id = ? AND card_key = ?",
                            (member_id, card_key))
    assert row is not None
    return int(row[0])


async def test_review_returns_the_outcome_to_store(tmp_path):
    state, due_at, correct = review(None, False, 0.0)
    assert correct is False and due_at < 3600 and '"state"' in state


async def test_save_states_records_the_last_outcome(tmp_path):
    db = await setup(tmp_path)
    await save(db, "d/a", [(1, *review(None, False, 0.0)), (2, *review(None, True, 0.0))])
    assert [await last_correct(db, m, "d/a") for m in (1, 2)] == [0, 1]
    async with db.transaction() as conn:
        states = await load_states(conn, "d/a", [1, 2])
    await save(db, "d/a", [(1, *review(states[1], True, DAY)), (2, *review(states[2], False, DAY))])
    assert [await last_correct(db, m, "d/a") for m in (1, 2)] == [1, 0]
    await db.close()


async def test_save_states_without_outcome_keeps_the_last_one(tmp_path):
    db = await setup(tmp_path)
    await save(db, "d/a", [(1, *review(None, False, 0.0))])
    state, due_at, _ = review(None, True, 0.0)
    await save(db, "d/a", [(1, state, due_at), (2, state, due_at)])  # the old 3-tuple shape
    assert [await last_correct(db, m, "d/a") for m in (1, 2)] == [0, 1]
    await db.close()


async def test_a_card_answered_right_once_is_not_due_for_the_channel(tmp_path):
    db = await setup(tmp_path)
    await save(db, "d/right", [(1, *review(None, True, 0.0))])
    await save(db, "d/wrong", [(1, *review(None, False, 0.0)), (2, *review(None, False, 0.0))])
    due = await Reviews(db).due_in_channel(1, DAY, CARDS)
    assert due == {"d/wrong": 2}
    await db.close()


async def test_a_card_in_long_term_review_is_due_when_its_date_comes(tmp_path):
    db = await setup(tmp_path)
    first = review(None, True, 0.0)
    second = review(first.state, True, DAY)  # out of the learning steps: in review, days away
    assert second.due_at > 2 * DAY
    await save(db, "d/a", [(1, *second)])
    reviews = Reviews(db)
    assert await reviews.due_in_channel(1, 2 * DAY, CARDS) == {}
    assert await reviews.due_in_channel(1, second.due_at, CARDS) == {"d/a": 1}
    await db.close()


async def test_only_members_who_play_in_the_channel_count(tmp_path):
    db = await setup(tmp_path)
    await save(db, "d/a", [(1, *review(None, False, 0.0))])
    assert await Reviews(db).due_in_channel(2, DAY, CARDS) == {}
    await db.close()


async def test_recent_repeats_counts_cards_asked_before_among_the_last_rounds(tmp_path):
    db = await setup(tmp_path)
    cards = ["d/b", "d/x", "d/c", "d/b", "d/b"]  # d/x was also asked at t=0 by setup
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, closes_at, closed_at) "
            "VALUES (1, 'k', ?, '{}', ?, ?, ?)", [(c, i + 10.0, i + 11.0, i + 11.0) for i, c in enumerate(cards)])
    reviews = Reviews(db)
    assert await reviews.recent_repeats(1, 2) == 2
    assert await reviews.recent_repeats(1, 3) == 2
    assert await reviews.recent_repeats(1, 4) == 3
    assert await reviews.recent_repeats(1, 10) == 3
    assert await reviews.recent_repeats(2, 10) == 0
    await db.close()


def test_a_first_review_gets_no_clock_made_card_id_and_is_dated_by_the_round() -> None:
    import json
    from datetime import datetime, timezone

    from bot.quiz.review import review

    at = datetime(2020, 1, 6, 9, 0, tzinfo=timezone.utc).timestamp()
    stored = review(None, correct=True, at=at)
    assert json.loads(stored.state)["card_id"] == 0  # fsrs would sleep 1 ms to make one from the clock
    assert at < stored.due_at < at + 86_400  # learning step from the round's time, not today's


async def test_a_card_counts_for_the_channel_pick_when_missed_or_in_long_term_review(tmp_path):
    db = await setup(tmp_path)
    learning = '{"state": 1}'
    review = '{"state": 2}'
    async with db.transaction() as conn:
        await save_states(conn, "d/missed", [(1, learning, 1.0, False)])
        await save_states(conn, "d/learning", [(1, learning, 1.0, True)])
        await save_states(conn, "d/long-term", [(1, review, 1.0, True)])
        await save_states(conn, "d/unchanged", [(1, learning, 1.0, False)])
        await save_states(conn, "d/unchanged", [(1, learning, 2.0)])  # no outcome: still the missed one
    due = await Reviews(db).due_in_channel(1, 100.0, CARDS)
    assert due == {"d/missed": 1, "d/long-term": 1, "d/unchanged": 1}
    await db.close()


async def test_a_member_who_only_answered_wrong_plays_in_the_channel(tmp_path):
    db = await setup(tmp_path)  # member 1's one answer in channel 1 was wrong: no points, still a score row
    await save(db, "d/a", [(1, *review(None, False, 0.0))])
    assert await Reviews(db).due_in_channel(1, DAY, CARDS) == {"d/a": 1}
    await db.close()


async def test_the_channel_pick_counts_only_the_cards_it_may_ask(tmp_path):
    db = await setup(tmp_path)
    await save(db, "d/a", [(1, *review(None, False, 0.0))])
    await save(db, "removed/b", [(1, *review(None, False, 0.0)), (2, *review(None, False, 0.0))])
    assert await Reviews(db).due_in_channel(1, DAY, ["d/a"]) == {"d/a": 1}
    assert await Reviews(db).due_in_channel(1, DAY, []) == {}
    await db.close()


async def test_the_channel_pick_counts_a_pool_larger_than_one_statement(tmp_path, monkeypatch):
    import bot.store.reviews as reviews_module

    monkeypatch.setattr(reviews_module, "KEY_CHUNK", 2)
    db = await setup(tmp_path)
    for key in ("d/a", "d/b", "d/c", "d/d", "d/e"):
        await save(db, key, [(1, *review(None, False, 0.0)), (2, *review(None, False, 0.0))])
    due = await Reviews(db).due_in_channel(1, DAY, ["d/a", "d/b", "d/c", "d/d", "d/e"])
    assert due == {"d/a": 2, "d/b": 2, "d/c": 2, "d/d": 2, "d/e": 2}
    await db.close()


async def test_a_members_due_count_leaves_out_cards_no_loaded_deck_has(tmp_path):
    db = await setup(tmp_path)
    await save(db, "d/a", [(1, *review(None, False, 0.0))])
    await save(db, "removed/b", [(1, *review(None, False, 0.0))])
    reviews = Reviews(db)
    assert await reviews.due_count(1, DAY, CARDS) == 1
    assert await reviews.due_count(1, DAY, [*CARDS, "removed/b"]) == 2
    await db.close()


async def test_a_members_next_due_date_is_of_a_loaded_card(tmp_path):
    db = await setup(tmp_path)
    await save(db, "removed/b", [(1, "{}", 5.0)])
    await save(db, "d/a", [(1, "{}", 50.0)])
    reviews = Reviews(db)
    assert await reviews.next_due_at(1, CARDS) == 50.0
    assert await reviews.next_due_at(1, ["removed/b", "d/a"]) == 5.0
    assert await reviews.next_due_at(1, ["d/none"]) is None
    await db.close()


async def test_a_members_next_due_date_is_found_past_pages_of_removed_cards(tmp_path, monkeypatch):
    import bot.store.reviews as reviews_module

    monkeypatch.setattr(reviews_module, "PAGE", 2)
    db = await setup(tmp_path)
    for key in ("removed/a", "removed/b", "removed/c"):
        await save(db, key, [(1, "{}", 5.0)])  # one due date shared across a page boundary
    await save(db, "d/a", [(1, "{}", 5.0)])
    await save(db, "d/b", [(1, "{}", 9.0)])
    assert await Reviews(db).next_due_at(1, (*CARDS, "d/b")) == 5.0
    assert await Reviews(db).next_due_at(1, ("d/b",)) == 9.0
    await db.close()
