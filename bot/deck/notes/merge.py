"""Re-import a note into a deck that may have been curated by hand.

The deck is the reviewed artefact; the note only refreshes what *changed* in it.
Every card records in ``source.text_hash`` the :func:`fingerprint` of the note
text it was drafted from; a definition is replaced only when that text changed
since, so re-importing an unchanged note never undoes a curator's edits.

Matching, within the deck being merged (each deck card matches at most one
note card):

1. by card id, then by a term or alias with the same :func:`match_key`;
2. by heading: when exactly one from-notes deck card, not matched yet, cites
   a heading (``source.heading``) under which exactly one note card, not
   matched yet, was drafted, the two match.

A matched card (``from_notes: false`` cards are never touched):

- without a fingerprint (curated by hand) keeps its definition and gets the
  note text's fingerprint recorded: *fingerprinted*;
- with the same fingerprint: *unchanged*;
- with another fingerprint: the note changed. The card gets the note's
  definition and source (*updated*) unless the note text also lies behind other
  from-notes cards that cite its heading without a match of their own (a
  section the curator split into several cards): then the definition is kept,
  the new fingerprint recorded and the card listed for *review*.

A deck card that matches nothing but cites a heading still in the note (its own
heading or one enclosing it, or the note's title) is not orphaned: its
fingerprint is that of all the note text under the heading, with the same
fingerprinted / unchanged / review outcomes. Only a card whose heading is gone
is *orphaned*, and it is kept.

A note card that matches nothing is *covered* (not added) when deck cards cite
its heading or a heading enclosing it: the curator already turned that part
of the note into other cards. Otherwise it is *added* at the end (with an id
and names that do not clash), or reported as a *conflict* when its term names a
card already in the deck. No card is ever removed or reordered; every other
field (id, term, aliases, questions, tags, distractors, links, ``from_notes``)
and the deck-level fields stay as the deck has them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.deck.model import Card, Deck
from bot.deck.notes.draft import collapse, fingerprint, slugify, unique_id
from bot.deck.text import match_key


@dataclass(frozen=True)
class MergeReport:
    """The merged deck and what happened to each card (card ids; note terms for covered and conflicts)."""

    deck: Deck
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    """Cards whose note text changed: they got the new definition and source."""
    unchanged: tuple[str, ...] = ()
    fingerprinted: tuple[str, ...] = ()
    """Cards with no fingerprint yet: definition kept, the note text's fingerprint recorded."""
    review: tuple[str, ...] = ()
    """Cards whose note text changed but is shared with other cards: definition kept, review by hand."""
    kept: tuple[str, ...] = ()
    """Hand-written cards (``from_notes: false``) whose note text is still there; never touched."""
    orphaned: tuple[str, ...] = ()
    """Deck cards whose heading is gone from the note; they stay in the deck."""
    covered: tuple[str, ...] = ()
    """Note cards not added because deck cards cite their heading: ``Term (covered by N cards)``."""
    conflicts: tuple[str, ...] = ()
    """Note terms not added because their name belongs to a card already in the deck."""

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated",
                 f"{len(self.unchanged)} unchanged", f"{len(self.orphaned)} orphaned (kept)"]
        for items, label in ((self.fingerprinted, "fingerprinted (definition kept)"),
                             (self.review, "changed in the note, shared by several cards (review)"),
                             (self.kept, "hand-written (kept)"),
                             (self.covered, "covered by deck cards (not added)"),
                             (self.conflicts, "conflicting (not added)")):
            if items:
                parts.append(f"{len(items)} {label}")
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """One indented line per non-empty outcome, listing its cards (for the import report)."""
        out = []
        for label, items in (("added", self.added), ("updated", self.updated),
                             ("changed in the note, review by hand (definition kept)", self.review),
                             ("fingerprinted (definition kept)", self.fingerprinted),
                             ("hand-written, kept", self.kept),
                             ("orphaned (no longer in the note, kept)", self.orphaned),
                             ("covered by deck cards (not added)", self.covered),
                             ("conflicting (name already used, not added)", self.conflicts)):
            if items:
                out.append(f"  {label}: {', '.join(items)}")
        return out


def _key(heading: str) -> str:
    return collapse(heading).casefold()


def _headings(card: Card) -> list[str]:
    """Keys of the card's heading and of the headings enclosing it."""
    return [k for k in (_key(h) for h in (card.source.heading, *card.source.within)) if k]


def _match(existing: tuple[Card, ...], imported: tuple[Card, ...]) -> dict[int, int]:
    """Note card index -> deck card index: by id first, then by a shared name, then by heading."""
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
    loose: dict[str, list[int]] = {}
    for j, card in enumerate(existing):
        if j not in taken and card.from_notes and _key(card.source.heading):
            loose.setdefault(_key(card.source.heading), []).append(j)
    free: dict[str, list[int]] = {}
    for i, card in enumerate(imported):
        if i not in matched and _key(card.source.heading):
            free.setdefault(_key(card.source.heading), []).append(i)
    for key, js in loose.items():
        if len(js) == 1 and len(free.get(key, ())) == 1:
            matched[free[key][0]] = js[0]
    return matched


def merge_decks(existing: Deck, imported: Deck) -> MergeReport:
    """Refresh ``existing`` from ``imported`` (see the module doc for what is kept)."""
    matched = _match(existing.cards, imported.cards)
    deck_of = {j: i for i, j in matched.items()}
    under: dict[str, list[Card]] = {}  # heading key -> note cards drafted in it or in a section inside it
    for card in imported.cards:
        for key in dict.fromkeys(_headings(card)):
            under.setdefault(key, []).append(card)
    group = {key: fingerprint("\n".join(c.definition for c in cards)) for key, cards in under.items()}
    title = _key(imported.title)
    citing: dict[str, list[int]] = {}  # heading key -> deck cards citing it
    unmatched_citing: dict[str, list[int]] = {}  # ... the from-notes ones without a match of their own
    for j, card in enumerate(existing.cards):
        if key := _key(card.source.heading):
            citing.setdefault(key, []).append(j)
            if j not in deck_of and card.from_notes:
                unmatched_citing.setdefault(key, []).append(j)

    out: dict[str, list[str]] = {k: [] for k in ("updated", "unchanged", "fingerprinted", "review", "kept",
                                                  "orphaned")}
    cards = list(existing.cards)

    def record(j: int, text_hash: str) -> None:
        cards[j] = replace(cards[j], source=replace(cards[j].source, text_hash=text_hash))

    for j, old in enumerate(existing.cards):
        key, recorded = _key(old.source.heading), old.source.text_hash
        if j in deck_of:
            new = imported.cards[deck_of[j]]
            now = fingerprint(new.definition)
            shared = any(unmatched_citing.get(h) for h in _headings(new))
            if not old.from_notes:
                out["kept"].append(old.id)
            elif not recorded:
                out["fingerprinted"].append(old.id)
                record(j, now)
            elif recorded in (now, group.get(key)):
                out["unchanged"].append(old.id)
                record(j, now)
            elif shared:
                out["review"].append(old.id)
                record(j, now)
            else:
                cards[j] = replace(old, definition=new.definition, source=replace(new.source, text_hash=now))
                out["updated"].append(old.id)
        elif key and (key in under or key == title):
            if not old.from_notes:
                out["kept"].append(old.id)
            elif key not in under:  # the note's title: no text of its own to compare
                out["unchanged"].append(old.id)
            elif not recorded:
                out["fingerprinted"].append(old.id)
                record(j, group[key])
            elif recorded == group[key]:
                out["unchanged"].append(old.id)
            else:
                out["review"].append(old.id)
                record(j, group[key])
        else:
            out["orphaned"].append(old.id)

    names = {match_key(name) for card in cards for name in card.names}
    ids = {card.id for card in cards}
    added: list[str] = []
    covered: list[str] = []
    conflicts: list[str] = []
    for i, card in enumerate(imported.cards):
        if i in matched:
            continue
        # Covered: deck cards cite this very heading, or cards the curator split out of an
        # enclosing section (cards with no note card of their own) cite that section.
        own, *enclosing = _headings(card) or [""]
        by = set(citing.get(own, ())) | {j for key in enclosing for j in unmatched_citing.get(key, ())}
        if by:
            covered.append(f"{card.term} (covered by {len(by)} card{'s' if len(by) > 1 else ''})")
            continue
        if match_key(card.term) in names:
            conflicts.append(card.term)
            continue
        aliases = tuple(a for a in card.aliases if match_key(a) not in names)
        new_id = unique_id(card.id if card.id not in ids else slugify(card.term), ids)
        names.update(match_key(name) for name in (card.term, *aliases))
        source = replace(card.source, text_hash=fingerprint(card.definition))
        cards.append(replace(card, id=new_id, aliases=aliases, source=source, line=0))
        added.append(new_id)
    return MergeReport(
        deck=replace(existing, cards=tuple(cards)),
        added=tuple(added),
        covered=tuple(covered),
        conflicts=tuple(conflicts),
        updated=tuple(out["updated"]),
        unchanged=tuple(out["unchanged"]),
        fingerprinted=tuple(out["fingerprinted"]),
        review=tuple(out["review"]),
        kept=tuple(out["kept"]),
        orphaned=tuple(out["orphaned"]),
    )
