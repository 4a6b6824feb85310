"""Real-shaped notes (tests/data/notes, see SOURCES.md) imported through the real ``quizbot`` command.

Each file has one shape QA found imported wrong; ``expected.yaml`` pins its card count,
some terms with their aliases, definitions, tags, names that must not become cards, and
report lines. Every written deck must then lint with no error and no warning.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.deck.load import load_deck_file
from bot.deck.model import Deck
from tests.process import quizbot

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "notes"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


def _names(deck: Deck) -> set[str]:
    return {name for card in deck.cards for name in card.names}


def test_corpus_has_six_shapes_each_credited() -> None:
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    assert len(EXPECTED) >= 6
    for name in EXPECTED:
        assert (CORPUS / name).is_file()
        assert f"`{name}`" in sources


@pytest.mark.parametrize("note", sorted(EXPECTED))
def test_note_imports_as_expected_and_lints_clean(note: str, tmp_path: Path) -> None:
    expected = EXPECTED[note]
    out = tmp_path / "deck.yaml"
    done = quizbot("decks", "import", CORPUS / note, "-o", out, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    deck, _ = load_deck_file(out)
    assert len(deck.cards) == expected["cards"], [c.term for c in deck.cards]
    by_term = {card.term: card for card in deck.cards}
    for term, aliases in expected.get("terms", {}).items():
        assert term in by_term, sorted(by_term)
        assert list(by_term[term].aliases) == aliases
    for term, definition in expected.get("definitions", {}).items():
        assert by_term[term].definition == definition
    by_id = {card.id: card for card in deck.cards}
    for card_id, tags in expected.get("tags", {}).items():
        assert list(by_id[card_id].tags) == tags
    for card_id, asks in expected.get("questions", {}).items():
        assert [q.ask for q in by_id[card_id].questions] == asks
    assert not set(expected.get("absent", [])) & _names(deck)
    for line in expected.get("report", []):
        assert line in done.stdout, done.stdout
    lint = quizbot("decks", "lint", out, cwd=ROOT)
    assert lint.returncode == 0, lint.stdout
    assert "0 error(s), 0 warning(s)" in lint.stdout, lint.stdout
