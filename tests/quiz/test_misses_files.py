"""The misses file formats: Anki/Quizlet CSV and a YAML deck, from missed cards."""

from __future__ import annotations

import csv
import io

import pytest
import yaml

from bot.deck.load import load_deck_text
from bot.deck.model import Card
from bot.quiz.misses import Miss
from bot.quiz.misses_files import to_csv, to_yaml

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)


def miss(card_id: str, term: str, definition: str, tags: tuple[str, ...] = (), deck: str = "dl",
         aliases: tuple[str, ...] = ()) -> Miss:
    card = Card(card_id, term, definition, aliases=aliases, tags=tags)
    return Miss(deck, card_id, term, definition, tags, 1.0, 0, 1, card)


def rows(text: str) -> list[list[str]]:
    return [r for r in csv.reader(io.StringIO(text)) if not r[0].startswith("#")]


def test_csv_starts_with_the_header_lines_anki_reads_as_import_settings() -> None:
    text = to_csv([miss("relu", "ReLU", "max(0, x) of its input, elementwise")])
    assert text.splitlines()[:4] == ["#separator:comma", "#html:false", "#columns:front,back,tags", "#tags column:3"]


def test_csv_shows_math_as_text_and_tags_without_spaces() -> None:
    text = to_csv([miss("sigmoid", "Sigmoid", r"Squashes a value into $(0, 1)$ with $\sigma(x)$, smooth",
                        tags=("activation functions",))])
    [[front, back, tags]] = rows(text)
    assert front == "Sigmoid" and "σ(x)" in back and "$" not in back
    assert tags == "dl activation_functions"


def test_yaml_keeps_one_card_per_term_and_unique_ids_so_it_loads_without_errors() -> None:
    missed = [miss("nms", "NMS", "Removes duplicate boxes by keeping the most confident one", deck="a"),
              miss("nms", "Non-maximum suppression", "Keeps the best box and drops the overlapping ones",
                   deck="b", aliases=("NMS",)),
              miss("nms", "nms", "The same term again in a third deck of the team", deck="c")]
    text = to_yaml(missed, "Zoë O'Neil")
    deck, problems = load_deck_text(text, "misses.yaml")
    assert deck is not None and [p for p in problems if p.severity == "error"] == []
    data = yaml.safe_load(text)
    assert data["deck"] == "misses-zoe-o-neil"
    assert [c["id"] for c in data["cards"]] == ["nms", "nms-2"]
    assert "aliases" not in data["cards"][1]  # NMS is the first card's term already


def test_yaml_leaves_out_a_term_that_differs_from_a_kept_one_only_by_its_spaces() -> None:
    missed = [miss("batch-norm", "Batch Norm", "Normalizes a layer's inputs over the batch", deck="a"),
              miss("batchnorm", "BatchNorm", "The same idea, written as one word in another deck", deck="b"),
              miss("ln", "Layer norm", "Normalizes over the features", deck="c", aliases=("LayerNorm", "LN"))]
    text = to_yaml(missed, "ann")
    deck, problems = load_deck_text(text, "misses.yaml")
    assert deck is not None and [p for p in problems if p.severity == "error"] == []
    cards = yaml.safe_load(text)["cards"]
    assert [c["term"] for c in cards] == ["Batch Norm", "Layer norm"]
    assert cards[1]["aliases"] == ["LN"]  # LayerNorm is the term without its space
