"""HTML exports: the same card rules as Markdown, read with the stdlib parser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.deck.model import Card, Deck
from bot.deck.notes.html import import_html

Reload = Callable[[Deck], Deck]


def _basics(notes_dir: Path) -> Deck:
    path = notes_dir / "dl-basics.html"
    return import_html(path.read_text(encoding="utf-8"), "notes/dl-basics.html", path.stem).deck


def _cards(deck: Deck) -> dict[str, Card]:
    return {card.term: card for card in deck.cards}


def test_dl_basics_yields_one_card_per_heading(notes_dir: Path) -> None:
    deck = _basics(notes_dir)
    assert deck.id == "dl-basics" and deck.title == "Basics"
    assert [c.term for c in deck.cards] == [
        "Transfer Learning", "Batch Normalization", "Vanishing/Exploding Gradients", "Optimizers", "Focal Loss"]
    focal = _cards(deck)["Focal Loss"]
    assert focal.source.note == "notes/dl-basics.html" and focal.source.heading == "Focal Loss"
    assert focal.definition.startswith("Main idea: when you predicted p > 0.5")


def test_table_of_contents_and_export_footer_are_not_content(notes_dir: Path) -> None:
    deck = _basics(notes_dir)
    assert not any("StackEdit" in c.definition for c in deck.cards)
    assert not _cards(deck)["Transfer Learning"].definition.startswith("Transfer Learning Batch")


def test_link_only_paragraph_becomes_a_card_link(notes_dir: Path) -> None:
    focal = _cards(_basics(notes_dir))["Focal Loss"]
    assert focal.links == ("https://arxiv.org/pdf/1708.02002.pdf",)
    assert "Paper: Focal Loss for Dense" not in focal.definition


def test_images_are_dropped_code_kept_inline_entities_decoded() -> None:
    deck = import_html("<h2>BN</h2><p>Learn <code>input image</code> <img src='x.png' alt='fig'> "
                       "p &gt; 0.5</p>", "n.html", "n").deck
    assert deck.cards[0].definition == "Learn `input image` p > 0.5"


def test_mixed_section_with_strong_labels_stays_one_card(notes_dir: Path) -> None:
    bn = _cards(_basics(notes_dir))["Batch Normalization"]
    assert "What: normalize layer inputs" in bn.definition
    assert "What" not in _cards(_basics(notes_dir))


def test_strong_lead_paragraphs_become_cards() -> None:
    deck = import_html("<h2>Models</h2><p><strong>YOLO</strong> one-stage detector</p>"
                       "<p><b>SSD</b> single shot detector</p>", "n.html", "n").deck
    assert [(c.term, c.definition, c.source.heading) for c in deck.cards] == [
        ("YOLO", "one-stage detector", "Models"), ("SSD", "single shot detector", "Models")]


def test_definition_list_terms_become_cards_with_aliases() -> None:
    deck = import_html("<dl><dt>NMS (non-maximum suppression)</dt><dd>Removes <em>duplicate</em> boxes.</dd>"
                       "<dt>IoU</dt><dd>Overlap of two boxes.</dd></dl>", "n.html", "n").deck
    assert [(c.term, c.aliases, c.definition) for c in deck.cards] == [
        ("Non-maximum suppression", ("NMS",), "Removes duplicate boxes."), ("IoU", (), "Overlap of two boxes.")]


def test_dl_basics_deck_loads_after_writing(notes_dir: Path, reload: Reload) -> None:
    deck = _basics(notes_dir)
    assert reload(deck) == deck


def test_sub_and_superscripts_read_as_text() -> None:
    deck = import_html("<h2>Weight decay</h2><p>Adds λ‖w‖<sup>2</sup> to the loss, pulling each "
                       "w<sub>i</sub> toward zero.</p>", "n.html", "n").deck
    assert deck.cards[0].definition == "Adds λ‖w‖² to the loss, pulling each wᵢ toward zero."


def test_definition_list_terms_become_cards_and_anchor_lists_are_navigation() -> None:
    deck = import_html("<ul><li><a href='#adam'>Adam</a></li><li><a href='#bias'>Bias</a></li></ul>"
                       "<dl><dt>Adam</dt><dd>Steps scaled by running moments of each gradient.</dd>"
                       "<dt>Bias</dt><dd>The offset a layer adds to its weighted sum.</dd></dl>", "n.html", "n").deck
    assert [(c.term, c.definition) for c in deck.cards] == [
        ("Adam", "Steps scaled by running moments of each gradient."),
        ("Bias", "The offset a layer adds to its weighted sum.")]


def test_pandoc_section_numbers_are_not_part_of_terms() -> None:
    deck = import_html('<h2><span class="header-section-number">1.1</span> Gradient descent</h2>'
                       "<p>Steps against the gradient of the loss.</p>", "n.html", "n").deck
    assert deck.cards[0].term == "Gradient descent" and deck.cards[0].id == "gradient-descent"
