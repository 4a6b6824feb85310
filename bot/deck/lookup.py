"""What a /define lookup answers: the matched card, how it matched, and suggestions.

The value types of :mod:`bot.deck.glossary` (which builds and searches the index), kept
apart so a reply renderer needs no index code."""

from __future__ import annotations

from dataclasses import dataclass

from bot.deck.model import Card, Deck


class QueryTooLong(ValueError):
    """Raised for a query over :data:`bot.deck.glossary.MAX_QUERY` characters."""


@dataclass(frozen=True)
class Entry:
    """One card as the glossary knows it."""

    deck: Deck
    card: Card


@dataclass(frozen=True)
class Suggestion:
    term: str
    deck_id: str
    card_id: str
    score: float


@dataclass(frozen=True)
class Lookup:
    """The answer to one /define query. ``how`` is None when nothing matched."""

    query: str
    match: Entry | None
    how: str | None
    suggestions: tuple[Suggestion, ...] = ()
