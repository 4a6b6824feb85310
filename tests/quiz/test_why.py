"""The reveal's "Why": what the question did not already say."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.deck.generate import AskedQuestion
from bot.quiz.why import why

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)

CLUE = "Which term is this? Keeps the largest activation of each window."


def question(key: str, **fields: object) -> AskedQuestion:
    base = AskedQuestion(
        key=key, deck_id="d", card_id="max", kind="choice", prompt=CLUE,
        options=("Max pooling", "Mean pooling", "GeM", "SPoC"), correct=0, accept=("Max pooling",),
        answer="Max pooling", explanation="Keeps the largest activation of each window.", source="notes/p.md",
        notes=("", "Averages each window.", "A power mean between mean and max.", "Sums the feature map."))
    return replace(base, **fields)  # type: ignore[arg-type]


def test_generated_choice_why_contrasts_the_most_picked_wrong_option() -> None:
    assert why(question("d/max/choice"), [5, 1, 4, 0]) == \
        "GeM, the most-picked wrong option, is something else: A power mean between mean and max."


def test_generated_choice_why_without_wrong_picks_names_a_wrong_option_to_tell_apart() -> None:
    assert why(question("d/max/choice"), [5, 0, 0, 0]) == "Not to be confused with Mean pooling: Averages each window."


def test_hand_written_question_keeps_its_written_explanation() -> None:
    written = question("d/max/q0", explanation="The network keeps only the strongest response.")
    assert why(written, [1, 2, 0, 0]) == "The network keeps only the strongest response."


def test_generated_text_why_lists_the_other_accepted_names() -> None:
    text = question("d/max/text", kind="text", options=(), correct=None, notes=(),
                    accept=("Max pooling", "MAC", "max pool"))
    assert why(text) == "Also accepted: MAC, max pool."


def test_generated_text_why_is_empty_when_nothing_is_left_to_add() -> None:
    text = question("d/max/text", kind="text", options=(), correct=None, notes=(), accept=("Max pooling",))
    assert why(text) == ""


def test_a_round_stored_before_notes_existed_still_reveals() -> None:
    old = question("d/max/choice", notes=())
    assert why(old, [1, 1, 0, 0]) == ""
