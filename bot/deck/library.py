"""All loaded decks, the glossary over them, and reloading from disk.

A :class:`DeckLibrary` is swapped whole on reload: readers hold a reference to
a consistent snapshot (decks and glossary built from the same files), never a
half-updated one. A deck whose new version is broken keeps its last good
version; the problems are kept for logs and ``/quiz decks``. A deck whose file
is still being written (see :func:`bot.deck.load.load_decks`) also keeps its last
good version, and a new file still being written is not loaded yet: a partial file
is never served nor kept as "last good". With a :class:`DeckCache`, files whose
bytes did not change are not parsed again on reload.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.deck.cache import DeckCache
from bot.deck.files import FileState
from bot.deck.glossary import Glossary
from bot.deck.load import LoadResult, Problem, load_decks, name_clashes
from bot.deck.model import Card, Deck
from bot.deck.settle import settled_states


@dataclass(frozen=True)
class DeckLibrary:
    """An immutable snapshot of the loaded decks."""

    decks: tuple[Deck, ...]
    glossary: Glossary
    problems: tuple[Problem, ...] = ()
    _by_id: dict[str, Deck] = field(default_factory=dict, compare=False, repr=False)
    cache: DeckCache | None = field(default=None, compare=False, repr=False)
    """Where compiled decks are kept between loads (None: every load parses every file)."""
    unsettled: tuple[str, ...] = ()
    """Files skipped by the last reload because they were still changing; a later reload retries them."""

    @classmethod
    def from_decks(cls, decks: Iterable[Deck], problems: Iterable[Problem] = (), *,
                   cache: DeckCache | None = None, unsettled: Iterable[str] = ()) -> DeckLibrary:
        ordered = tuple(decks)
        return cls(ordered, Glossary.build(ordered), tuple(problems), {d.id: d for d in ordered}, cache,
                   tuple(unsettled))

    @classmethod
    def load(cls, *paths: Path, cache: DeckCache | None = None, settle: bool = False) -> DeckLibrary:
        """Load every deck under ``paths``; broken decks are skipped and reported.
        A name shared by two decks is kept in both and reported as a warning.
        ``settle`` (a bot's start, when a watcher will load what is skipped): a file written
        to just now is waited for briefly, and left unloaded (``unsettled``) if it keeps
        changing (see :mod:`bot.deck.settle`), so a partly written deck is never served."""
        result: LoadResult = load_decks(paths, cache, settled_states(paths) if settle else None)
        return cls.from_decks(result.decks, [*result.problems, *name_clashes(result.decks, "warning")],
                              cache=cache, unsettled=result.unsettled)

    def reload(self, *paths: Path, settled: Mapping[str, FileState] | None = None) -> DeckLibrary:
        """A new snapshot from disk. A deck that no longer loads keeps its last good version
        (when its file still exists), and so does one whose file is not yet in its ``settled``
        state; a deck whose file was removed is dropped."""
        result = load_decks(paths, self.cache, settled)
        fresh = {d.id: d for d in result.decks}
        broken_files = {p.path for p in result.errors}
        waiting = set(result.unsettled)
        for old in self.decks:
            if old.id in fresh:
                continue
            if (old.path in broken_files and Path(old.path).exists()) or old.path in waiting:
                fresh[old.id] = old
        return DeckLibrary.from_decks(sorted(fresh.values(), key=lambda d: d.path), result.problems,
                                      cache=self.cache, unsettled=result.unsettled)

    def deck(self, deck_id: str) -> Deck | None:
        return self._by_id.get(deck_id)

    def card(self, deck_id: str, card_id: str) -> Card | None:
        deck = self._by_id.get(deck_id)
        return deck.card(card_id) if deck else None

    @cached_property
    def card_keys(self) -> frozenset[str]:
        """Every loaded card's key, ``deck_id/card_id`` (how rounds and reviews name a card)."""
        return frozenset(f"{d.id}/{c.id}" for d in self.decks for c in d.cards)

    @property
    def card_count(self) -> int:
        return sum(len(d.cards) for d in self.decks)
