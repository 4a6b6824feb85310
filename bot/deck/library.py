"""All loaded decks, the glossary over them, and reloading from disk.

A :class:`DeckLibrary` is swapped whole on reload: readers hold a reference to
a consistent snapshot (decks and glossary built from the same files), never a
half-updated one. A deck whose new version is broken keeps its last good
version; the problems are kept for logs and ``/quiz decks``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.deck.glossary import Glossary
from bot.deck.load import LoadResult, Problem, load_decks, name_clashes
from bot.deck.model import Card, Deck


@dataclass(frozen=True)
class DeckLibrary:
    """An immutable snapshot of the loaded decks."""

    decks: tuple[Deck, ...]
    glossary: Glossary
    problems: tuple[Problem, ...] = ()
    _by_id: dict[str, Deck] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_decks(cls, decks: Iterable[Deck], problems: Iterable[Problem] = ()) -> DeckLibrary:
        ordered = tuple(decks)
        return cls(ordered, Glossary.build(ordered), tuple(problems), {d.id: d for d in ordered})

    @classmethod
    def load(cls, *paths: Path) -> DeckLibrary:
        """Load every deck under ``paths``; broken decks are skipped and reported.
        A name shared by two decks is kept in both and reported as a warning."""
        result: LoadResult = load_decks(paths)
        return cls.from_decks(result.decks, [*result.problems, *name_clashes(result.decks, "warning")])

    def reload(self, *paths: Path) -> DeckLibrary:
        """A new snapshot from disk. A deck that no longer loads keeps its last good version
        (when its file still exists); a deck whose file was removed is dropped."""
        result = load_decks(paths)
        fresh = {d.id: d for d in result.decks}
        broken_files = {p.path for p in result.errors}
        for old in self.decks:
            if old.id not in fresh and old.path in broken_files and Path(old.path).exists():
                fresh[old.id] = old
        return DeckLibrary.from_decks(sorted(fresh.values(), key=lambda d: d.path), result.problems)

    def deck(self, deck_id: str) -> Deck | None:
        return self._by_id.get(deck_id)

    def card(self, deck_id: str, card_id: str) -> Card | None:
        deck = self._by_id.get(deck_id)
        return deck.card(card_id) if deck else None

    @property
    def card_count(self) -> int:
        return sum(len(d.cards) for d in self.decks)
