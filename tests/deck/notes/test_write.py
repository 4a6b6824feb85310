"""Deck files written by the importers: plain YAML that the loader accepts, written atomically."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.deck.load import DeckError, load_deck_text
from bot.deck.model import Card, ChoiceQuestion, Deck, Source, TextQuestion
from bot.deck.notes.write import leading_comments, render_checked, render_deck, write_deck

Reload = Callable[[Deck], Deck]

DECK = Deck(
    id="detection", title="Détection d'objets", description="Boxes: finding them.", source="notes/d.md",
    tags=("vision",),
    cards=(
        Card(id="non-maximum-suppression", term="Non-maximum suppression", aliases=("NMS",),
             definition="Keep the most confident box, drop the boxes overlapping it, repeat.",
             source=Source(note="notes/d.md", heading="NMS (non-maximum suppression)"),
             links=("https://example.org/nms",), tags=("detection",), distractors=("Soft-NMS",),
             questions=(ChoiceQuestion(ask="Which box is kept first?", choices=("The most confident", "The largest"),
                                       answer=0, explain="Confidence first."),
                        TextQuestion(ask="Name it.", accept=("NMS", "non-maximum suppression")))),
        Card(id="iou", term="IoU", aliases=("intersection over union",), from_notes=False,
             definition="Area of overlap divided by\narea of union, between 0 and 1."),
    ),
)


def test_rendered_deck_loads_back_equal(reload: Reload) -> None:
    assert reload(DECK) == DECK


def test_keys_follow_the_deck_format_order_and_empty_fields_are_left_out() -> None:
    text = render_deck(DECK)
    assert text.startswith("deck: detection\ntitle: Détection d'objets\n")
    card = text.split("- id: iou\n", 1)[1]
    assert card.splitlines()[0] == "  term: IoU"
    assert "links" not in card and "from_notes: false" in card


def test_multiline_text_is_written_as_a_block_scalar() -> None:
    assert "definition: |-\n    Area of overlap divided by\n    area of union" in render_deck(DECK)


def test_long_definitions_are_not_folded() -> None:
    long = Card(id="x", term="X", definition=" ".join(["word"] * 400))
    text = render_deck(Deck(id="d", title="D", cards=(long,)))
    assert f"definition: {long.definition}\n" in text


def test_render_checked_refuses_a_deck_the_bot_would_not_load() -> None:
    twice = Card(id="same", term="A", definition="first card of two with one id")
    deck = Deck(id="d", title="D", cards=(twice, Card(id="same", term="B", definition="second card, same id")))
    with pytest.raises(DeckError, match="duplicate card id 'same'"):
        render_checked(deck)


def test_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "detection.yaml"
    write_deck(target, "old\n")
    write_deck(target, render_deck(DECK))
    assert load_deck_text(target.read_text(encoding="utf-8"))[0].id == "detection"
    assert [p.name for p in target.parent.iterdir()] == ["detection.yaml"]


def test_text_hash_round_trips_and_a_malformed_one_is_an_error(reload: Reload) -> None:
    card = replace(DECK.cards[0], source=replace(DECK.cards[0].source, text_hash="0123456789ab"))
    deck = replace(DECK, cards=(card, DECK.cards[1]))
    assert reload(deck) == deck
    with pytest.raises(DeckError, match=r"text_hash"):
        load_deck_text(render_deck(deck).replace("0123456789ab", "not a hash"))


def test_leading_comments_are_the_comment_block_before_the_first_key() -> None:
    assert leading_comments("# one\n\n# two\n\ndeck: x\n# not this\n") == "# one\n\n# two\n"
    assert leading_comments("deck: x\n# later\n") == ""
    assert leading_comments("\n\ndeck: x\n") == ""


def test_rewriting_a_deck_file_keeps_its_header_comment(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_text("# Curated by hand: ids are stable.\ndeck: old\n", encoding="utf-8")
    write_deck(path, render_checked(DECK))
    assert path.read_text(encoding="utf-8") == "# Curated by hand: ids are stable.\n" + render_checked(DECK)
    write_deck(path, "# new header\n" + render_checked(DECK))  # a text with its own header is written as is
    assert path.read_text(encoding="utf-8").startswith("# new header\ndeck:")
