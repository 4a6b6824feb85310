"""The deck model: decks, cards and the questions a card can be asked as.

These are plain frozen values. They are built by :mod:`bot.deck.load`, which is
where every validation rule lives (so errors can carry file:line:column). Card
and deck ids are the keys that answers and review history hang on: renaming a
term must never change them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
"""Deck and card ids: lowercase slugs, stable across edits."""

DECK_ID_MAX = 40
CARD_ID_MAX = 50
"""Longest deck and card ids: a "did you mean" button carries ``define:<deck>:<card>``
and Discord allows 100 characters (see :mod:`bot.quiz.actions`)."""


@dataclass(frozen=True)
class Source:
    """Where a card's text comes from: a note file and the heading inside it."""

    note: str = ""
    heading: str = ""
    text_hash: str = ""
    """Fingerprint of the note text the card was drafted from, as the last import or
    merge saw it (see :func:`bot.deck.notes.draft.fingerprint`); '' when never recorded.
    A re-import updates the card only when the note text behind it changed."""
    within: tuple[str, ...] = field(default=(), compare=False)
    """Headings of the sections enclosing ``heading``, outermost first. Set by the note
    importers for the merge; not part of the deck file (like :attr:`Card.line`)."""

    def label(self) -> str:
        """A short human label, e.g. ``notes/dl-flashcards.md § NMS``."""
        if self.note and self.heading:
            return f"{self.note} § {self.heading}"
        return self.note or self.heading


@dataclass(frozen=True)
class ChoiceQuestion:
    """A hand-written multiple-choice question; exactly one choice is right."""

    ask: str
    choices: tuple[str, ...]
    answer: int
    explain: str = ""


@dataclass(frozen=True)
class TextQuestion:
    """A hand-written free-text question; any accepted answer counts."""

    ask: str
    accept: tuple[str, ...]
    explain: str = ""


Question = ChoiceQuestion | TextQuestion


@dataclass(frozen=True)
class Card:
    """One term of a deck with its definition and optional questions."""

    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    source: Source = field(default_factory=Source)
    links: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    distractors: tuple[str, ...] = ()
    """Hand-picked wrong options for generated multiple-choice questions."""
    from_notes: bool = True
    """False when the definition was written for the deck, not taken from the notes."""
    line: int = field(default=0, compare=False)
    """Line of the card in its deck file (for messages; 0 when unknown)."""

    @property
    def names(self) -> tuple[str, ...]:
        """The term followed by its aliases: every name the card answers to."""
        return (self.term, *self.aliases)

    def source_text(self, deck_source: str = "") -> str:
        """Where the card comes from, for people: ``notes/x.md § Heading``; a card
        written for the deck says so, so nobody takes it for the team's own notes."""
        label = self.source.label() or deck_source
        if self.from_notes:
            return label
        return f"{label} (written for the deck, not from the notes)" if label else "written for the deck"


@dataclass(frozen=True)
class Deck:
    """A named set of cards, usually made from one note file."""

    id: str
    title: str
    cards: tuple[Card, ...]
    description: str = ""
    source: str = ""
    tags: tuple[str, ...] = ()
    path: str = ""
    """The file the deck was loaded from ('' for decks built in memory)."""
    line: int = field(default=0, compare=False)
    """Line of the ``deck:`` id in its file (for messages; 0 when unknown)."""

    def card(self, card_id: str) -> Card | None:
        """The card with this id, or None."""
        for card in self.cards:
            if card.id == card_id:
                return card
        return None
