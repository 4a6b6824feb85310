"""Which question comes next in a channel.

Order of preference, so a deck is worked through without repeats and weak
cards come back:

1. cards due for review for members who play in the channel (their last
   answer was wrong, or the card is in fsrs's long-term review; see
   :meth:`bot.store.reviews.Reviews.due_in_channel`), most due first, skipping
   cards asked in the channel within the last :data:`RECENT_S` (20 hours: a
   daily question, even across a DST change, brings back yesterday's misses);
2. cards never asked in the channel, in random order;
3. the least recently asked card.

While cards the channel has never seen remain, repeats are capped: when
:data:`MAX_REPEATS` of the last :data:`REPEAT_WINDOW` questions were repeats,
a fresh card goes before the due ones, so a channel that keeps missing a few
cards still works through the deck.

The variant (a hand-written question, a generated multiple-choice one or a
free-text one) is drawn at random from what the card offers; a seeded
``random.Random`` makes the whole choice reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.deck.generate import AskedQuestion, ask, candidate_keys
from bot.deck.model import Card, Deck
from bot.quiz.context import Context

RECENT_S = 20 * 3600
REPEAT_WINDOW = 4
MAX_REPEATS = 2
_WEIGHTS = {"choice": 2, "text": 1}


def order_cards(pool: Sequence[tuple[Deck, Card]], last_asked: dict[str, float],
                due: dict[str, int], now: float, rng: random.Random,
                due_first: bool = True) -> list[tuple[Deck, Card]]:
    """``pool`` in the order questions should be drawn (see module doc); with
    ``due_first`` False (the repeat cap is reached) fresh cards go before due ones."""
    keyed = [(f"{deck.id}/{card.id}", (deck, card)) for deck, card in pool]  # each key made once
    due_cards = [(k, c) for k, c in keyed if due.get(k) and now - last_asked.get(k, 0.0) >= RECENT_S]
    due_cards.sort(key=lambda kc: -due[kc[0]])
    due_keys = {k for k, _ in due_cards}  # by key: comparing whole cards made this quadratic
    fresh = [c for k, c in keyed if k not in last_asked and k not in due_keys]
    rng.shuffle(fresh)
    seen = [c for _, c in sorted(((k, c) for k, c in keyed if k in last_asked and k not in due_keys),
                                 key=lambda kc: last_asked[kc[0]])]
    due_first_cards = [c for _, c in due_cards]
    if not due_first and fresh:
        return fresh + due_first_cards + seen
    return due_first_cards + fresh + seen


def pick_question(deck: Deck, card: Card, rng: random.Random, kind: str | None = None,
                  others: Sequence[Deck] = ()) -> AskedQuestion | None:
    """One question of ``card``, of ``kind`` when given ("choice" or "text")."""
    variants = [k.rsplit("/", 1)[1] for k in candidate_keys(card, deck)]
    weighted: list[str] = []
    for variant in variants:
        weighted.extend([variant] * _WEIGHTS.get(variant, 3))
    rng.shuffle(weighted)
    tried: set[str] = set()
    for variant in weighted:
        if variant in tried:
            continue
        tried.add(variant)
        question = ask(card, deck, variant, rng, others)
        if question is not None and (kind is None or question.kind == kind):
            return question
    return None


async def next_question(ctx: Context, channel_id: int, deck_ids: Sequence[str] = (),
                        kind: str | None = None) -> AskedQuestion | None:
    """The next question for a channel from ``deck_ids`` (all decks when empty)."""
    library = ctx.library
    decks = [d for d in library.decks if not deck_ids or d.id in deck_ids]
    pool = [(deck, card) for deck in decks for card in deck.cards]
    if not pool:
        return None
    now = ctx.clock()
    last = await ctx.stores.rounds.last_asked(channel_id)
    keys = library.card_keys if not deck_ids else {f"{d.id}/{c.id}" for d, c in pool}
    due = await ctx.stores.reviews.due_in_channel(channel_id, now, keys)
    due_first = await ctx.stores.reviews.recent_repeats(channel_id, REPEAT_WINDOW) < MAX_REPEATS
    for deck, card in order_cards(pool, last, due, now, ctx.rng, due_first)[:50]:
        question = pick_question(deck, card, ctx.rng, kind, library.decks)
        if question is not None:
            return question
    return None
