"""Deck test fixtures: deck files written into a fresh folder under tmp_path."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def write_deck(tmp_path: Path) -> Callable[[str, str], Path]:
    """``write_deck("x.yaml", text)``: the dedented text as a file in ``tmp_path / "decks"``."""
    folder = tmp_path / "decks"
    folder.mkdir()

    def write(name: str, text: str) -> Path:
        path = folder / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
