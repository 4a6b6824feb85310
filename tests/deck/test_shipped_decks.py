"""The shipped decks in decks/: they load cleanly, never make /define ambiguous,
every card can be asked, and the concepts of the notes can be looked up."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bot.deck.generate import OPTIONS, ask, candidate_keys
from bot.deck.glossary import Glossary
from bot.deck.load import load_deck_file
from bot.deck.model import Deck
from bot.deck.text import match_key

ROOT = Path(__file__).resolve().parents[2]
DECKS_DIR = ROOT / "decks"
DECK_FILES = sorted(p for p in DECKS_DIR.iterdir() if p.suffix in {".yaml", ".yml"})
EXPECTED_DECKS = {"dl-flashcards", "dl-techniques", "understanding-dl-language", "dl-basics"}


def _load_all() -> list[Deck]:
    return [load_deck_file(path)[0] for path in DECK_FILES]


@pytest.fixture(scope="module")
def decks() -> list[Deck]:
    return _load_all()


@pytest.fixture(scope="module")
def glossary(decks: list[Deck]) -> Glossary:
    return Glossary.build(decks)


# --- (1) every file loads with no error and no warning ------------------------


def test_one_deck_per_note() -> None:
    assert {p.stem for p in DECK_FILES} == EXPECTED_DECKS
    for stem in EXPECTED_DECKS:
        assert any((ROOT / "notes").glob(f"{stem}.*")), f"no note for deck {stem}"


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_deck_loads_without_errors_or_warnings(path: Path) -> None:
    deck, warnings = load_deck_file(path)  # raises DeckError on any error
    assert [str(w) for w in warnings] == []
    assert deck.id == path.stem
    assert deck.source == f"notes/{next((ROOT / 'notes').glob(path.stem + '.*')).name}"
    for card in deck.cards:
        assert card.source.note == deck.source, card.id
        assert card.source.heading, f"{card.id} has no source heading"
        assert card.tags, f"{card.id} has no tags"


# --- (2) no name is claimed by two cards across all decks -----------------------


def test_no_term_or_alias_is_claimed_by_two_cards(decks: list[Deck]) -> None:
    owners: dict[str, set[str]] = {}
    compact: dict[str, set[str]] = {}
    for deck in decks:
        for card in deck.cards:
            ident = f"{deck.id}/{card.id}"
            for name in card.names:
                key = match_key(name)
                owners.setdefault(key, set()).add(ident)
                compact.setdefault(key.replace(" ", ""), set()).add(ident)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    clashes |= {k: v for k, v in compact.items() if len(v) > 1}
    assert clashes == {}


def test_card_ids_are_unique_across_decks(decks: list[Deck]) -> None:
    ids = [card.id for deck in decks for card in deck.cards]
    assert len(ids) == len(set(ids))


# --- (3) every card yields a question -----------------------------------------


@pytest.mark.parametrize("path", DECK_FILES, ids=lambda p: p.name)
def test_every_card_can_be_asked(path: Path) -> None:
    everything = _load_all()
    deck = next(d for d in everything if d.path == str(path))
    for card in deck.cards:
        keys = candidate_keys(card, deck)
        assert keys, f"{card.id} offers no question"
        asked = [ask(card, deck, key.rsplit("/", 1)[1], random.Random(0), everything) for key in keys]
        asked = [q for q in asked if q is not None]
        assert asked, f"{card.id} yields no question"
        for q in asked:
            assert q.card_id == card.id and q.prompt
            if q.kind == "choice":
                assert q.correct is not None and 0 <= q.correct < len(q.options)
                assert len(set(q.options)) == len(q.options)
            else:
                assert q.accept
        if len(deck.cards) >= OPTIONS:
            choice = ask(card, deck, "choice", random.Random(0), everything)
            assert choice is not None and choice.kind == "choice", f"{card.id}: no generated choice question"
            assert len(choice.options) == OPTIONS
            assert choice.options[choice.correct or 0] == card.term
            # The prompt must not give the answer away.
            assert card.term.lower() not in choice.prompt.lower(), card.id


def test_enough_hand_written_questions(decks: list[Deck]) -> None:
    with_questions = [c for d in decks for c in d.cards if c.questions]
    assert len(with_questions) >= 25


# --- (4) concepts from the notes are found by /define ----------------------------

CONCEPTS = [
    # dl-flashcards
    ("panoptic segmentation", "panoptic-segmentation"),
    ("semantic segmentation", "image-segmentation"),
    ("transformers", "transformer"),
    ("attention", "attention"),
    ("dropout", "dropout"),
    ("weight decay", "weight-decay"),
    ("L2 regularization", "weight-decay"),
    ("data augmentation", "data-augmentation"),
    ("TTA", "test-time-augmentation"),
    ("test time augmentation", "test-time-augmentation"),
    ("NMS", "nms"),
    ("non max suppression", "nms"),
    ("non-maximum suppression", "nms"),
    ("IoU", "iou"),
    ("discriminative learning rates", "discriminative-learning-rates"),
    ("PCA", "pca"),
    ("deterministic", "deterministic"),
    ("mixup", "mixup"),
    ("FLOPS", "flops"),
    ("FLOPs", "flops"),
    ("encoder-decoder", "encoder-decoder"),
    ("embeddings", "embedding"),
    ("cross entropy", "cross-entropy"),
    ("log loss", "cross-entropy"),
    ("softmax", "softmax"),
    ("CTC", "ctc"),
    ("connectionist temporal classification", "ctc"),
    ("latency", "latency"),
    ("up-convolution", "up-convolution"),
    ("ConvTranspose2d", "up-convolution"),
    ("mAP", "mean-average-precision"),
    ("mean average precision", "mean-average-precision"),
    ("precision", "precision"),
    ("recall", "recall"),
    ("transfer learning", "transfer-learning"),
    ("normalize train/valid sets", "normalize-train-valid"),
    ("skip connections", "skip-connection"),
    # dl-techniques
    ("AlexNet", "alexnet"),
    ("VGG16", "vgg16"),
    ("Inception", "inception"),
    ("ResNet", "resnet"),
    ("DenseNet", "densenet"),
    ("YOLO", "yolo"),
    ("YOLO9000", "yolo2"),
    ("YOLO2", "yolo2"),
    ("YOLOv3", "yolo3"),
    ("R-CNN", "r-cnn"),
    ("Fast R-CNN", "fast-r-cnn"),
    ("faster rcnn", "faster-r-cnn"),
    ("SSD", "ssd"),
    ("Mask RCNN", "mask-r-cnn"),
    ("RetinaNet", "retinanet"),
    ("spatial pyramid pooling", "spatial-pyramid-pooling"),
    ("ROI pooling", "roi-pooling"),
    ("RPN", "region-proposal-network"),
    ("GAP", "global-average-pooling"),
    ("softmax vs sigmoid", "softmax-vs-sigmoid"),
    ("t-SNE", "t-sne"),
    ("tsne", "t-sne"),
    # understanding-dl-language
    ("label smoothing", "label-smoothing"),
    ("temperature scaling", "temperature-scaling"),
    ("tokenization", "tokenization"),
    ("tagging", "tagging"),
    ("lemmatization", "lemmatization"),
    ("named entities", "named-entities"),
    ("word vectors", "word-vectors"),
    ("SOD", "salient-object-detection"),
    ("salient object detection", "salient-object-detection"),
    ("SPoC", "spoc"),
    ("MAC", "max-pooling"),
    ("max pooling", "max-pooling"),
    ("GeM", "gem"),
    ("R-MAC", "r-mac"),
    ("mean pooling", "mean-pooling"),
    ("intermediate level of representation", "intermediate-representation"),
    # dl-basics
    ("gram matrix", "gram-matrix"),
    ("style loss", "style-loss"),
    ("content loss", "content-loss"),
    ("batch norm", "batch-norm"),
    ("BN", "batch-norm"),
    ("batchnorm", "batch-norm"),
    ("batch norm at test time", "batch-norm-test-time"),
    ("vanishing gradients", "vanishing-gradients"),
    ("exploding gradients", "exploding-gradients"),
    ("batch gradient descent", "batch-gradient-descent"),
    ("SGD", "stochastic-gradient-descent"),
    ("mini-batch gradient descent", "mini-batch-gradient-descent"),
    ("exponentially weighted average", "exponentially-weighted-average"),
    ("momentum", "momentum"),
    ("rmsprop", "rmsprop"),
    ("Adam", "adam"),
    ("learning rate decay", "learning-rate-decay"),
    ("focal loss", "focal-loss"),
    # a few typos and near spellings
    ("lematization", "lemmatization"),
    ("rms prop", "rmsprop"),
    ("label smothing", "label-smoothing"),
]


@pytest.mark.parametrize(("query", "card_id"), CONCEPTS, ids=[q for q, _ in CONCEPTS])
def test_concept_is_found(glossary: Glossary, query: str, card_id: str) -> None:
    result = glossary.lookup(query)
    assert result.match is not None, f"{query!r}: no match; suggestions {result.suggestions}"
    assert result.match.card.id == card_id


# --- (5) a question in words finds mean pooling ----------------------------------


def test_robust_to_distractors_finds_mean_pooling(glossary: Glossary) -> None:
    result = glossary.lookup("which pooling is robust to distractors")
    assert result.match is not None
    assert result.match.card.id == "mean-pooling"
    assert result.match.deck.id == "understanding-dl-language"


# --- the real command line ------------------------------------------------------------


def test_cli_define_nms_json() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "define", "nms", "--json", "--decks", "decks"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["query"] == "nms"
    assert data["match"]["card_id"] == "nms"
    assert data["match"]["deck"] == "dl-flashcards"
    assert data["match"]["source"]["note"] == "notes/dl-flashcards.md"


def test_card_written_for_the_deck_says_so_wherever_its_source_is_shown() -> None:
    from bot.deck.library import DeckLibrary

    library = DeckLibrary.load(ROOT / "decks")
    written = [(d, c) for d in library.decks for c in d.cards if not c.from_notes]
    deck, card = written[0]
    assert card.source_text(deck.source).endswith("(written for the deck, not from the notes)")
    question = ask(card, deck, "text", random.Random(0))
    assert question is not None and "written for the deck" in question.source
    from_notes = next(c for c in deck.cards if c.from_notes)
    assert "written for the deck" not in from_notes.source_text(deck.source)
