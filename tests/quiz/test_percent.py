"""Whole percentages: half up everywhere; a reveal's shares sum to 100 (largest remainder)."""

import pytest

from bot.quiz import messages as m
from bot.quiz.percent import percent, shares

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)


@pytest.mark.parametrize(("counts", "expected"), [
    ((2, 1), (67, 33)),
    ((1, 1, 1), (34, 33, 33)),
    ((1, 1, 1, 0), (34, 33, 33, 0)),
    ((1, 2, 4), (14, 29, 57)),
    ((1, 1, 1, 1, 1, 1), (17, 17, 17, 17, 16, 16)),
    ((3, 0, 0, 0), (100, 0, 0, 0)),
])
def test_shares_sum_to_exactly_100(counts, expected) -> None:
    assert shares(counts) == expected
    assert sum(shares(counts)) == 100


def test_shares_of_three_options_picked_once_each_no_longer_sum_to_99() -> None:
    assert sum(shares((1, 1, 1))) == 100


def test_shares_of_nothing_are_all_zero() -> None:
    assert shares((0, 0, 0)) == (0, 0, 0)


def test_equal_remainders_go_to_the_larger_count_then_the_earlier_option() -> None:
    assert shares((1, 3, 1, 3)) == (12, 38, 12, 38)  # every remainder is 4/8: the 3s get the two points
    assert shares((1, 1, 1, 1, 1, 1)) == (17, 17, 17, 17, 16, 16)  # equal counts: the earlier options


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (2, 3, 67), (1, 3, 33), (1, 8, 13), (1, 200, 1), (1, 201, 0), (0, 5, 0), (5, 5, 100), (3, 0, 0),
])
def test_percent_rounds_half_up_on_exact_integers(part, whole, expected) -> None:
    assert percent(part, whole) == expected


def test_reveal_share_and_leaderboard_accuracy_agree_on_two_thirds() -> None:
    reveal = m.Reveal(round_id=1, deck_title="D", prompt="?", kind="choice", options=("a", "b"), correct=0,
                      answer="a", explanation="", source="", winners=(), tally=(2, 1), answered=3)
    row = m.LeaderboardRow(1, "alice", 20, 2, 3)
    assert reveal.shares[0] == row.accuracy_percent == 67
