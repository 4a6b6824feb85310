"""Fixtures for the importer tests: the team's real notes and a written-and-reloaded check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.deck.load import load_deck_text
from bot.deck.model import Deck
from bot.deck.notes.write import render_deck

NOTES = Path(__file__).resolve().parents[3] / "notes"

Reload = Callable[[Deck], Deck]


@pytest.fixture
def notes_dir() -> Path:
    """The team's real notes (``notes/`` at the repository root)."""
    return NOTES


def _reload(deck: Deck) -> Deck:
    loaded, _warnings = load_deck_text(render_deck(deck), f"<{deck.id}>")
    return replace(loaded, path="", cards=tuple(replace(card, line=0) for card in loaded.cards))


@pytest.fixture
def reload() -> Reload:
    """Write a deck to YAML and read it back as the bot would (line numbers zeroed for comparison).

    Raises DeckError if it does not load.
    """
    return _reload
