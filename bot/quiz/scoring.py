"""Points for an answer and the leaderboard periods it counts towards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ScoringRules:
    """``points`` for a right answer; up to ``speed_bonus`` more for answering
    early, falling linearly to 0 at the close. Wrong answers score 0."""

    points: int = 10
    speed_bonus: int = 0


def points_for(correct: bool, answered_at: float, opened_at: float, closes_at: float,
               rules: ScoringRules) -> int:
    if not correct:
        return 0
    bonus = 0
    window = closes_at - opened_at
    if rules.speed_bonus and window > 0:
        left = max(0.0, min(1.0, (closes_at - answered_at) / window))
        bonus = round(rules.speed_bonus * left)
    return rules.points + bonus


def week_key(moment: float, tz: ZoneInfo) -> str:
    year, week, _ = datetime.fromtimestamp(moment, tz).isocalendar()
    return f"week:{year}-W{week:02d}"


def month_key(moment: float, tz: ZoneInfo) -> str:
    local = datetime.fromtimestamp(moment, tz)
    return f"month:{local.year}-{local.month:02d}"


def period_keys(moment: float, tz: ZoneInfo, season_id: int | None) -> list[str]:
    """Every leaderboard period an answer at ``moment`` belongs to."""
    keys = ["all", week_key(moment, tz), month_key(moment, tz)]
    if season_id is not None:
        keys.append(f"season:{season_id}")
    return keys


def oldest_kept_periods(now: float, tz: ZoneInfo) -> tuple[str, str]:
    """The oldest week and month whose score rows are kept at ``now``: last week and last month.

    ``/leaderboard`` and the reveals show only the current week and month (seasons and all
    time are kept for ever), so older weeks and months can be deleted. The previous one
    of each is kept too: a round opened before the boundary may close after it (an answer
    window is at most a day) and still adds to its opening period, and a changed
    ``QUIZBOT_TIMEZONE`` moves the boundary by up to a day.
    """
    today = datetime.fromtimestamp(now, tz).date()
    year, week, _ = (today - timedelta(days=7)).isocalendar()
    last_month = today.replace(day=1) - timedelta(days=1)
    return f"week:{year}-W{week:02d}", f"month:{last_month.year}-{last_month.month:02d}"


PERIODS = ("week", "month", "season", "all")


def utc(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, timezone.utc)


def with_hint(points: int) -> int:
    """The points of an answer given after taking a hint: half, rounded down."""
    return points // 2
