"""The abbreviation table /define expands (bot/deck/abbreviations.yaml)."""

from __future__ import annotations

from bot.deck.abbreviations import abbreviations, expand


def test_the_shipped_table_expands_the_common_short_forms() -> None:
    table = abbreviations()
    assert table["reg"] == "regularization"
    assert table["bn"] == "batch normalization"
    assert table["lr"] == "learning rate"


def test_an_abbreviation_becomes_its_words_in_place() -> None:
    assert expand(["reg", "effect", "of", "bn"]) == ["regularization", "effect", "of", "batch", "normalization"]


def test_words_that_are_no_abbreviation_are_kept() -> None:
    assert expand(["non", "maximum", "suppression"]) == ["non", "maximum", "suppression"]
    assert expand([]) == []


def test_keys_and_expansions_are_normalised_words() -> None:
    for short, full in abbreviations().items():
        assert short == short.lower() and " " not in short
        assert full == full.lower() and full.strip()
