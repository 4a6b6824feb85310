"""Every question the shipped decks can generate, checked mechanically against the rules of a fair question.

A clue never holds a content word of the answer; options are four distinct names, one of them right;
no wrong option is another right answer (an alias, or a card whose definition also fits the clue);
wrong options come from the card's topic. The pass figures are printed and stated in README.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import Stemmer
import yaml
from rapidfuzz import fuzz

from bot.deck.generate import AskedQuestion, ask, candidate_keys
from bot.deck.library import DeckLibrary
from bot.deck.model import Card, Deck
from bot.deck.text import match_key

ROOT = Path(__file__).resolve().parents[2]
EXPECT = yaml.safe_load((ROOT / "tests" / "data" / "question_quality.yaml").read_text())
STEMMER = Stemmer.Stemmer("english")
# The checker's own list of words that carry no meaning (small on purpose: a miss here fails loudly).
_FUNCTION_TEXT = ("a an the of and or to in on for by with from is are be as at its it this that their "
                  "which what into over than vs not no one two during per about")
FUNCTION_WORDS = set(_FUNCTION_TEXT.split())
SEEDS = range(3)


def stems(text: str) -> set[str]:
    """Stems of the meaningful words; LaTeX command names (``\\log``) are notation, not words."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"\\[A-Za-z]+", " ", text).lower())
    return {STEMMER.stemWord(w) for w in words if len(w) > 1 and w not in FUNCTION_WORDS and not w.isdigit()}


@pytest.fixture(scope="module")
def decks() -> list[Deck]:
    return list(DeckLibrary.load(ROOT / "decks").decks)


def generated(decks: list[Deck]) -> Iterator[tuple[Deck, Card, AskedQuestion]]:
    for deck in decks:
        for card in deck.cards:
            for key in candidate_keys(card, deck):
                variant = key.rsplit("/", 1)[1]
                if variant.startswith("q"):
                    continue  # hand-written: curated by people, checked in test_shipped_decks
                for seed in SEEDS:
                    question = ask(card, deck, variant, random.Random(seed), decks)
                    if question is not None:
                        yield deck, card, question


Generated = list[tuple[Deck, Card, AskedQuestion]]


@pytest.fixture(scope="module")
def questions(decks: list[Deck]) -> Generated:
    return list(generated(decks))


def clue_of(question: AskedQuestion) -> str:
    return question.prompt.split(":", 1)[1] if question.kind == "text" else question.prompt.split("?", 1)[1]


def by_term(decks: list[Deck]) -> dict[str, Card]:
    return {match_key(card.term): card for deck in decks for card in deck.cards}


def test_no_generated_clue_contains_a_content_word_of_its_answer(questions: Generated) -> None:
    leaks = []
    for _, card, question in questions:
        answer_words = set().union(*(stems(name) for name in card.names))
        if shared := answer_words & stems(clue_of(question)):
            leaks.append((card.id, sorted(shared)))
    assert leaks == []


def test_hand_listed_answer_words_never_appear_in_their_clues(questions: Generated) -> None:
    for _, card, question in questions:
        for word in EXPECT["never_in_clue"].get(card.id, []):
            assert not re.search(rf"\b{word}\b", clue_of(question), re.IGNORECASE), (card.id, word)


def test_every_choice_question_has_four_distinct_options_and_one_right_one(questions: Generated) -> None:
    for _, card, question in questions:
        if question.kind != "choice":
            continue
        keys = [match_key(option).replace(" ", "") for option in question.options]
        right = {match_key(name).replace(" ", "") for name in card.names}
        assert len(set(keys)) == 4, question.options
        assert sum(key in right for key in keys) == 1, (card.id, question.options)
        assert question.options[question.correct or 0] == card.term


def test_no_wrong_option_is_a_card_whose_definition_also_fits_the_clue(decks: list[Deck], questions: Generated) -> None:
    cards = by_term(decks)
    for _, card, question in questions:
        for option in question.options:
            other = cards.get(match_key(option))
            if other is None or other.id == card.id:
                continue
            assert option not in EXPECT["never_offered"].get(card.id, []), (card.id, option)
            covered = stems(clue_of(question)) - {"____"}
            assert len(covered & stems(other.definition)) < 0.75 * len(covered), (card.id, option)


def test_hand_listed_topics_bound_the_wrong_options(questions: Generated) -> None:
    for _, card, question in questions:
        allowed = EXPECT["topic_options"].get(card.id)
        if question.kind != "choice" or allowed is None:
            continue
        wrong = [o for o in question.options if o != card.term and o not in card.distractors]
        assert set(wrong) <= set(allowed), (card.id, wrong)


def on_topic(card: Card, option: str, cards: dict[str, Card]) -> bool:
    other = cards.get(match_key(option))
    if option in card.distractors:
        return True
    if other is None:
        return False
    same_section = bool(card.source.heading) and (card.source.note, card.source.heading) == (
        other.source.note, other.source.heading)
    return bool(set(card.tags) & set(other.tags)) or same_section or fuzz.token_set_ratio(
        card.definition, other.definition) >= 45


def test_wrong_options_come_from_the_cards_topic(decks: list[Deck], questions: Generated) -> None:
    cards = by_term(decks)
    verdicts = [on_topic(card, option, cards) for _, card, question in questions
                if question.kind == "choice" for option in question.options if option != card.term]
    share = sum(verdicts) / len(verdicts)
    print(f"\non-topic wrong options: {sum(verdicts)}/{len(verdicts)} = {share:.1%}")
    assert share >= EXPECT["min_on_topic_share"]


def test_every_card_of_the_shipped_decks_still_yields_a_question(decks: list[Deck]) -> None:
    silent = [card.id for deck in decks for card in deck.cards
              if not any(ask(card, deck, key.rsplit("/", 1)[1], random.Random(0), decks)
                         for key in candidate_keys(card, deck))]
    assert silent == []


def shingles(text: str, size: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def test_the_reveal_why_never_repeats_a_generated_clue(questions: Generated) -> None:
    from bot.quiz.why import why

    repeats, empty, count = [], 0, 0
    for _, card, question in questions:
        for wrong in ([i for i in range(len(question.options)) if i != question.correct] or [None]):
            tally = [0] * len(question.options)
            if wrong is not None:
                tally[wrong] = 3
            text = why(question, tally)
            count += 1
            empty += not text
            clue = shingles(clue_of(question))
            # Word for word: most of the clue's six-word runs again. A contrast may share a phrase.
            if clue and len(shingles(text) & clue) >= len(clue) / 2:
                repeats.append((card.id, text[:80]))
    print(f"\nreveal 'Why' lines: {count}, repeating the clue: {len(repeats)}, empty: {empty}")
    assert repeats == []
