"""Sub/superscripts read as text; list items joined into one definition stay apart."""

from __future__ import annotations

import pytest

from bot.deck.notes.draft import clean_markdown, strip_html
from bot.deck.notes.inline import join_items, render_scripts


@pytest.mark.parametrize(("html", "text"), [
    ("x<sub>i</sub>", "xᵢ"),
    ("x<sup>2</sup>", "x²"),
    ("w<sub>i</sub>x<sub>i</sub> + b", "wᵢxᵢ + b"),
    ("e<sup>-x</sup>", "e⁻ˣ"),
    ("x<sub>q</sub>", "x_q"),
    ("2<sup>n+1</sup>", "2ⁿ⁺¹"),
    ("a<sup>Q K</sup>", "a^(Q K)"),
    ("H<SUB>2</SUB>O", "H₂O"),
])
def test_sub_and_superscripts_become_readable_text(html: str, text: str) -> None:
    assert render_scripts(html) == text


def test_markdown_and_csv_fields_render_scripts_instead_of_gluing_them() -> None:
    assert clean_markdown("the bias of y = w<sub>i</sub>x<sub>i</sub> + b") == "the bias of y = wᵢxᵢ + b"
    assert strip_html("adds λ|w|<sup>2</sup> to the <i>loss</i>") == "adds λ|w|² to the loss"


def test_list_items_are_joined_with_a_separator_unless_they_end_a_sentence() -> None:
    assert join_items(["dropout", "weight decay", "", "data augmentation."]) == \
        "dropout; weight decay; data augmentation."
    assert join_items(["Ends a sentence.", "Next one"]) == "Ends a sentence. Next one"
