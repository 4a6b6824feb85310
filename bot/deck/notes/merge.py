"""Re-import a changed note into a deck that may have been edited by hand.

The deck is the reviewed artefact; the note only refreshes what came from it.
For each card of the note, the deck card is found by id, else by a term or
alias with the same :func:`bot.deck.text.match_key` (each deck card matches
at most one note card). A matched card gets the note's definition and source;
everything else (id, term, aliases, questions, tags, distractors, links,
``from_notes``) stays as the deck has it. A card marked ``from_notes: false``
has a hand-written definition and is not touched at all.

Guarantees: no card of the deck is ever removed or reordered; a deck card the
note no longer has is reported as *orphaned* and kept; a note card is either
matched, added at the end (with an id and names that do not clash), or
reported as a conflict. Deck-level fields (id, title, tags…) are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.deck.model import Card, Deck
from bot.deck.notes.draft import slugify, unique_id
from bot.deck.text import match_key


@dataclass(frozen=True)
class MergeReport:
    """The merged deck and what happened to each card (card ids, or terms for conflicts)."""

    deck: Deck
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    """Matched cards whose hand-written definition (``from_notes: false``) was left alone."""
    orphaned: tuple[str, ...] = ()
    """Deck cards no longer in the note; they stay in the deck."""
    conflicts: tuple[str, ...] = ()
    """Note terms not added because their name belongs to a card already matched."""

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated",
                 f"{len(self.unchanged)} unchanged", f"{len(self.orphaned)} orphaned (kept)"]
        if self.kept:
            parts.append(f"{len(self.kept)} hand-written (kept)")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} conflicting (not added)")
        return ", ".join(parts)


def _match(existing: tuple[Card, ...], imported: tuple[Card, ...]) -> dict[int, int]:
    """Note card index -> deck card index: by id first, then by a shared name."""
    by_id = {card.id: j for j, card in enumerate(existing)}
    by_name: dict[str, int] = {}
    for j, card in enumerate(existing):
        for name in card.names:
            by_name.setdefault(match_key(name), j)
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for i, card in enumerate(imported):
        by = by_id.get(card.id)
        if by is not None and by not in taken:
            matched[i] = by
            taken.add(by)
    for i, card in enumerate(imported):
        if i in matched:
            continue
        for name in card.names:
            found = by_name.get(match_key(name))
            if found is not None and found not in taken:
                matched[i] = found
                taken.add(found)
                break
    return matched


def merge_decks(existing: Deck, imported: Deck) -> MergeReport:
    """Refresh ``existing`` from ``imported`` (see the module doc for what is kept)."""
    matched = _match(existing.cards, imported.cards)
    cards = list(existing.cards)
    updated: list[str] = []
    unchanged: list[str] = []
    kept: list[str] = []
    for i, j in sorted(matched.items(), key=lambda item: item[1]):
        old, new = cards[j], imported.cards[i]
        if not old.from_notes:
            kept.append(old.id)
        elif old.definition == new.definition and old.source == new.source:
            unchanged.append(old.id)
        else:
            cards[j] = replace(old, definition=new.definition, source=new.source)
            updated.append(old.id)
    names = {match_key(name) for card in cards for name in card.names}
    ids = {card.id for card in cards}
    added: list[str] = []
    conflicts: list[str] = []
    for i, card in enumerate(imported.cards):
        if i in matched:
            continue
        if match_key(card.term) in names:
            conflicts.append(card.term)
            continue
        aliases = tuple(a for a in card.aliases if match_key(a) not in names)
        new_id = unique_id(card.id if card.id not in ids else slugify(card.term), ids)
        names.update(match_key(name) for name in (card.term, *aliases))
        cards.append(replace(card, id=new_id, aliases=aliases, line=0))
        added.append(new_id)
    taken = set(matched.values())
    orphaned = tuple(card.id for j, card in enumerate(existing.cards) if j not in taken)
    return MergeReport(
        deck=replace(existing, cards=tuple(cards)),
        added=tuple(added),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        kept=tuple(kept),
        orphaned=orphaned,
        conflicts=tuple(conflicts),
    )
