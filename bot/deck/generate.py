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

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.deck.model import Card, ChoiceQuestion, Deck, TextQuestion
from bot.deck.text import mask_names, match_key, shorten

PROMPT_LIMIT = 600
_WORD = re.compile(r"\w+")
OPTIONS = 4

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

    def as_dict(self) -> dict[str, object]:
        return {
            "key": self.key, "deck_id": self.deck_id, "card_id": self.card_id, "kind": self.kind,
            "prompt": self.prompt, "options": list(self.options), "correct": self.correct,
            "accept": list(self.accept), "answer": self.answer, "explanation": self.explanation,
            "source": self.source, "tags": list(self.tags),
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
        )


def masked_definition(card: Card) -> str:
    """The definition with the card's own names hidden."""
    return shorten(mask_names(card.definition, card.names), PROMPT_LIMIT)


def can_ask(card: Card, deck: Deck) -> bool:
    """True when at least one question can be made from this card."""
    if card.questions:
        return True
    remaining = _WORD.findall(masked_definition(card).replace("____", " "))
    return len(remaining) >= 3  # words, not punctuation: "____ (____)" leaves nothing to ask from


def distractors(card: Card, deck: Deck, others: Sequence[Deck] = (), count: int = OPTIONS - 1,
                rng: random.Random | None = None) -> list[str]:
    """Up to ``count`` wrong options for ``card``, best candidates first (see module doc)."""
    rng = rng or random.Random(0)
    # Spaces are ignored too: "BatchNorm" is not a wrong option when "Batch Norm" is right.
    taken = {match_key(name).replace(" ", "") for name in card.names}
    out: list[str] = []

    def offer(names: Sequence[str]) -> None:
        for name in names:
            key = match_key(name).replace(" ", "")
            if len(out) >= count or not key or key in taken:
                continue
            taken.add(key)
            out.append(name)

    offer(card.distractors)
    siblings = [c for c in deck.cards if c.id != card.id]
    tagged = [c for c in siblings if set(c.tags) & set(card.tags)]
    untagged = [c for c in siblings if not set(c.tags) & set(card.tags)]
    for group in (tagged, untagged):
        shuffled = list(group)
        rng.shuffle(shuffled)
        offer([c.term for c in shuffled])
    for other in others:
        if other.id == deck.id or len(out) >= count:
            continue
        pool = list(other.cards)
        rng.shuffle(pool)
        offer([c.term for c in pool])
    return out


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
        return AskedQuestion(kind="choice", prompt=f"Which term is this? {clue}", options=options,
                             correct=correct, accept=(card.term,), answer=card.term,
                             explanation=card.definition, **common)  # type: ignore[arg-type]
    if variant == "text":
        return AskedQuestion(kind="text", prompt=f"Name the term: {clue}", options=(), correct=None,
                             accept=card.names, answer=card.term, explanation=card.definition,
                             **common)  # type: ignore[arg-type]
    return None
