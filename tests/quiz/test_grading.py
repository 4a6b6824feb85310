"""Free-text grading rules."""

import random
from pathlib import Path

import pytest

from bot.deck.generate import ask, candidate_keys
from bot.deck.library import DeckLibrary
from bot.deck.text import match_key
from bot.quiz.grading import is_correct_choice, is_correct_text, typo_budget

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)

NMS = ("Non-maximum suppression", "NMS")


@pytest.mark.parametrize("given", ["non-maximum suppression", "NON MAXIMUM SUPPRESSION!", "Non maximum suppression."])
def test_case_punctuation_and_hyphens_are_ignored(given):
    assert is_correct_text(given, NMS)


def test_accents_are_ignored():
    assert is_correct_text("réseau", ("reseau",))


def test_leading_article_is_ignored():
    assert is_correct_text("the softmax function", ("softmax function",))


def test_alias_or_acronym_is_accepted():
    assert is_correct_text("nms", NMS)


def test_small_typo_in_long_answer_is_accepted():
    assert is_correct_text("non maximum supression", NMS)


def test_typo_in_answer_of_four_characters_or_fewer_is_refused():
    assert not is_correct_text("adma", ("Adam",))
    assert is_correct_text("adam", ("Adam",))


def test_one_word_never_matches_inside_another_word():
    assert not is_correct_text("air", ("chair",))
    assert not is_correct_text("chair", ("air",))


def test_short_wrong_word_never_matches_long_answer():
    assert not is_correct_text("suppression", NMS)
    assert not is_correct_text("max", ("Max pooling",))


def test_spaces_inside_a_term_do_not_matter():
    assert is_correct_text("batchnorm", ("Batch norm",))


def test_empty_answer_is_wrong():
    assert not is_correct_text("  ", NMS)


def test_typo_budget_grows_with_length():
    assert [typo_budget(n) for n in (4, 5, 8, 9, 14, 15)] == [0, 1, 1, 2, 2, 3]


def test_choice_is_right_only_for_the_correct_index():
    assert is_correct_choice(2, 2)
    assert not is_correct_choice(1, 2)
    assert not is_correct_choice(0, None)


# -- neighbouring concepts are not typos ----------------------------------------

DECKS = Path(__file__).resolve().parents[2] / "decks"


@pytest.fixture(scope="module")
def library() -> DeckLibrary:
    return DeckLibrary.load(DECKS)


@pytest.mark.parametrize(("given", "answer"), [
    ("mean pooling", "Max pooling"),
    ("max pooling", "Mean pooling"),
    ("L2 loss", "L1 loss"),
    ("L1 loss", "L2 loss"),
    ("ReLU", "ReLU6"),
    ("ReLU6", "ReLU"),
    ("conv1d", "conv2d"),
    ("type I error", "type II error"),
    ("type II error", "type I error"),
])
def test_a_neighbouring_concept_is_not_a_typo(given, answer):
    assert not is_correct_text(given, (answer,))


@pytest.mark.parametrize(("given", "deck_id", "card_id"), [
    ("Fast R-CNN", "dl-techniques", "faster-r-cnn"),
    ("YOLOv2", "dl-techniques", "yolo"),
    ("YOLOv3", "dl-techniques", "yolo"),
    ("GeM pooling", "understanding-dl-language", "spoc"),
    ("sum pooling", "understanding-dl-language", "gem"),
    ("Regularization", "dl-flashcards", "weight-decay"),
    ("mean pooling", "understanding-dl-language", "max-pooling"),
    ("max pooling", "understanding-dl-language", "mean-pooling"),
])
def test_another_shipped_card_is_not_accepted(library, given, deck_id, card_id):
    card = library.card(deck_id, card_id)
    assert card is not None
    assert not is_correct_text(given, card.names)
    assert not is_correct_text(given, card.names, rivals=rivals_of(library, deck_id, card_id))


@pytest.mark.parametrize(("given", "accepted"), [
    ("non maximum supression", NMS),
    ("batchnorm", ("Batch norm",)),
    ("the RMSprop!", ("RMSprop",)),
    ("batch normalisaton", ("Batch normalization",)),
    ("batchnormalizaton", ("Batch normalization",)),
    ("batch normalization", ("batchnormalization",)),
    ("stochastic gradient descnet", ("Stochastic gradient descent",)),
    ("VGG 16", ("VGG16",)),
    ("yolo v2", ("YOLOv2",)),
])
def test_typos_and_spacing_are_still_forgiven(given, accepted):
    assert is_correct_text(given, accepted)


@pytest.mark.parametrize(("given", "accepted"), [
    ("maximum suppression", NMS),
    ("batch", ("Batch norm",)),
    ("resnet50", ("ResNet",)),
    ("resnet 18", ("ResNet 50",)),
])
def test_a_missing_word_or_a_changed_number_is_wrong(given, accepted):
    assert not is_correct_text(given, accepted)


def test_an_answer_naming_another_card_is_refused_only_when_rivals_say_so():
    assert is_correct_text("dropuot", ("Dropout",), rivals=lambda _: False)
    assert not is_correct_text("dropuot", ("Dropout",), rivals=lambda _: True)
    assert is_correct_text("dropout", ("Dropout",), rivals=lambda _: True)  # exactly accepted wins


def rivals_of(library: DeckLibrary, deck_id: str, card_id: str):  # type: ignore[no-untyped-def]
    return lambda text: library.glossary.names_other_card(text, deck_id, card_id)


def test_glossary_names_other_card(library):
    assert library.glossary.names_other_card("fast rcnn", "dl-techniques", "faster-r-cnn")
    assert not library.glossary.names_other_card("Faster R-CNN", "dl-techniques", "faster-r-cnn")
    assert not library.glossary.names_other_card("fastr rcnn", "dl-techniques", "faster-r-cnn")
    assert not library.glossary.names_other_card("", "dl-techniques", "faster-r-cnn")


def text_questions(library: DeckLibrary):  # type: ignore[no-untyped-def]
    for deck in library.decks:
        for card in deck.cards:
            for key in candidate_keys(card, deck):
                question = ask(card, deck, key.rsplit("/", 1)[1], random.Random(0), library.decks)
                if question is not None and question.kind == "text":
                    yield question


def test_no_shipped_name_is_accepted_for_another_cards_text_question(library):
    names = [(deck.id, card.id, name) for deck in library.decks for card in deck.cards for name in card.names]
    checked = 0
    for question in text_questions(library):
        own = (question.deck_id, question.card_id)
        accepted = {match_key(a) for a in question.accept}
        rivals = rivals_of(library, *own)
        for deck_id, card_id, name in names:
            if (deck_id, card_id) == own or match_key(name) in accepted:
                continue  # a hand-written question may accept another card's name on purpose
            assert not is_correct_text(name, question.accept, rivals=rivals), (question.key, name)
            if question.key.endswith("/text"):  # generated: grading alone keeps the cards apart
                assert not is_correct_text(name, question.accept), (question.key, name)
            checked += 1
    assert checked > 10_000


def test_every_shipped_name_is_accepted_for_its_own_generated_question(library):
    for question in text_questions(library):
        if question.key.endswith("/text"):
            card = library.card(question.deck_id, question.card_id)
            assert card is not None
            rivals = rivals_of(library, question.deck_id, question.card_id)
            assert all(is_correct_text(name, question.accept, rivals=rivals) for name in card.names)
