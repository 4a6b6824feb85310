"""Points for an answer and the leaderboard periods it counts towards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
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


PERIODS = ("week", "month", "season", "all")


def utc(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, timezone.utc)


def with_hint(points: int) -> int:
    """The points of an answer given after taking a hint: half, rounded down."""
    return points // 2
