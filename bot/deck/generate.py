"""Questions from cards: the hand-written ones, and ones generated from the definition.

A generated multiple-choice question shows the definition (with the term masked)
and asks for the term; its three wrong options are other cards' terms, taken
first from the card's hand-picked ``distractors``, then from sibling cards that
share a tag, then from the rest of the deck, then from other decks. An option is
never the answer, never one of its aliases, and never equal to another option.

Everything a round needs later (prompt, options, the right answer, the
explanation, the source) is copied into an :class:`AskedQuestion`, so a round
can be revealed even after its deck was edited or removed.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.deck.model import Card, ChoiceQuestion, Deck, TextQuestion
from bot.deck.text import mask_names, match_key, shorten
from bot.deck.words import content_stems, is_content, name_stems, stem, tokens

PROMPT_LIMIT = 600
OPTIONS = 4
MIN_CLUE_WORDS = 3
"""A clue needs this many content words left after masking, or the variant is not asked."""
FIT_SHARE = 0.75
"""A card whose definition holds this share of the clue's content words also fits it."""
SIMILAR_SHARE = 0.1
"""Definitions sharing this share of their content words (Jaccard) are on one topic."""

Kind = Literal["choice", "text"]


@dataclass(frozen=True)
class AskedQuestion:
    """A question as one round asks it: self-contained and ready to grade."""

    key: str
    deck_id: str
    card_id: str
    kind: Kind
    prompt: str
    options: tuple[str, ...]
    correct: int | None
    accept: tuple[str, ...]
    answer: str
    explanation: str
    source: str
    tags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    """One per option of a generated choice question: what that option means (its card's definition,
    shortened; "" when unknown). A reveal contrasts the answer with the option most picked wrongly."""

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key, "deck_id": self.deck_id, "card_id": self.card_id, "kind": self.kind,
            "prompt": self.prompt, "options": list(self.options), "correct": self.correct,
            "accept": list(self.accept), "answer": self.answer, "explanation": self.explanation,
            "source": self.source, "tags": list(self.tags), "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> AskedQuestion:
        correct = data.get("correct")
        kind: Kind = "choice" if data["kind"] == "choice" else "text"
        return cls(
            key=str(data["key"]), deck_id=str(data["deck_id"]), card_id=str(data["card_id"]),
            kind=kind, prompt=str(data["prompt"]),
            options=tuple(str(o) for o in data.get("options") or ()),  # type: ignore[attr-defined]
            correct=int(correct) if isinstance(correct, int) else None,
            accept=tuple(str(a) for a in data.get("accept") or ()),  # type: ignore[attr-defined]
            answer=str(data["answer"]), explanation=str(data.get("explanation", "")),
            source=str(data.get("source", "")),
            tags=tuple(str(t) for t in data.get("tags") or ()),  # type: ignore[attr-defined]
            notes=tuple(str(n) for n in data.get("notes") or ()),  # type: ignore[attr-defined]
        )


def masked_definition(card: Card) -> str:
    """The definition as a clue: the card's names and every content word of them hidden.

    "the area of their intersection divided by the area of their union" is no
    clue for *Intersection over union*: each word of a name (as a stem, so
    ``invariant`` goes with ``invariance``) is masked too. Runs of masks merge.
    """
    masked = mask_names(card.definition, card.names)
    stems = name_stems(card.names)
    if stems and stems & content_stems(masked):  # the word-by-word pass only where a name word is left
        masked = _LETTERS.sub(lambda m: _MASK if _leaks(m.group(0), stems) else m.group(0), masked)
    masked = _MASK_RUN.sub(_MASK, masked)
    return shorten(masked, PROMPT_LIMIT)


_MASK = "____"
_LETTERS = re.compile(r"(?<!\\)[^\W_]+")  # never a LaTeX command name (``\log``)
_MASK_RUN = re.compile(r"____(?:(?:[\s\-/]|\\?_)*____)+")


def _leaks(word: str, stems: frozenset[str]) -> bool:
    lowered = word.lower()
    return is_content(lowered) and stem(lowered) in stems


def _clue_words(clue: str) -> int:
    return sum(1 for word in tokens(clue.replace(_MASK, " ")) if is_content(word))


def can_ask(card: Card, deck: Deck) -> bool:
    """True when at least one question can be made from this card."""
    if card.questions:
        return True
    return _clue_words(masked_definition(card)) >= MIN_CLUE_WORDS


def _fits(clue: frozenset[str], other: Card) -> bool:
    """``other``'s definition says most of what the clue says: it would also be a right answer."""
    if not clue:
        return False
    return len(clue & content_stems(other.definition)) / len(clue) >= FIT_SHARE


def _related(card: Card, other: Card, section: tuple[str, str]) -> int:
    """How close ``other`` is to ``card``'s topic: 2 same tag or note section, 1 similar definition, 0 none."""
    if set(card.tags) & set(other.tags) or (section[1] and (other.source.note, other.source.heading) == section):
        return 2
    mine, theirs = content_stems(card.definition), content_stems(other.definition)
    if mine and theirs and len(mine & theirs) / len(mine | theirs) >= SIMILAR_SHARE:
        return 1
    return 0


def distractors(card: Card, deck: Deck, others: Sequence[Deck] = (), count: int = OPTIONS - 1,
                rng: random.Random | None = None) -> list[str]:
    """Up to ``count`` wrong options for ``card`` from its topic, best candidates first.

    Hand-picked ``distractors`` come first, in their order; then cards of the
    same topic (a shared tag or the same note section, then a similar
    definition) from this deck and the others, at random within each tier.
    Never the answer or an alias (spaces ignored: "BatchNorm" is not wrong when
    "Batch Norm" is right), never two alike, never a card whose definition also
    fits the clue. Fewer than ``count`` when the topic has too few cards: an
    unrelated option would give the answer away as surely as a leaked word.
    """
    rng = rng or random.Random(0)
    taken = {_option_key(name) for name in card.names}
    clue = content_stems(masked_definition(card).replace(_MASK, " "))
    fitting = {_option_key(name) for other in _pool(deck, others) if other.id != card.id and _fits(clue, other)
               for name in other.names}
    out: list[str] = []

    def offer(name: str) -> None:
        key = _option_key(name)
        if len(out) < count and key and key not in taken and key not in fitting:
            taken.add(key)
            out.append(name)

    for name in card.distractors:
        offer(name)
    section = (card.source.note, card.source.heading)
    candidates = [other for other in _pool(deck, others) if other.id != card.id or other not in deck.cards]
    rng.shuffle(candidates)
    tiers = sorted(((_related(card, other, section), other) for other in candidates if other is not card),
                   key=lambda pair: -pair[0])
    for tier, other in tiers:
        if tier == 0 or len(out) >= count:
            break
        offer(other.term)
    return out


NOTE_LIMIT = 200


def _notes(options: tuple[str, ...], correct: int, deck: Deck, others: Sequence[Deck]) -> tuple[str, ...]:
    """What each wrong option means (its card's definition, shortened; "" when no card has that
    name); cards of ``deck`` come first. One pass over the names, with cached keys."""
    wanted = {_option_key(option): i for i, option in enumerate(options) if i != correct}
    notes = [""] * len(options)
    for card in _pool(deck, others):
        for name in card.names:
            i = wanted.get(_option_key(name))
            if i is not None and not notes[i]:
                notes[i] = shorten(card.definition, NOTE_LIMIT)
    return tuple(notes)


@functools.lru_cache(maxsize=65536)
def _option_key(name: str) -> str:
    return match_key(name).replace(" ", "")


def _pool(deck: Deck, others: Sequence[Deck]) -> list[Card]:
    """Every card of ``deck`` and then of the other decks, each deck once."""
    cards = list(deck.cards)
    for other in others:
        if other.id != deck.id:
            cards.extend(other.cards)
    return cards


def _explanation(card: Card, written: str) -> str:
    return written or card.definition


def _shuffled(options: list[str], correct: int, rng: random.Random) -> tuple[tuple[str, ...], int]:
    order = list(range(len(options)))
    rng.shuffle(order)
    return tuple(options[i] for i in order), order.index(correct)


def candidate_keys(card: Card, deck: Deck) -> list[str]:
    """Every question key this card offers: hand-written first, then generated."""
    keys = [f"{deck.id}/{card.id}/q{i}" for i in range(len(card.questions))]
    if can_ask(card, deck) and masked_definition(card).replace("____", "").strip():
        keys.append(f"{deck.id}/{card.id}/choice")
        keys.append(f"{deck.id}/{card.id}/text")
    return keys


def ask(card: Card, deck: Deck, variant: str, rng: random.Random,
        others: Sequence[Deck] = ()) -> AskedQuestion | None:
    """Build one question of ``card``; ``variant`` is ``q<N>``, ``choice`` or ``text``.

    Returns None when that variant cannot be built (for example a generated
    multiple-choice question in a deck of fewer than four terms).
    """
    key = f"{deck.id}/{card.id}/{variant}"
    common = {"key": key, "deck_id": deck.id, "card_id": card.id,
              "source": card.source_text(deck.source), "tags": card.tags}
    if variant.startswith("q") and variant[1:].isdigit():
        index = int(variant[1:])
        if index >= len(card.questions):
            return None
        written = card.questions[index]
        if isinstance(written, ChoiceQuestion):
            options, correct = _shuffled(list(written.choices), written.answer, rng)
            return AskedQuestion(kind="choice", prompt=written.ask, options=options, correct=correct,
                                 accept=(options[correct],), answer=options[correct],
                                 explanation=_explanation(card, written.explain), **common)  # type: ignore[arg-type]
        assert isinstance(written, TextQuestion)
        return AskedQuestion(kind="text", prompt=written.ask, options=(), correct=None,
                             accept=written.accept, answer=written.accept[0],
                             explanation=_explanation(card, written.explain), **common)  # type: ignore[arg-type]
    clue = masked_definition(card)
    if variant == "choice":
        wrong = distractors(card, deck, others, rng=rng)
        if len(wrong) < OPTIONS - 1:
            return None
        options, correct = _shuffled([card.term, *wrong], 0, rng)
        notes = _notes(options, correct, deck, others)
        return AskedQuestion(kind="choice", prompt=f"Which term is this? {clue}", options=options,
                             correct=correct, accept=(card.term,), answer=card.term,
                             explanation=card.definition, notes=notes, **common)  # type: ignore[arg-type]
    if variant == "text":
        return AskedQuestion(kind="text", prompt=f"Name the term: {clue}", options=(), correct=None,
                             accept=card.names, answer=card.term, explanation=card.definition,
                             **common)  # type: ignore[arg-type]
    return None
