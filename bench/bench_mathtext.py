"""Math as text on every render: what ``math_to_text`` adds to rendering a card.

Over every definition of the shipped decks (116 cards, 13 with formulas), times
one cold pass (each formula parsed by pylatexenc, the cache empty), then the
warm per-call cost as messages are rendered again and again (the cache, and the
plain return for text without math). The baseline, measured in the same run, is
the plain-text render of a ``/define`` reply for the same cards, so the figure
reads as "the share of a render spent on math". Target: warm <= 10% of a render.
"""

from __future__ import annotations

import time

from _common import ROOT, best_of, emit, percentile

from bot.chat.plain import render
from bot.deck.library import DeckLibrary
from bot.deck.mathtext import _convert, math_to_text
from bot.quiz import messages as m

ROUNDS = 200
TARGET_SHARE = 0.10


def main() -> None:
    library = DeckLibrary.load(ROOT / "decks")
    texts = [card.definition for deck in library.decks for card in deck.cards]
    with_math = [text for text in texts if math_to_text(text) is not text]
    _convert.cache_clear()

    cold: list[float] = []
    for text in with_math:
        start = time.perf_counter()
        math_to_text(text)
        cold.append((time.perf_counter() - start) * 1e3)

    def convert_all() -> None:
        for _ in range(ROUNDS):
            for text in texts:
                math_to_text(text)

    warm_us = best_of(5, convert_all) / (ROUNDS * len(texts)) * 1e6
    messages = [m.Definition(query=t, term="Term", aliases=(), definition=t, deck_id="d", deck_title="Deck",
                             card_id="c", source="notes/x.md") for t in texts]

    def render_all() -> None:
        for _ in range(ROUNDS):
            for message in messages:
                render(message)

    render_us = best_of(5, render_all) / (ROUNDS * len(messages)) * 1e6
    share = warm_us / render_us
    emit({
        "bench": "mathtext",
        "texts": len(texts),
        "texts_with_math": len(with_math),
        "cold_p50_ms": round(percentile(cold, 50), 3),
        "cold_max_ms": round(max(cold), 3),
        "warm_us_per_text": round(warm_us, 3),
        "baseline": "plain.render of a /define reply",
        "baseline_us_per_message": round(render_us, 2),
        "warm_share_of_render": round(share, 3),
        "target_share": TARGET_SHARE,
        "ok": share <= TARGET_SHARE,
    })


if __name__ == "__main__":
    main()
