"""Markdown notes: headings, bold lead terms and term lists become cards; the rest is definition."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.deck.model import Card, Deck
from bot.deck.notes.markdown import import_markdown, parse_markdown

Reload = Callable[[Deck], Deck]


def _deck(text: str, stem: str = "note") -> Deck:
    return import_markdown(text, f"notes/{stem}.md", stem).deck


def _real(notes_dir: Path, name: str) -> Deck:
    path = notes_dir / name
    return import_markdown(path.read_text(encoding="utf-8"), f"notes/{name}", path.stem).deck


def _cards(deck: Deck) -> dict[str, Card]:
    return {card.term: card for card in deck.cards}


def test_term_list_items_become_cards_and_dash_acronym_an_alias(notes_dir: Path) -> None:
    deck = _real(notes_dir, "understanding-dl-language.md")
    cards = _cards(deck)
    assert cards["Tokenization"].definition.startswith("Split text into individual text building blocks")
    assert cards["Lemmatization"].definition == "Get the base form of a word"
    assert cards["Lemmatization"].source.heading == "NLP"
    assert cards["Max Pooling"].aliases == ("MAC",)
    assert cards["Salient object detection"].aliases == ("SOD",)
    assert "NLP" not in cards  # a heading whose text is all term items is a group, not a card


def test_front_matter_gives_title_description_and_tags(notes_dir: Path) -> None:
    deck = _real(notes_dir, "understanding-dl-language.md")
    assert deck.id == "understanding-dl-language"
    assert deck.title == "Understanding Deep Learning Language Draft"
    assert deck.description == "Understanding Deep Learning Language"
    assert deck.tags == ("technical-terms", "deep-learning")
    assert deck.source == "notes/understanding-dl-language.md"


def test_heading_without_text_is_reported_as_skipped(notes_dir: Path) -> None:
    path = notes_dir / "understanding-dl-language.md"
    imported = import_markdown(path.read_text(encoding="utf-8"), "n.md", "n")
    assert imported.skipped == ("Focal loss",)
    assert "Dealing with data imbalance" not in _cards(imported.deck)


def test_bold_lead_terms_become_cards_under_their_heading(notes_dir: Path) -> None:
    deck = _real(notes_dir, "dl-techniques.md")
    cards = _cards(deck)
    assert cards["AlexNet"].definition == "Lots of ideas. to be added. But too many parameters"
    assert cards["Focal Loss"].source.heading == "Techniques"
    assert cards["Focal Loss"].source.note == "notes/dl-techniques.md"
    assert "Old Models" not in cards and "Techniques" not in cards


def test_single_opening_top_heading_is_the_title_not_a_card(notes_dir: Path) -> None:
    deck = _real(notes_dir, "dl-flashcards.md")
    assert deck.title == "Deep Learning Flashcards"
    assert "Deep Learning Flashcards" not in _cards(deck)


def test_acronym_headings_of_the_flashcards_get_their_expansion_as_term(notes_dir: Path) -> None:
    cards = {card.id: card for card in _real(notes_dir, "dl-flashcards.md").cards}
    assert cards["non-maximum-suppression"].aliases == ("NMS",)
    assert cards["non-maximum-suppression"].source.heading == "NMS (non-maximum suppression)"
    assert cards["connectionist-temporal-classification"].aliases == ("CTC",)
    assert cards["mean-average-precision"].aliases == ("mAP",)
    assert cards["mixup"].term == "Mixup"


@pytest.mark.parametrize("name", ["dl-flashcards.md", "dl-techniques.md", "understanding-dl-language.md"])
def test_every_real_note_makes_a_deck_that_loads(notes_dir: Path, name: str, reload: Reload) -> None:
    deck = _real(notes_dir, name)
    assert reload(deck) == deck


def test_url_only_lines_become_card_links_not_definition() -> None:
    deck = _deck("## Transformers\n\nsource: https://arxiv.org/pdf/1706.03762.pdf\n\n"
                 "Attention-only architecture for seq2seq tasks.\n")
    (card,) = deck.cards
    assert card.links == ("https://arxiv.org/pdf/1706.03762.pdf",)
    assert card.definition == "Attention-only architecture for seq2seq tasks."


def test_fenced_code_is_kept_as_inline_code_and_never_read_as_headings() -> None:
    deck = _deck("## Softmax\n\nNormalised exponential.\n\n```python\n# not a heading\n"
                 "def softmax(v):\n    return v\n```\n")
    (card,) = deck.cards
    assert card.definition == "Normalised exponential. `# not a heading def softmax(v): return v`"


def test_latex_and_inline_code_are_kept_verbatim() -> None:
    deck = _deck("## Cross entropy\n\nbinary: $- (y * log(p) + (1 - y) log(1 - p))$ via `nn.BCELoss`\n")
    assert deck.cards[0].definition == "binary: $- (y * log(p) + (1 - y) log(1 - p))$ via `nn.BCELoss`"


def test_bold_words_inside_a_mixed_section_do_not_split_it() -> None:
    deck = _deck("## Precision vs. Recall\n in words:\n\n **recall** how often yes is found\n\n"
                 " **precision** how often a yes is right\n")
    (card,) = deck.cards
    assert card.term == "Precision vs. Recall"
    assert card.definition == "in words: recall how often yes is found; precision how often a yes is right"


def test_plain_list_stays_in_the_definition_of_its_heading() -> None:
    deck = _deck("## Regularization\n\n  1. dropout\n  2. weight decay\n\n* source: fast.ai\n")
    (card,) = deck.cards
    assert card.definition == "1. dropout; 2. weight decay; source: fast.ai"


def test_indented_and_lazy_lines_continue_a_term_item() -> None:
    deck = _deck("# A\n\ntext\n\n# Terms\n- Tagging: tag the words\nwith their role\n"
                 "- Leveraging features:\n\n    cut the network at some layer\n")
    cards = _cards(deck)
    assert cards["Tagging"].definition == "tag the words with their role"
    assert cards["Leveraging features"].definition == "cut the network at some layer"


def test_bold_term_bullets_are_a_glossary_too() -> None:
    deck = _deck("## Losses\n- **Focal loss**: down-weights easy examples\n- **Dice loss** overlap based\n")
    assert [(c.term, c.definition) for c in deck.cards] == [
        ("Focal loss", "down-weights easy examples"), ("Dice loss", "overlap based")]


def test_broken_front_matter_is_ignored_not_fatal() -> None:
    outline = parse_markdown("---\ntitle: [unclosed\n---\n## Term\n\nIts text here.\n")
    assert outline.title == ""
    assert [s.heading for s in outline.sections] == ["", "Term"]
