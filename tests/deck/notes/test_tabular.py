"""CSV/TSV term,definition tables (Quizlet, Anki): sniffed delimiter, optional header, reported gaps."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.deck.model import Deck
from bot.deck.notes.draft import NoteError
from bot.deck.notes.tabular import import_tabular, looks_tabular, sniff_delimiter

Reload = Callable[[Deck], Deck]


def _pairs(deck: Deck) -> list[tuple[str, str]]:
    return [(c.term, c.definition) for c in deck.cards]


def test_anki_export_honours_its_separator_header_and_ignores_extra_columns(reload: Reload) -> None:
    text = ("#separator:tab\n#html:true\n#tags column:3\nLatency\tThe delay before a transfer begins\tnet\n"
            "Epoch\tOne pass over the <b>whole</b> training set&nbsp;\tbasics\n")
    deck = import_tabular(text, "anki.txt", "anki").deck
    assert _pairs(deck) == [("Latency", "The delay before a transfer begins"),
                            ("Epoch", "One pass over the whole training set")]
    assert reload(deck) == deck


def test_comma_csv_with_header_row_and_quoted_commas() -> None:
    text = 'term,definition\nPCA,"Dimensionality reduction, by projecting on top eigenvectors"\n'
    assert _pairs(import_tabular(text, "q.csv", "q").deck) == [
        ("PCA", "Dimensionality reduction, by projecting on top eigenvectors")]


def test_quizlet_tab_export_with_commas_in_definitions_is_split_on_tabs() -> None:
    text = "Dropout\tRandomly zero units, a regulariser\nMixup\tBlend two images, and their labels\n"
    assert sniff_delimiter(text) == "\t"
    assert _pairs(import_tabular(text, "quizlet.txt", "quizlet").deck)[1] == (
        "Mixup", "Blend two images, and their labels")


def test_semicolon_delimiter_is_sniffed() -> None:
    text = "Front;Back\nReLU;max(0, x)\nGELU;x times the normal CDF of x\n"
    assert _pairs(import_tabular(text, "s.csv", "s").deck) == [
        ("ReLU", "max(0, x)"), ("GELU", "x times the normal CDF of x")]


def test_term_with_acronym_gets_an_alias_like_in_notes() -> None:
    deck = import_tabular("NMS (non-maximum suppression),removes duplicate boxes\n", "q.csv", "q").deck
    assert (deck.cards[0].term, deck.cards[0].aliases) == ("Non-maximum suppression", ("NMS",))


def test_rows_without_a_definition_are_reported_not_carded() -> None:
    imported = import_tabular("SSD,single shot detector\nRetinaNet,\nYOLO\n", "q.csv", "q")
    assert _pairs(imported.deck) == [("SSD", "single shot detector")]
    assert imported.skipped == ("row 2: RetinaNet", "row 3: YOLO")


def test_text_without_pairs_has_no_cards() -> None:
    assert not looks_tabular("just a sentence\nand another one\n")
    with pytest.raises(NoteError, match="no cards found"):
        import_tabular("just a sentence\nand another one\n", "x.csv", "x")
