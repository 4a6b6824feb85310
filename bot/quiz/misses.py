"""Which cards a member missed: the cards whose latest answer was wrong, newest first.

"Latest answer wrong" (not "wrong more often than right"): a card the member has since got
right is learnt, whatever its past; a card they got right twice and then wrong is exactly
the one to study. Every channel and workspace counts, closed rounds only.

Card text comes from the loaded decks (the card as it is now); a card no longer in the
decks keeps what its last round stored (the answer and the explanation).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.deck.library import DeckLibrary
from bot.deck.model import Card
from bot.store.misses import CardRecord


@dataclass(frozen=True)
class Miss:
    """One missed card, its text as the deck has it (LaTeX math untouched)."""

    deck_id: str
    card_id: str
    term: str
    definition: str
    tags: tuple[str, ...]
    missed_at: float
    """When the member last answered it, wrongly (UTC epoch seconds)."""
    right: int
    wrong: int
    card: Card | None
    """The card in the loaded decks; None when it is gone."""


def misses(records: list[CardRecord], library: DeckLibrary) -> list[Miss]:
    """The records whose latest answer was wrong, as cards, the most recent miss first."""
    out = []
    for record in sorted(records, key=lambda r: r.latest_at, reverse=True):
        if record.latest_correct:
            continue
        card = library.card(record.deck_id, record.card_id)
        if card is not None:
            term, definition, tags = card.term, card.definition, card.tags
        else:
            question = record.question
            term = str(question.get("answer", "")) or record.card_id
            definition = str(question.get("explanation", "")) or term
            tags = tuple(str(t) for t in question.get("tags") or ())
        out.append(Miss(record.deck_id, record.card_id, term, definition, tuple(tags), record.latest_at,
                        record.right, record.wrong, card))
    return out

