"""Markdown pipe tables and definition lists: the glossary shapes that used to give 0 cards."""

from __future__ import annotations

from collections.abc import Callable

from bot.deck.model import Card, Deck
from bot.deck.notes.markdown import import_markdown
from bot.deck.notes.tables import cells, glossary_columns

Reload = Callable[[Deck], Deck]


def _cards(text: str) -> dict[str, Card]:
    return {card.term: card for card in import_markdown(text, "notes/g.md", "g").deck.cards}


def test_table_columns_are_found_by_header_names_in_any_order() -> None:
    text = ("| Meaning | Notes | Word |\n|---|---|---|\n"
            "| Scales every gradient step | often 1e-3 | Learning rate |\n"
            "| One pass over all training examples | | Epoch |\n")
    cards = _cards(text)
    assert cards["Learning rate"].definition == "Scales every gradient step"
    assert cards["Epoch"].definition == "One pass over all training examples"


def test_table_without_known_headers_is_a_glossary_by_shape() -> None:
    text = ("| | |\n|:--|:--|\n"
            "| Dropout | Switches random units off during training so none can rely on another |\n"
            "| Weight decay | Adds the squared weights to the loss to keep them small |\n")
    assert sorted(_cards(text)) == ["Dropout", "Weight decay"]


def test_table_that_is_not_a_glossary_stays_text_of_its_section() -> None:
    text = ("## Results\n\n| Model | Top-1 | Params |\n|---|---:|---:|\n| ResNet-50 | 76.1 | 25M |\n"
            "| ViT-B | 77.9 | 86M |\n")
    (card,) = _cards(text).values()
    assert card.term == "Results"
    assert card.definition == "ResNet-50, 76.1, 25M; ViT-B, 77.9, 86M"


def test_escaped_pipe_stays_in_the_cell() -> None:
    assert cells(r"| Norm | the size \|w\| of a vector |") == ["Norm", "the size |w| of a vector"]


def test_acronym_header_is_a_term_column() -> None:
    assert glossary_columns(["Acronym", "Definition"], [["GD", "Gradient descent"]]) == (0, 1)


def test_table_rows_split_names_like_any_other_term(reload: Reload) -> None:
    text = ("| Term | Definition |\n|---|---|\n"
            "| Rectified linear unit (ReLU) | Passes positive inputs and zeroes negative ones |\n"
            "| Learning rate (or step size) | Scales each gradient before the weights move |\n")
    deck = import_markdown(text, "notes/g.md", "g").deck
    assert [(c.term, c.aliases) for c in deck.cards] == [
        ("Rectified linear unit", ("ReLU",)), ("Learning rate", ("step size",))]
    reload(deck)


def test_definition_list_entries_become_cards_and_extra_definitions_stay_apart() -> None:
    text = ("Beam search\n: Keeps the few best partial sequences at each step\n: Wider beams cost more\n\n"
            "Perplexity\n\n: The exponential of the mean negative log-likelihood per token.\n")
    cards = _cards(text)
    assert cards["Beam search"].definition == "Keeps the few best partial sequences at each step; Wider beams cost more"
    assert cards["Perplexity"].definition == "The exponential of the mean negative log-likelihood per token."


def test_table_of_contents_of_anchor_links_is_not_a_card() -> None:
    text = ("# Glossary\n\n## Contents\n\n- [A](#a)\n- [B](#b)\n\n[C](#c) | [D](#d)\n\n## A\n\n"
            "**Adam**\n- An optimiser with per-parameter step sizes from gradient moments\n")
    assert sorted(_cards(text)) == ["Adam"]
