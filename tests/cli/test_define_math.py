"""``quizbot define`` prints a card's formulas as readable text; ``--json`` keeps the deck's text."""

from __future__ import annotations

import json
from pathlib import Path

from tests.process import quizbot

DECKS = Path(__file__).resolve().parents[2] / "decks"


def test_define_prints_the_relu_formula_as_text(tmp_path: Path) -> None:
    result = quizbot("define", "relu", "--decks", DECKS, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "The rectified linear unit, max(0, x):" in result.stdout
    assert "$" not in result.stdout and "\\" not in result.stdout


def test_define_json_keeps_the_formula_as_written_in_the_deck(tmp_path: Path) -> None:
    result = quizbot("define", "relu", "--json", "--decks", DECKS, cwd=tmp_path)
    assert r"$\max(0, x)$" in json.loads(result.stdout)["match"]["definition"]
