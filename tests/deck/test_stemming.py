"""Stems for /define's ranked search: plurals, verb forms and British spellings fold together."""

from __future__ import annotations

import pytest

from bot.deck.stemming import americanize, stem


@pytest.mark.parametrize(("british", "american"), [
    ("normalisation", "normalization"),
    ("regularising", "regularizing"),
    ("tokeniser", "tokenizer"),
    ("analysed", "analyzed"),
    ("colour", "color"),
    ("neighbourhood", "neighborhood"),
    ("centre", "center"),
    ("modelling", "modeling"),
    ("catalogue", "catalog"),
])
def test_british_spellings_become_american(british: str, american: str) -> None:
    assert americanize(british) == american


@pytest.mark.parametrize("word", ["four", "hour", "rise", "noise", "basis", "our"])
def test_short_and_unrelated_words_are_left_alone(word: str) -> None:
    assert americanize(word) == word


@pytest.mark.parametrize(("a", "b"), [
    ("boxes", "box"),
    ("regularisation", "regularization"),
    ("normalising", "normalizing"),
    ("embeddings", "embedding"),
    ("neighbours", "neighbor"),
])
def test_plurals_and_spellings_share_a_stem(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_different_words_keep_different_stems() -> None:
    assert stem("dropout") != stem("drop")
    assert stem("recall") != stem("precision")
