"""LaTeX math in card text as readable Unicode (bot/deck/mathtext.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.deck.load import load_deck_file
from bot.deck.mathtext import math_to_text

ROOT = Path(__file__).resolve().parents[2]


def test_greek_letter_becomes_its_unicode_character():
    assert math_to_text(r"learning rate $\alpha$.") == "learning rate α."


def test_named_function_loses_its_backslash():
    assert math_to_text(r"The rectified linear unit, $\max(0, x)$: its gradient") == \
        "The rectified linear unit, max(0, x): its gradient"


def test_superscripts_become_unicode_superscripts():
    assert math_to_text("$x^2$") == "x²"
    assert math_to_text("$G = F F^T$") == "G = F Fᵀ"


def test_subscripts_become_unicode_subscripts():
    assert math_to_text(r"$W_i = W_{i-1} - \alpha \frac{d}{dW} J(W)$") == "Wᵢ = Wᵢ₋₁ - α d/dW J(W)"


def test_script_without_unicode_form_keeps_its_marker_and_brackets():
    assert math_to_text(r"$y_{o,c}$ and $x^{1/p}$") == "y_(o,c) and x^(1/p)"


def test_fraction_of_single_terms_is_a_slash():
    assert math_to_text(r"$\frac{a}{b}$") == "a/b"


def test_fraction_of_sums_keeps_brackets_so_the_meaning_stays():
    assert math_to_text(r"$\text{Precision} = \frac{tp}{tp+fp}$") == "Precision = tp/(tp+fp)"


def test_parenthesis_and_display_delimiters_are_math_too():
    assert math_to_text(r"\(x^2\) and $$\beta$$ and \[\gamma\]") == "x² and β and γ"


def test_text_without_math_comes_back_as_the_same_object():
    text = "100% sure_ok, no formulas"
    assert math_to_text(text) is text


def test_prose_around_a_formula_is_left_as_written():
    assert math_to_text(r"100% of snake_case and $\alpha$") == "100% of snake_case and α"


def test_dollar_amounts_are_not_taken_for_math():
    assert math_to_text("costs 5$ and 6$ or $ 7 $") == "costs 5$ and 6$ or $ 7 $"


def test_converted_text_converts_to_itself():
    once = math_to_text(r"$\alpha = 0.95^{\text{epoch}} \alpha_0$")
    assert math_to_text(once) == once


@pytest.mark.parametrize("path", sorted((ROOT / "decks").glob("*.yaml")), ids=lambda p: p.name)
def test_every_formula_in_the_shipped_decks_reads_as_text(path: Path):
    deck, _ = load_deck_file(path)
    for card in deck.cards:
        shown = math_to_text(card.definition)
        assert "$" not in shown and "\\" not in shown, (card.id, shown)
