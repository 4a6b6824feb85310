"""Points for one answer (base points plus a speed bonus) and the periods it counts towards."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.quiz.scoring import ScoringRules, oldest_kept_periods, period_keys, points_for

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)

RULES = ScoringRules(points=10, speed_bonus=10)
OPENED, CLOSES = 1_000.0, 1_100.0


def test_right_answer_at_the_open_gets_the_full_speed_bonus():
    assert points_for(True, OPENED, OPENED, CLOSES, RULES) == 20


def test_right_answer_at_mid_window_gets_half_the_speed_bonus():
    assert points_for(True, (OPENED + CLOSES) / 2, OPENED, CLOSES, RULES) == 15


def test_right_answer_at_the_close_gets_no_speed_bonus():
    assert points_for(True, CLOSES, OPENED, CLOSES, RULES) == 10


@pytest.mark.parametrize("answered_at", [OPENED, (OPENED + CLOSES) / 2, CLOSES])
def test_wrong_answer_gets_nothing_not_even_a_speed_bonus(answered_at):
    assert points_for(False, answered_at, OPENED, CLOSES, RULES) == 0


def test_no_speed_bonus_when_the_rules_give_none():
    assert points_for(True, OPENED, OPENED, CLOSES, ScoringRules(points=10)) == 10


def test_week_and_month_keys_follow_the_zone_ahead_of_utc_past_midnight():
    moment = datetime(2026, 5, 31, 23, 30, tzinfo=timezone.utc).timestamp()  # Sunday night in UTC
    assert period_keys(moment, ZoneInfo("UTC"), None) == ["all", "week:2026-W22", "month:2026-05"]
    # 01:30 on Monday 1 June in Berlin: a new week and a new month there
    assert period_keys(moment, ZoneInfo("Europe/Berlin"), 3) == ["all", "week:2026-W23", "month:2026-06",
                                                                 "season:3"]


def test_week_and_month_keys_follow_the_zone_behind_utc_before_midnight():
    moment = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc).timestamp()  # Monday 1 June in UTC
    assert period_keys(moment, ZoneInfo("UTC"), None) == ["all", "week:2026-W23", "month:2026-06"]
    # still 22:00 on Sunday 31 May in New York
    assert period_keys(moment, ZoneInfo("America/New_York"), None) == ["all", "week:2026-W22", "month:2026-05"]


def test_last_week_and_last_month_are_the_oldest_kept_across_a_year_boundary():
    monday = datetime(2027, 1, 4, 0, 30, tzinfo=timezone.utc).timestamp()  # ISO 2027-W01; 2026 has a W53
    assert oldest_kept_periods(monday, ZoneInfo("UTC")) == ("week:2026-W53", "month:2026-12")


def test_oldest_kept_periods_follow_the_zone():
    moment = datetime(2026, 6, 1, 2, 0, tzinfo=timezone.utc).timestamp()  # Monday 1 June in UTC
    assert oldest_kept_periods(moment, ZoneInfo("UTC")) == ("week:2026-W22", "month:2026-05")
    # still Sunday 31 May in New York: its week before is W21, its month before April
    assert oldest_kept_periods(moment, ZoneInfo("America/New_York")) == ("week:2026-W21", "month:2026-04")
