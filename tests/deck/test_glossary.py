"""/define: exact, alias, acronym, forgiving spelling, typos, did-you-mean, full text, autocomplete."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.deck.glossary import MATCH_SCORE, MAX_QUERY, MAX_SUGGESTIONS, Glossary, QueryTooLong
from bot.deck.library import DeckLibrary
from bot.deck.model import Card, Deck

DECKS_DIR = Path(__file__).resolve().parents[2] / "decks"


def _card(card_id: str, term: str, definition: str, *aliases: str) -> Card:
    return Card(id=card_id, term=term, definition=definition, aliases=aliases)


VISION = Deck("vision", "Vision", (
    _card("nms", "Non-maximum suppression",
          "Keeps the highest scoring box and drops the boxes that overlap it too much.", "NMS"),
    _card("iou", "Intersection over union",
          "The area where two boxes overlap divided by the area they cover together.", "IoU"),
    _card("batch-norm", "Batch normalization",
          "Normalizes activations with the mean and variance of the mini-batch.", "batch norm", "BN"),
    _card("transformer", "Transformer", "An encoder-decoder built from attention layers only."),
    _card("max-pooling", "Max pooling", "Keeps the largest activation of each window."),
    _card("mean-pooling", "Mean pooling",
          "Averages every activation; it is robust to distractors in the background."),
    _card("min-pooling", "Min pooling", "Keeps the smallest activation of each window."),
    _card("sum-pooling", "Sum pooling", "Adds up every activation of each window."),
    _card("embedding", "Embedding", "A learned vector that stands for a discrete item."),
))
NLP = Deck("nlp", "Language", (
    _card("embedding", "Embeddings", "Dense vectors for words, learned with the model."),
    _card("attention", "Attention", "Weights the inputs by their relevance to a query."),
))


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.build([VISION, NLP])


def test_exact_term_is_found(glossary: Glossary) -> None:
    result = glossary.lookup("Transformer")
    assert (result.how, result.match and result.match.card.id) == ("exact", "transformer")


def test_alias_is_found(glossary: Glossary) -> None:
    result = glossary.lookup("batch norm")
    assert (result.how, result.match and result.match.card.id) == ("alias", "batch-norm")


@pytest.mark.parametrize("query", ["NMS", "nms", "N.M.S.", "Nms"])
def test_acronym_is_found_in_any_case_or_punctuation(glossary: Glossary, query: str) -> None:
    result = glossary.lookup(query)
    assert result.match is not None and result.match.card.id == "nms"
    assert result.how == "alias"


@pytest.mark.parametrize(("query", "card_id"), [
    ("NON-MAXIMUM SUPPRESSION", "nms"),
    ("non maximum suppression!", "nms"),
    ("non-maximum suppressions", "nms"),
    ("the transformers", "transformer"),
    ("  intersection   over UNION?? ", "iou"),
    ("batchnorm", "batch-norm"),
    ("batch-norm", "batch-norm"),
])
def test_case_punctuation_hyphens_and_plurals_do_not_matter(
    glossary: Glossary, query: str, card_id: str
) -> None:
    result = glossary.lookup(query)
    assert result.match is not None and result.match.card.id == card_id
    assert result.how in {"exact", "alias"}


@pytest.mark.parametrize(("query", "card_id"), [
    ("non maximun supression", "nms"),
    ("transfomer", "transformer"),
    ("intersecton over union", "iou"),
    ("atention", "attention"),
])
def test_a_typo_still_finds_the_card(glossary: Glossary, query: str, card_id: str) -> None:
    result = glossary.lookup(query)
    assert result.match is not None and result.match.card.id == card_id
    assert result.how == "fuzzy"


def test_an_unsure_query_gets_at_most_three_suggestions(glossary: Glossary) -> None:
    result = glossary.lookup("pooling")  # four pooling cards, none clearly meant
    assert result.match is None
    assert len(result.suggestions) == MAX_SUGGESTIONS
    assert {s.card_id for s in result.suggestions} <= {"max-pooling", "mean-pooling", "min-pooling",
                                                        "sum-pooling"}
    scores = [s.score for s in result.suggestions]
    assert scores == sorted(scores, reverse=True)


def test_suggestions_name_term_deck_card_and_score(glossary: Glossary) -> None:
    result = glossary.lookup("poolng")
    assert result.match is None and result.suggestions
    terms = {c.id: c.term for c in VISION.cards}
    for suggestion in result.suggestions:
        assert suggestion.deck_id == "vision"
        assert suggestion.term == terms[suggestion.card_id]
        assert suggestion.card_id.endswith("-pooling")
        assert 60 <= suggestion.score < 86


def test_a_partly_misspelt_phrase_is_found(glossary: Glossary) -> None:
    result = glossary.lookup("max poolin")
    assert result.match is not None and result.match.card.id == "max-pooling"


def test_a_phrase_with_a_word_no_card_holds_is_only_suggested(glossary: Glossary) -> None:
    result = glossary.lookup("max poolin ops")
    assert result.match is None
    assert result.suggestions[0].card_id == "max-pooling"


def test_words_of_a_definition_find_the_card(glossary: Glossary) -> None:
    result = glossary.lookup("which pooling is robust to distractors")
    assert result.how == "fulltext"
    assert result.match is not None and result.match.card.id == "mean-pooling"


def test_a_term_in_two_decks_matches_the_first_and_suggests_the_other(glossary: Glossary) -> None:
    result = glossary.lookup("embedding")
    assert result.match is not None
    assert (result.match.deck.id, result.match.card.id) == ("vision", "embedding")
    assert [(s.deck_id, s.card_id, s.score) for s in result.suggestions] == [("nlp", "embedding", 100.0)]


@pytest.mark.parametrize("query", ["qwertyuiop zxcvb", "", "   ", "?!", "🙂", "the", "x" * MAX_QUERY])
def test_an_unknown_term_is_a_reply_not_an_exception(glossary: Glossary, query: str) -> None:
    result = glossary.lookup(query)
    assert result.match is None and result.how is None
    assert result.query == query


def test_random_input_never_raises(glossary: Glossary) -> None:
    rng = random.Random(7)
    alphabet = "abcdefghij klmnop-_.,!?'\"()[]{}*/\\éß🙂\t\n0123456789"
    for _ in range(300):
        query = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        glossary.lookup(query)
        glossary.complete(query)


def test_a_query_over_200_characters_is_refused(glossary: Glossary) -> None:
    with pytest.raises(QueryTooLong, match="at most 200 characters"):
        glossary.lookup("x" * (MAX_QUERY + 1))


def test_an_empty_glossary_answers_nothing() -> None:
    empty = Glossary.build([])
    assert empty.lookup("nms").match is None
    assert empty.complete("n") == []
    assert len(empty) == 0


def test_autocomplete_lists_prefix_matches_first(glossary: Glossary) -> None:
    assert glossary.complete("m")[:3] == ["Max pooling", "Mean pooling", "Min pooling"]
    assert glossary.complete("Batch")[0] == "Batch normalization"
    assert glossary.complete("BN") == ["Batch normalization"]


def test_autocomplete_falls_back_to_fuzzy_matches(glossary: Glossary) -> None:
    assert glossary.complete("trasformer") == ["Transformer"]


def test_autocomplete_without_text_lists_terms_alphabetically(glossary: Glossary) -> None:
    assert glossary.complete("", limit=3) == ["Attention", "Batch normalization", "Embedding"]


def test_autocomplete_respects_the_limit(glossary: Glossary) -> None:
    assert len(glossary.complete("pooling", limit=2)) == 2


def test_entry_by_ids_for_did_you_mean_buttons(glossary: Glossary) -> None:
    entry = glossary.entry("nlp", "attention")
    assert entry is not None and entry.card.term == "Attention"
    assert glossary.entry("nlp", "nms") is None


# --- the shipped decks: words of longer terms, two typos, loose full-text hits ------


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return DeckLibrary.load(DECKS_DIR).glossary


@pytest.mark.parametrize(("query", "card_id"), [
    ("sigmoid", "softmax-vs-sigmoid"),
    ("parsing", "dependency-parsing"),
    ("descriptors", "combined-global-descriptors"),
    ("proposals", "region-proposal-network"),
    ("sigmod", "softmax-vs-sigmoid"),
])
def test_a_word_naming_only_one_card_matches_that_card(shipped: Glossary, query: str, card_id: str) -> None:
    result = shipped.lookup(query)
    assert (result.how, result.match and result.match.card.id) == ("fulltext", card_id)


def test_a_word_naming_several_cards_is_only_suggested(glossary: Glossary) -> None:
    result = glossary.lookup("poolings")
    assert result.match is None
    assert {s.card_id for s in result.suggestions} <= {"max-pooling", "mean-pooling", "min-pooling",
                                                       "sum-pooling"}


def test_two_typos_in_a_long_word_still_find_the_card(shipped: Glossary) -> None:
    result = shipped.lookup("nonmaximum supresion")
    found = [result.match.card.id] if result.match else [s.card_id for s in result.suggestions]
    assert found[:1] == ["nms"]


def test_a_fuzzy_match_needs_every_query_word_in_the_name(shipped: Glossary) -> None:
    result = shipped.lookup("dice loss")  # close to the alias "CE loss" as a string, but "dice" is no "ce"
    assert result.match is None
    assert "cross-entropy" in [s.card_id for s in result.suggestions]
    assert all(s.score < MATCH_SCORE for s in result.suggestions)


@pytest.mark.parametrize(("query", "card_id"), [
    ("dice loss", None),
    ("convolutonal neural netwrk", "neural-style-transfer"),
    ("genetic algorithms", "vanishing-gradients"),
])
def test_a_loose_full_text_hit_is_only_suggested(shipped: Glossary, query: str, card_id: str | None) -> None:
    result = shipped.lookup(query)
    assert (result.match, result.how) == (None, None)
    assert result.suggestions
    if card_id is not None:
        assert card_id in [s.card_id for s in result.suggestions]


def test_a_question_naming_the_kind_of_card_matches_by_full_text(shipped: Glossary) -> None:
    result = shipped.lookup("which pooling is robust to distractors")
    assert result.how == "fulltext"
    assert result.match is not None and result.match.card.id == "mean-pooling"


# --- folding, short words, abbreviations, the ranked search's confidence -----------

EXTRA = Deck("extra", "Extra", (
    _card("conv-1x1", "1x1 convolution", "A convolution with a kernel of one pixel that mixes channels."),
    _card("relu", "ReLU", "The rectified linear unit, the maximum of zero and the input."),
    _card("regularization", "Regularization", "Techniques that reduce overfitting."),
    _card("gated-pooling", "Gated pooling", "Mixes two summaries of a window with a learned weight."),
    _card("pooling-gates", "Pooling with learned gates", "Mixes two summaries of a window with a learned weight."),
))


@pytest.fixture(scope="module")
def extra() -> Glossary:
    return Glossary.build([VISION, EXTRA])


@pytest.mark.parametrize("query", ["1×1 convolution", "1✕1 convolution", "１x１ convolution"])
def test_a_multiplication_sign_or_full_width_digit_is_read_plainly(extra: Glossary, query: str) -> None:
    result = extra.lookup(query)
    assert result.match is not None and result.match.card.id == "conv-1x1"


@pytest.mark.parametrize(("query", "card_id"), [("rleu", "relu"), ("rwlu", "relu"), ("nsm", "nms"), ("oiu", "iou")])
def test_a_swap_or_changed_letter_in_a_short_word_finds_the_card(extra: Glossary, query: str, card_id: str) -> None:
    result = extra.lookup(query)
    assert (result.how, result.match and result.match.card.id) == ("fuzzy", card_id)


@pytest.mark.parametrize("query", ["elu", "nm", "rlu"])
def test_a_short_word_a_letter_shorter_is_never_a_match(extra: Glossary, query: str) -> None:
    assert extra.lookup(query).match is None


def test_an_abbreviation_is_expanded(extra: Glossary) -> None:
    result = extra.lookup("reg")
    assert (result.how, result.match and result.match.card.id) == ("abbreviation", "regularization")


def test_a_clear_description_is_promoted_to_a_match(extra: Glossary) -> None:
    result = extra.lookup("what's the thing that keeps the highest scoring box")
    assert (result.how, result.match and result.match.card.id) == ("fulltext", "nms")


def test_british_spelling_and_plural_in_a_description_still_match(glossary: Glossary) -> None:
    result = glossary.lookup("normalises activations with the mini-batch means")
    assert (result.how, result.match and result.match.card.id) == ("fulltext", "batch-norm")


def test_equal_scores_are_ordered_by_how_close_the_term_is(extra: Glossary) -> None:
    result = extra.lookup("gates")  # both cards hold "gate" in their names and the same definition
    assert result.match is None
    assert [s.card_id for s in result.suggestions][:2] == ["gated-pooling", "pooling-gates"]
