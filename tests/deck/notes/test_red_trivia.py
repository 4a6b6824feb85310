"""Red-DiscordBot trivia lists: each question a card whose free-text question accepts the answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.deck.model import Deck, TextQuestion
from bot.deck.notes.draft import NoteError
from bot.deck.notes.red_trivia import import_red_trivia

Reload = Callable[[Deck], Deck]

TRIVIA = """\
AUTHOR: Ada
DESCRIPTION: Deep learning basics.
CONFIG:
  max_score: 10
  delay: 20
Which layer type fixes the vanishing gradient with skip connections?:
- ResNet
- residual network
What does the L in LSTM stand for?:
- Long
Which loss down-weights easy examples?:
- Focal loss
"""


def test_each_question_becomes_a_card_with_a_text_question(reload: Reload) -> None:
    deck = import_red_trivia(TRIVIA, "trivia/dl.yaml", "dl").deck
    first = deck.cards[0]
    assert (first.term, first.aliases) == ("ResNet", ("residual network",))
    assert first.definition == "Which layer type fixes the vanishing gradient with skip connections?"
    assert first.questions == (TextQuestion(
        ask="Which layer type fixes the vanishing gradient with skip connections?",
        accept=("ResNet", "residual network")),)
    assert len(deck.cards) == 3
    assert reload(deck) == deck


def test_meta_keys_are_not_questions_and_describe_the_deck() -> None:
    deck = import_red_trivia(TRIVIA, "dl.yaml", "dl").deck
    assert deck.description == "Deep learning basics. (by Ada)"
    assert not any(c.term in {"AUTHOR", "CONFIG", "DESCRIPTION"} for c in deck.cards)


def test_answers_keep_their_text_exactly_as_written() -> None:
    deck = import_red_trivia("Is ReLU linear for x > 0?:\n- yes\nLatest Python?:\n- 3.10\n"
                             "Year of AlexNet?:\n- 2012\n", "t.yaml", "t").deck
    assert [c.term for c in deck.cards] == ["yes", "3.10", "2012"]


def test_two_questions_with_the_same_answer_share_one_card(reload: Reload) -> None:
    imported = import_red_trivia("Capital of France?:\n- Paris\nCity of the Louvre?:\n- paris\n- Lutetia\n",
                                 "t.yaml", "t")
    (card,) = imported.deck.cards
    assert [q.ask for q in card.questions] == ["Capital of France?", "City of the Louvre?"]
    assert card.questions[1].accept == ("paris", "Lutetia")  # type: ignore[union-attr]
    assert reload(imported.deck) == imported.deck


def test_question_without_answers_is_reported_skipped() -> None:
    imported = import_red_trivia("Unanswered?: []\nAnswered?:\n- Yes indeed\n", "t.yaml", "t")
    assert imported.skipped == ("Unanswered?",)


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"Q?: !!python/object/apply:builtins.open ['{marker}', 'w']\nSafe?:\n- yes\n"
    imported = import_red_trivia(text, "t.yaml", "t")
    assert not marker.exists()
    assert [c.term for c in imported.deck.cards] == ["yes"]


def test_a_quizbot_deck_is_refused() -> None:
    with pytest.raises(NoteError, match="already a quizbot deck"):
        import_red_trivia("deck: x\ntitle: X\ncards: []\n", "x.yaml", "x")


def test_invalid_yaml_is_a_one_line_error() -> None:
    with pytest.raises(NoteError, match=r"^not valid YAML \(line 3\): ") as caught:
        import_red_trivia("Q?:\n- [unclosed\n", "x.yaml", "x")
    assert "\n" not in str(caught.value)


def test_category_prefix_becomes_a_tag_and_leaves_the_question() -> None:
    imported = import_red_trivia("'[Optimisation] Which optimiser keeps a velocity term?':\n- Momentum\n",
                                 "t.yaml", "t")
    (card,) = imported.deck.cards
    assert card.tags == ("optimisation",)
    assert card.definition == "Which optimiser keeps a velocity term?"
    assert [q.ask for q in card.questions] == ["Which optimiser keeps a velocity term?"]


def test_questions_sharing_an_answer_stay_separate_questions_and_are_reported() -> None:
    imported = import_red_trivia("How many moons does Mars have?:\n- Two\n- 2\n"
                                 "How many gates does a GRU have?:\n- two\n", "t.yaml", "t")
    (card,) = imported.deck.cards
    assert card.definition == "How many moons does Mars have?"
    assert [(q.ask, q.accept) for q in card.questions] == [  # type: ignore[union-attr]
        ("How many moons does Mars have?", ("Two", "2")), ("How many gates does a GRU have?", ("two",))]
    assert imported.combined == (("'two' answers more than one question: kept as separate questions of card "
                                 "'two' (a term belongs to one card)"),)
