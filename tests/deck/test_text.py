"""Text normalisation: one idea of "the same words" for validation, /define and grading."""

from __future__ import annotations

import pytest

from bot.deck.text import mask_names, match_key, normalize, shorten, singular, strip_accents


def test_strip_accents_keeps_the_letters() -> None:
    assert strip_accents("Réseau à déconvolution") == "Reseau a deconvolution"


@pytest.mark.parametrize(("text", "expected"), [
    ("Non-Maximum  Suppression!", "non maximum suppression"),
    ("  ConvTranspose2d  ", "convtranspose2d"),
    ("train/valid_sets", "train valid sets"),
    ("Réseau", "reseau"),
    ("STRASSE", "strasse"),
    ("Straße", "strasse"),
    ("?!", ""),
])
def test_normalize_folds_case_accents_punctuation_and_hyphens(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("embeddings", "embedding"),
    ("probabilities", "probability"),
    ("patches", "patch"),
    ("boxes", "box"),
    ("loss", "loss"),
    ("bias", "bias"),
    ("focus", "focus"),
    ("gas", "gas"),
    ("nms", "nms"),
])
def test_singular_folds_plain_plurals_only(word: str, expected: str) -> None:
    assert singular(word) == expected


def test_match_key_drops_a_leading_article_and_plurals() -> None:
    assert match_key("The Word-Embeddings") == match_key("word embedding") == "word embedding"


def test_match_key_keeps_a_lone_article() -> None:
    assert match_key("A") == "a"


@pytest.mark.parametrize(("text", "names", "expected"), [
    ("Batch norm rescales activations.", ("Batch Norm",), "____ rescales activations."),
    ("batch-norm and batchnorm", ("Batch Norm",), "____ and ____"),
    ("Two embeddings, one EMBEDDING.", ("embedding",), "Two ____, one ____."),
    ("Probabilities sum to one.", ("probability",), "____ sum to one."),
    ("NMS keeps the best box (non-maximum suppression).", ("NMS", "non-maximum suppression"),
     "____ keeps the best box (____)."),
    ("R-CNN, RCNN and Fast R-CNN", ("R-CNN",), "____, ____ and Fast ____"),
])
def test_mask_names_hides_every_spelling_of_a_name(
    text: str, names: tuple[str, ...], expected: str
) -> None:
    assert mask_names(text, names) == expected


def test_mask_names_leaves_longer_words_alone() -> None:
    assert mask_names("Normalization is not a norm.", ("norm",)) == "Normalization is not a ____."


def test_mask_names_respects_punctuation_inside_a_name() -> None:
    assert mask_names("C++ is not C.", ("C++",)) == "____ is not C."


def test_mask_names_ignores_one_letter_names() -> None:
    assert mask_names("x marks the spot", ("x",)) == "x marks the spot"


def test_mask_names_masks_the_longest_name_first() -> None:
    assert mask_names("Mean average precision", ("precision", "mean average precision")) == "____"


def test_shorten_cuts_on_a_word_boundary_with_an_ellipsis() -> None:
    assert shorten("one two three four", 12) == "one two…"
    assert shorten("  one   two ", 20) == "one two"
