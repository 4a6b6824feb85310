"""Questions from cards: distractors, shuffling, masking, hand-written questions."""

from __future__ import annotations

import random
from dataclasses import replace

from bot.deck.generate import (
    OPTIONS,
    AskedQuestion,
    ask,
    can_ask,
    candidate_keys,
    distractors,
    masked_definition,
)
from bot.deck.model import Card, ChoiceQuestion, Deck, Source, TextQuestion
from bot.deck.text import match_key


def _card(card_id: str, term: str, definition: str = "", **fields: object) -> Card:
    """A card; without a definition, one whose words are its own (no other card's definition fits it)."""
    stem = card_id.replace("-", "")
    text = definition or " ".join(f"{stem}{word}" for word in ("alpha", "bravo", "charlie", "delta"))
    return Card(id=card_id, term=term, definition=text, **fields)  # type: ignore[arg-type]


def _deck(deck_id: str, *cards: Card) -> Deck:
    return Deck(id=deck_id, title=deck_id.title(), cards=cards)


POOLING = _deck(
    "pooling",
    _card("max-pooling", "Max pooling", "Keeps the largest activation of each window of a feature map.",
          aliases=("MAC", "max pool"), tags=("pooling",)),
    _card("mean-pooling", "Mean pooling", "Averages the activations of each window of a feature map.",
          tags=("pooling",)),
    _card("gem", "GeM", "Generalized mean of the activations, between mean and max.", tags=("pooling",)),
    _card("spoc", "SPoC", "Sum-pooled convolutional features used for image retrieval.",
          tags=("pooling",)),
    _card("dropout", "Dropout", "Randomly zeroes activations during training to regularize."),
    _card("adam", "Adam", "An optimizer with momentum and per-parameter learning rates."),
    _card("softmax", "Softmax", "Turns a vector of scores into probabilities that sum to one."),
)


def test_distractors_never_include_the_answer_or_its_aliases() -> None:
    card = _card("max-pooling", "Max pooling", aliases=("MAC",),
                 distractors=("max-pooling", "Max Poolings", "mac", "Mean pooling"))
    deck = _deck("d", card, _card("mean-pooling", "Mean pooling"), _card("other", "the MAC"))
    wrong = distractors(card, deck)
    assert wrong == ["Mean pooling"]


def test_distractor_that_differs_from_an_alias_only_by_spaces_is_skipped() -> None:
    card = _card("batch-norm", "Batch normalization", aliases=("Batch Norm",),
                 distractors=("BatchNorm", "Layer norm"))
    assert distractors(card, _deck("d", card)) == ["Layer norm"]


def test_distractors_are_never_duplicated_across_decks() -> None:
    card = _card("a", "Alpha", tags=("greek",))
    here = _deck("here", card, _card("b", "Beta", tags=("greek",)))
    there = _deck("there", *(_card(i, term, tags=("greek",)) for i, term in
                             (("b", "beta"), ("betas", "Betas"), ("g", "Gamma"))))
    for seed in range(10):
        wrong = distractors(card, here, [there], rng=random.Random(seed))
        keys = [match_key(w) for w in wrong]
        assert len(keys) == len(set(keys)), wrong
        assert sorted(keys) == ["beta", "gamma"]


def test_hand_picked_distractors_come_first_in_their_order() -> None:
    card = replace(POOLING.cards[0], distractors=("Adam", "Softmax"))
    for seed in range(5):
        wrong = distractors(card, POOLING, rng=random.Random(seed))
        assert wrong[:2] == ["Adam", "Softmax"]
        assert len(wrong) == OPTIONS - 1


def test_distractors_prefer_cards_that_share_a_tag() -> None:
    card = POOLING.cards[0]
    tagged = {"Mean pooling", "GeM", "SPoC"}
    for seed in range(20):
        assert set(distractors(card, POOLING, rng=random.Random(seed))) == tagged


def test_distractors_come_from_the_same_topic_in_other_decks() -> None:
    card = _card("a", "Alpha", tags=("greek",))
    small = _deck("small", card, _card("b", "Beta", tags=("greek",)), _card("x", "Xylophone"))
    other = _deck("other", _card("g", "Gamma", tags=("greek",)), _card("d", "Delta", tags=("greek",)),
                  _card("t", "Trombone"))
    assert sorted(distractors(card, small, [small, other])) == ["Beta", "Delta", "Gamma"]


def test_unrelated_cards_are_never_offered_as_distractors() -> None:
    card = _card("a", "Alpha", tags=("greek",))
    deck = _deck("d", card, _card("b", "Beta", tags=("greek",)), _card("x", "Xylophone"), _card("t", "Trombone"))
    assert distractors(card, deck) == ["Beta"]
    assert ask(card, deck, "choice", random.Random(0)) is None  # three options of its topic, or none


def test_cards_of_one_note_section_are_on_one_topic() -> None:
    section = Source("notes/greek.md", "Letters")
    card = _card("a", "Alpha", source=section)
    deck = _deck("d", card, *(_card(i, t, source=section) for i, t in (("b", "Beta"), ("g", "Gamma"))),
                 _card("x", "Xylophone", source=Source("notes/greek.md", "Instruments")))
    assert sorted(distractors(card, deck)) == ["Beta", "Gamma"]


def test_a_card_with_a_similar_definition_is_on_the_topic() -> None:
    card = _card("relu", "ReLU", "An activation function that keeps positive inputs and zeroes negative inputs.")
    leaky = _card("leaky", "Leaky ReLU", "An activation function like ReLU that lets a small slope through for "
                  "negative inputs.")
    deck = _deck("d", card, leaky, _card("x", "Xylophone"))
    assert distractors(card, deck) == ["Leaky ReLU"]


def test_a_card_whose_definition_also_fits_the_clue_is_never_a_wrong_option() -> None:
    content = _card("content", "Content loss", "The MSE between the feature maps of the two images, for content.",
                    tags=("loss",))
    style = _card("style", "Style loss", "The MSE between the feature maps of the two images, for style.",
                  tags=("loss",))
    deck = _deck("d", content, style, _card("focal", "Focal loss", tags=("loss",)))
    assert distractors(content, deck) == ["Focal loss"]


def test_hand_picked_distractor_whose_definition_fits_the_clue_is_skipped() -> None:
    content = _card("content", "Content loss", "The MSE between the feature maps of the two images.",
                    distractors=("Style loss",))
    style = _card("style", "Style loss", "The MSE between the Gram matrices of the feature maps of the two images.")
    assert distractors(content, _deck("d", content, style)) == []


def test_generated_choice_question_is_reproducible_with_a_seeded_random() -> None:
    card = POOLING.cards[0]
    first = ask(card, POOLING, "choice", random.Random(42))
    again = ask(card, POOLING, "choice", random.Random(42))
    assert first is not None and first == again


def test_generated_choice_question_options_are_shuffled() -> None:
    card = POOLING.cards[0]
    positions = set()
    for seed in range(20):
        q = ask(card, POOLING, "choice", random.Random(seed))
        assert q is not None and q.correct is not None
        assert q.options[q.correct] == card.term == q.answer
        assert len(set(q.options)) == OPTIONS
        positions.add(q.correct)
    assert len(positions) > 1


def test_masked_prompt_does_not_contain_the_term_or_an_alias() -> None:
    card = _card("batch-norm", "Batch Norm",
                 "Batch-norm (BN) rescales activations; batchnorm layers keep running averages.",
                 aliases=("BN",), tags=("pooling",))
    deck = _deck("d", card, *POOLING.cards[:3])
    prompt = masked_definition(card)
    assert prompt == "____ (____) rescales activations; ____ layers keep running averages."
    for variant in ("choice", "text"):
        q = ask(card, deck, variant, random.Random(0))
        assert q is not None
        lowered = q.prompt.lower()
        assert "batch" not in lowered and "bn" not in lowered.split(), q.prompt


def test_generated_text_question_accepts_every_name() -> None:
    card = POOLING.cards[0]
    q = ask(card, POOLING, "text", random.Random(0))
    assert q is not None
    assert (q.kind, q.accept, q.answer, q.options, q.correct) == (
        "text", ("Max pooling", "MAC", "max pool"), "Max pooling", (), None)


def test_choice_question_needs_three_distractors() -> None:
    card = _card("a", "Alpha", tags=("greek",))
    assert ask(card, _deck("d", card, _card("b", "Beta", tags=("greek",)), _card("g", "Gamma", tags=("greek",))),
               "choice", random.Random(0)) is None


def test_clue_masks_every_word_of_the_answer_not_only_the_whole_name() -> None:
    iou = _card("iou", "Intersection over union", "Overlap of two boxes: the area of their intersection "
                "divided by the area of their union.", aliases=("IoU",))
    assert masked_definition(iou) == "Overlap of two boxes: the area of their ____ divided by the area of their ____."


def test_clue_masks_other_forms_of_an_answer_word() -> None:
    card = _card("ti", "Translation invariance", "CNNs are largely invariant to translations of the input image.")
    assert masked_definition(card) == "CNNs are largely ____ to ____ of the input image."


def test_clue_keeps_latex_command_names_and_merges_masked_runs() -> None:
    card = _card("ce", "Cross-entropy loss", "Loss for classes: $-y \\log(p)$ with cross entropy loss terms.",
                 aliases=("log loss",))
    assert masked_definition(card) == "____ for classes: $-y \\log(p)$ with ____ terms."


def test_variant_is_dropped_when_masking_leaves_too_few_words() -> None:
    card = _card("img", "Image segmentation", "Segmenting an image: image segments.")
    assert not can_ask(card, _deck("d", card))


def test_hand_written_choice_question_tracks_its_answer_through_the_shuffle() -> None:
    question = ChoiceQuestion("Which keeps the largest value?", ("mean", "max", "sum", "min"), 1,
                              "Max pooling keeps the largest.")
    card = _card("max-pooling", "Max pooling", questions=(question,),
                 source=Source("notes/p.md", "Pooling"))
    deck = _deck("d", card)
    answers = set()
    for seed in range(10):
        q = ask(card, deck, "q0", random.Random(seed))
        assert q is not None and q.correct is not None
        assert q.options[q.correct] == "max" == q.answer
        assert (q.explanation, q.source, q.key) == (
            "Max pooling keeps the largest.", "notes/p.md § Pooling", "d/max-pooling/q0")
        answers.add(q.correct)
    assert len(answers) > 1


def test_hand_written_text_question_without_explanation_explains_with_the_definition() -> None:
    card = _card("dropout", "Dropout", questions=(TextQuestion("What zeroes activations?", ("dropout",)),))
    q = ask(card, _deck("d", card), "q0", random.Random(0))
    assert q is not None
    assert (q.kind, q.accept, q.explanation) == ("text", ("dropout",), card.definition)


def test_unknown_variant_builds_nothing() -> None:
    card = POOLING.cards[0]
    assert ask(card, POOLING, "q7", random.Random(0)) is None
    assert ask(card, POOLING, "essay", random.Random(0)) is None


def test_card_whose_definition_is_only_its_names_cannot_be_asked() -> None:
    card = _card("cat", "Cat", "Cat (house cat, cats).", aliases=("house cat",))
    deck = _deck("d", card)
    assert not can_ask(card, deck)
    assert candidate_keys(card, deck) == []


def test_candidate_keys_list_hand_written_then_generated() -> None:
    card = _card("dropout", "Dropout", questions=(TextQuestion("What zeroes activations?", ("dropout",)),))
    assert candidate_keys(card, _deck("d", card)) == ["d/dropout/q0", "d/dropout/choice", "d/dropout/text"]


def test_asked_question_survives_a_round_trip_through_a_dict() -> None:
    q = ask(POOLING.cards[0], POOLING, "choice", random.Random(3))
    assert q is not None
    assert AskedQuestion.from_dict(q.as_dict()) == q
