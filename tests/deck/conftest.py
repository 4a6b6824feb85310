"""Builders for deck tests: deck files written into tmp_path, cards and decks in memory."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.deck.model import Card, Deck

WriteDeck = Callable[[str, str], Path]


@pytest.fixture
def write_deck(tmp_path: Path) -> WriteDeck:
    """``write_deck("x.yaml", text)``: the dedented text as a file in a fresh decks dir."""
    folder = tmp_path / "decks"
    folder.mkdir()

    def write(name: str, text: str) -> Path:
        path = folder / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


def card(card_id: str, term: str, definition: str = "", **fields: object) -> Card:
    """A card with a five-word-plus definition unless one is given."""
    text = definition or f"The thing that the notes call {card_id.replace('-', ' ')} in class."
    return Card(id=card_id, term=term, definition=text, **fields)  # type: ignore[arg-type]


def deck(deck_id: str, *cards: Card, title: str = "") -> Deck:
    return Deck(id=deck_id, title=title or deck_id.title(), cards=cards)


@pytest.fixture
def make_card() -> Callable[..., Card]:
    return card


@pytest.fixture
def make_deck() -> Callable[..., Deck]:
    return deck
