"""Wrapping around names in real notes: section numbers, step labels, a suffix every name shares."""

from __future__ import annotations

import pytest

from bot.deck.notes.draft import Draft, build_deck, split_name
from bot.deck.notes.names import is_step_label, shared_suffix, strip_section_number, strip_suffix


@pytest.mark.parametrize(("name", "term"), [
    ("1.1 Gradient descent", "Gradient descent"),
    ("2. Momentum", "Momentum"),
    ("3 Cosine annealing", "Cosine annealing"),
    ("1x1 convolution", "1x1 convolution"),
    ("2024", "2024"),
])
def test_section_number_is_taken_off_a_name(name: str, term: str) -> None:
    assert strip_section_number(name) == term


@pytest.mark.parametrize("name", ["s1", "S2:", "Step 3", "step 4:", "stage 2"])
def test_step_labels_are_recognised(name: str) -> None:
    assert is_step_label(name)


@pytest.mark.parametrize("name", ["Softmax", "Step function", "s-curve", "SGD"])
def test_terms_are_not_step_labels(name: str) -> None:
    assert not is_step_label(name)


def test_suffix_shared_by_every_name_is_found_from_its_separator() -> None:
    names = ["Epoch - definition", "Batch size - definition", "Long short-term memory (LSTM) - definition"]
    assert shared_suffix(names) == " - definition"
    assert shared_suffix(["Bias (ML)", "Variance (ML)", "Dropout (ML)"]) == " (ML)"


def test_names_that_merely_end_alike_share_no_suffix() -> None:
    assert shared_suffix(["Batch normalization", "Layer normalization", "Group normalization"]) == ""
    assert shared_suffix(["Bias (ML)", "Variance (ML)"]) == ""  # two names are not a convention
    assert shared_suffix(["Bias (ML)", "Variance (ML)", "Dropout"]) == ""


def test_strip_suffix_leaves_other_names_alone() -> None:
    assert strip_suffix("Epoch - definition", " - definition") == "Epoch"
    assert strip_suffix("Epoch", " - definition") == "Epoch"


@pytest.mark.parametrize(("name", "expected"), [
    ("Learning rate (or step size)", ("Learning rate", ("step size",))),
    ("Residual connection (aka skip connection)", ("Residual connection", ("skip connection",))),
    ("Dropout (or dilution, or DropConnect)", ("Dropout", ("dilution", "DropConnect"))),
    ("Gated recurrent unit (GRU)", ("Gated recurrent unit", ("GRU",))),
    ("Generative model (GenAI)", ("Generative model", ("GenAI",))),
    ("1.2 Byte pair encoding (BPE)", ("Byte pair encoding", ("BPE",))),
])
def test_other_names_and_acronyms_in_parentheses_become_aliases(
        name: str, expected: tuple[str, tuple[str, ...]]) -> None:
    assert split_name(name) == expected


def test_suffix_shared_by_the_whole_file_comes_off_before_names_are_split() -> None:
    imported = build_deck([Draft("Bias (ML)", "the offset a layer adds to its weighted sum"),
                           Draft("Gated recurrent unit (GRU) (ML)", "a recurrent cell with two gates"),
                           Draft("Variance (ML)", "how much predictions change with the training set")],
                          deck_id="d", title="D", note="n.csv")
    assert [(c.term, c.aliases) for c in imported.deck.cards] == [
        ("Bias", ()), ("Gated recurrent unit", ("GRU",)), ("Variance", ())]
    assert imported.suffix == " (ML)"


def test_step_labels_are_not_cards_and_are_reported() -> None:
    imported = build_deck([Draft("s1", "compute the loss on a batch"), Draft("Epoch", "one pass over the data")],
                          deck_id="d", title="D", note="n.md")
    assert [c.term for c in imported.deck.cards] == ["Epoch"]
    assert imported.not_cards == ("s1 (a step label, not a term)",)
