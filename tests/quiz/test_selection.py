"""Which card comes next: due reviews, then fresh cards, then the least recently asked."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.deck.library import DeckLibrary
from bot.deck.model import Card, Deck
from bot.quiz import messages as m
from bot.quiz.selection import RECENT_S, order_cards
from tests.helpers import ADMIN, CHANNEL, Clock, FakeChat, make_service, member, small_library

DECKS = Path(__file__).resolve().parents[2] / "decks"
DAY = 24 * 3600
NOW = 1_795_000_000.0


@pytest.fixture(scope="module")
def pool() -> list[tuple[Deck, Card]]:
    deck = small_library().decks[0]
    return [(deck, card) for card in deck.cards]


def ids(order: list[tuple[Deck, Card]]) -> list[str]:
    return [card.id for _, card in order]


def test_due_cards_come_first_most_due_first(pool):
    last = {"demo/nms": NOW - 2 * DAY, "demo/adam": NOW - 3 * DAY, "demo/dropout": NOW - 4 * DAY}
    order = ids(order_cards(pool, last, {"demo/nms": 1, "demo/adam": 3}, NOW, random.Random(1)))
    assert order[:2] == ["adam", "nms"]
    assert set(order[2:4]) == {"mean-pooling", "max-pooling"}  # never asked
    assert order[4] == "dropout"


def test_a_due_card_asked_within_the_last_day_waits(pool):
    last = {"demo/nms": NOW - RECENT_S + 60}
    order = ids(order_cards(pool, last, {"demo/nms": 5}, NOW, random.Random(1)))
    assert order[-1] == "nms"


def test_fresh_cards_are_shuffled_and_seen_ones_follow_least_recent_first(pool):
    last = {"demo/nms": NOW - 10, "demo/adam": NOW - 20}
    orders = {tuple(ids(order_cards(pool, last, {}, NOW, random.Random(seed)))) for seed in range(20)}
    assert all(order[-2:] == ("adam", "nms") for order in orders)
    assert len({order[:3] for order in orders}) > 1
    assert all(set(order[:3]) == {"mean-pooling", "max-pooling", "dropout"} for order in orders)


def test_fresh_cards_go_first_when_the_repeat_cap_is_reached(pool):
    last = {"demo/nms": NOW - 2 * DAY}
    order = ids(order_cards(pool, last, {"demo/nms": 1}, NOW, random.Random(1), due_first=False))
    assert order[-1] == "nms" and len(order) == 5


def test_due_cards_still_come_first_past_the_cap_when_nothing_is_fresh(pool):
    last = {f"demo/{card.id}": NOW - 2 * DAY - i for i, (_, card) in enumerate(pool)}
    order = ids(order_cards(pool, last, {"demo/dropout": 1}, NOW, random.Random(1), due_first=False))
    assert order[0] == "dropout"


# -- over days, on the shipped decks ---------------------------------------------


async def play_day(service, chat: FakeChat, right: dict[str, bool]) -> str:  # type: ignore[no-untyped-def]
    """Ask one question, let each member answer (right or wrong), close it; the card key."""
    assert await service.ask(CHANNEL, ADMIN) is None
    card = chat.of_type(m.QuestionCard)[-1]
    row = await service.ctx.stores.rounds.get(card.round_id)
    question = row.question
    for name, is_right in right.items():
        if question.kind == "choice":
            pick = question.correct if is_right else (question.correct + 1) % len(question.options)
            await service.answer_choice(card.round_id, member(name), pick)
        else:
            await service.answer_text(card.round_id, member(name), question.answer if is_right else "no idea")
    assert await service.close(CHANNEL, ADMIN) is None
    return f"{question.deck_id}/{question.card_id}"


async def simulate(tmp_path, days: int, right: dict[str, bool] | None = None,
                   wrong_once: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    clock, chat = Clock(), FakeChat()
    service, db = await make_service(tmp_path / "quiz.db", clock, chat, library=DeckLibrary.load(DECKS))
    asked: list[str] = []
    try:
        for day in range(days):
            answers = dict(right or {"alice": True, "bob": True, "carol": True})
            if day == 0 and wrong_once:
                answers[wrong_once] = False
            asked.append(await play_day(service, chat, answers))
            clock.advance(DAY)
    finally:
        await service.shutdown()
        await db.close()
    return asked


async def test_a_month_of_right_answers_works_through_the_deck(tmp_path):
    asked = await simulate(tmp_path, 30)
    assert len(set(asked)) >= 25


async def test_a_card_answered_wrong_comes_back_before_fresh_cards_once_due(tmp_path):
    asked = await simulate(tmp_path, 3, wrong_once="bob")
    assert asked[1] == asked[0]  # bob missed it: due again, and asked a day later
    assert asked[2] != asked[0]  # everyone got it right the second time


async def test_a_channel_that_keeps_missing_cards_still_moves_on(tmp_path):
    asked = await simulate(tmp_path, 30, right={"alice": True, "bob": False})
    assert len(set(asked)) >= 15
