"""Shared card rules: names split into term + aliases, slugs, cleaning, a deck that always loads."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.deck.model import Deck, TextQuestion
from bot.deck.notes.draft import (
    Draft,
    NoteError,
    abbreviates,
    build_deck,
    clean_markdown,
    slugify,
    split_name,
)

Reload = Callable[[Deck], Deck]


def test_parenthesised_acronym_becomes_alias() -> None:
    assert split_name("NMS (non-maximum suppression)") == ("Non-maximum suppression", ("NMS",))


def test_acronym_after_dash_becomes_alias() -> None:
    assert split_name("Max Pooling - MAC") == ("Max Pooling", ("MAC",))


def test_acronym_before_dash_gives_the_expansion_as_term() -> None:
    assert split_name("CTC -  Connectionist Temporal Classification") == (
        "Connectionist Temporal Classification", ("CTC",))
    assert split_name("mAP - mean average precision") == ("Mean average precision", ("mAP",))


def test_restatement_in_parentheses_becomes_alias() -> None:
    assert split_name("Cross-Entropy Loss (log loss)") == ("Cross-Entropy Loss", ("log loss",))


@pytest.mark.parametrize(("name", "term"), [
    ("Mixup (Data augmentation technique)", "Mixup"),
    ("Deterministic (lagorithm, process, model, etc..)", "Deterministic"),
    ("Transfer Learning (CNNs)", "Transfer Learning"),
])
def test_parenthesised_qualifier_is_dropped_from_the_term(name: str, term: str) -> None:
    assert split_name(name) == (term, ())


def test_dash_without_an_alias_keeps_the_whole_name() -> None:
    assert split_name("Tensor Sizes - PyTorch") == ("Tensor Sizes - PyTorch", ())
    assert split_name("Encoder-Decoder Architectures") == ("Encoder-Decoder Architectures", ())


def test_abbreviation_needs_its_letters_in_order_from_a_word_start() -> None:
    assert abbreviates("SOD", "Salient object detection")
    assert not abbreviates("CNNs", "Transfer Learning")
    assert not abbreviates("MAC", "Max Pooling")


def test_slug_is_a_lowercase_ascii_id_and_never_empty() -> None:
    assert slugify("Non-maximum suppression") == "non-maximum-suppression"
    assert slugify("Réseau (CNN) / v2!") == "reseau-cnn-v2"
    assert slugify("卷积") == "card"


def test_card_ids_are_unique_within_the_deck(reload: Reload) -> None:
    imported = build_deck([Draft("卷积", "convolution in Chinese"), Draft("池化", "pooling in Chinese")],
                          deck_id="d", title="D", note="n.md")
    assert [c.id for c in imported.deck.cards] == ["card", "card-2"]
    reload(imported.deck)


def test_repeated_term_is_merged_into_the_first_card(reload: Reload) -> None:
    imported = build_deck([Draft("Focal Loss", "down-weights easy examples"),
                           Draft("focal loss", "gamma is the focusing parameter")],
                          deck_id="d", title="D", note="n.md")
    (card,) = imported.deck.cards
    assert card.definition == "down-weights easy examples; gamma is the focusing parameter"
    assert imported.combined == (("'focal loss' repeats the name of card 'focal-loss': "
                                 "its text was added to that card's definition"),)
    reload(imported.deck)


def test_alias_claimed_by_an_earlier_card_is_dropped(reload: Reload) -> None:
    imported = build_deck([Draft("Mean average precision (mAP)", "area under the curve, averaged"),
                           Draft("Mean Absolute Precision (mAP)", "a made-up metric for this test")],
                          deck_id="d", title="D", note="n.md")
    first, second = imported.deck.cards
    assert first.aliases == ("mAP",) and second.aliases == ()
    reload(imported.deck)


def test_draft_without_text_is_reported_as_skipped() -> None:
    imported = build_deck([Draft("Region Proposal Network", ""), Draft("SSD", "single shot detector")],
                          deck_id="d", title="D", note="n.md")
    assert [c.term for c in imported.deck.cards] == ["SSD"]
    assert imported.skipped == ("Region Proposal Network",)


def test_no_card_at_all_is_an_error() -> None:
    with pytest.raises(NoteError, match="no cards found"):
        build_deck([Draft("Empty", "  ")], deck_id="d", title="D", note="n.md")


def test_answer_names_are_kept_verbatim_when_not_split() -> None:
    question = TextQuestion(ask="Best pooling?", accept=("GeM (generalized mean)",))
    imported = build_deck([Draft("GeM (generalized mean)", "Best pooling?", questions=(question,), split=False)],
                          deck_id="d", title="D", note="n.yaml")
    assert imported.deck.cards[0].term == "GeM (generalized mean)"


def test_markdown_cleaning_keeps_link_text_and_code_drops_images() -> None:
    text = "See [the paper](https://x.org/a.pdf) ![fig](f.png) and `a*b*c` with **bold** and *it* <br> &amp; $x_i*y$"
    assert clean_markdown(text) == "See the paper and `a*b*c` with bold and it & $x_i*y$"


def test_very_long_heading_gives_a_card_id_of_at_most_50_characters_still_unique(reload: Reload) -> None:
    heading = "A remarkably long heading about non-maximum suppression in dense object detectors"
    imported = build_deck([Draft(heading, "first meaning of it"), Draft(heading + " revisited", "second meaning"),
                           Draft(heading + " again", "third meaning")], deck_id="d", title="D", note="n.md")
    assert [c.id for c in imported.deck.cards] == [
        "a-remarkably-long-heading-about-non-maximum-suppre",  # 50 characters
        "a-remarkably-long-heading-about-non-maximum-supp-2",  # cut further to make room for the suffix
        "a-remarkably-long-heading-about-non-maximum-supp-3",
    ]
    reload(imported.deck)


def test_deck_id_slug_from_a_long_file_name_is_at_most_40_characters(reload: Reload) -> None:
    from bot.deck.notes.markdown import import_markdown

    stem = "notes-from-the-very-long-study-session-about-detection-and-pooling"
    text = ("## NMS\n\nRemoves duplicate boxes by keeping the most confident one.\n\n"
            "## Dropout\n\nRandomly zeroes activations during training.\n")
    deck = import_markdown(text, f"notes/{stem}.md", stem).deck
    assert deck.id == "notes-from-the-very-long-study-session-a"  # the first 40 characters
    reload(deck)


def test_distinct_names_with_the_same_short_term_are_kept_apart_and_reported(reload: Reload) -> None:
    imported = build_deck([Draft("Bias (statistics)", "the gap between an estimator's mean and the truth"),
                           Draft("Bias (neural networks)", "the offset a layer adds to its weighted sum")],
                          deck_id="d", title="D", note="n.md")
    assert [c.term for c in imported.deck.cards] == ["Bias", "Bias (neural networks)"]
    assert imported.combined == ()
    assert imported.kept_apart == (("'Bias (neural networks)' kept as its own card: 'Bias' is already card 'bias' "
                                   "(from 'Bias (statistics)')"),)
    reload(imported.deck)


def test_placeholder_definitions_are_not_cards_and_are_reported() -> None:
    imported = build_deck([Draft("Curriculum learning", "Be the first to contribute!"),
                           Draft("Epoch", "one full pass over the training set")],
                          deck_id="d", title="D", note="n.md")
    assert [c.term for c in imported.deck.cards] == ["Epoch"]
    assert imported.placeholders == ("Curriculum learning ('Be the first to contribute!')",)
