"""Lint warnings for cards that read like an import gone wrong (bot/deck/lint_rules.py)."""

from __future__ import annotations

import textwrap

import pytest

from bot.deck.lint_rules import is_placeholder
from bot.deck.load import load_deck_text

CLEAN = [
    ("Dropout", "Switches random units off during training so none can rely on another."),
    ("Weight decay", "Adds the squared weights to the loss, which keeps the weights small."),
    ("Batch normalization", "Normalises each activation over the mini-batch with a learned gain and shift."),
    ("Epoch", "One full pass of training over every example in the training set."),
]


def _warnings(*cards: tuple[str, str]) -> list[str]:
    body = "".join(
        f"  - id: card-{i}\n    term: {term!r}\n    definition: {definition!r}\n" for i, (term, definition) in
        enumerate(cards))
    _deck, warnings = load_deck_text(textwrap.dedent("deck: d\ntitle: D\ncards:\n") + body, "d.yaml")
    return [f"{w.field}: {w.message}" for w in warnings]


def test_clean_cards_get_no_warning() -> None:
    assert _warnings(*CLEAN) == []


@pytest.mark.parametrize("text", ["TODO", "TBD.", "Be the first to contribute!", "coming soon", "...", "",
                                  "To be written", "(placeholder)"])
def test_placeholders_are_recognised(text: str) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize("text", ["Todo lists are not a deep-learning term at all.", "None of the units fire."])
def test_real_definitions_are_not_placeholders(text: str) -> None:
    assert not is_placeholder(text)


def test_placeholder_definition_is_warned() -> None:
    (warning,) = [w for w in _warnings(*CLEAN, ("Curriculum learning", "Be the first to contribute!"))
                  if "placeholder" in w]
    assert warning.startswith("cards[4].definition: definition 'Be the first to contribute!' is a placeholder")


def test_definition_that_runs_other_terms_together_is_warned() -> None:
    warnings = _warnings(*CLEAN, ("Regularization", "Methods: dropout weight decay batch normalization"))
    assert any(w.startswith("cards[4].definition: definition runs other cards' terms together "
                            "(dropout weight decay batch normalization)") for w in warnings)


def test_terms_listed_with_separators_are_not_a_glued_list() -> None:
    assert _warnings(*CLEAN, ("Regularization", "Methods such as dropout, weight decay and batch normalization.")) \
        == []


def test_term_starting_with_a_section_number_is_warned() -> None:
    warnings = _warnings(*CLEAN, ("1.1 Gradient descent", "Steps against the gradient of the loss each update."))
    assert ("cards[4].term: term '1.1 Gradient descent' starts with a number; is it a section number left "
            "from the notes?") in warnings


def test_term_like_1x1_convolution_is_not_a_section_number() -> None:
    assert _warnings(*CLEAN, ("1x1 convolution", "A convolution that mixes channels at each pixel only.")) == []


@pytest.mark.parametrize(("definition", "markup"), [
    ("Scores each **token** against every other token in the sequence.", "**"),
    ("Turns the scores z<sub>i</sub> into probabilities that sum to one.", "<sub>"),
    ("Scales the gradient<br> before the weights move each step.", "<br>"),
])
def test_raw_markup_in_a_definition_is_warned(definition: str, markup: str) -> None:
    warnings = _warnings(*CLEAN, ("Softmax", definition))
    assert f"cards[4].definition: holds raw markup {markup!r}; write the text as it should read" in warnings


def test_markup_inside_code_or_math_is_not_raw_markup() -> None:
    assert _warnings(*CLEAN, ("Power", "Written `x**2` in Python and $x^{<2>}$ in the slides.")) == []
