"""The game settings: answer windows, session pacing, scoring, time zone, board sizes.

A module of its own, importing nothing of the store or the decks, so that reading
settings (``bot.config``) does not load the quiz core. ``bot.quiz.context``
re-exports :class:`QuizSettings` for the code that already imports it from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.quiz.scoring import ScoringRules


@dataclass(frozen=True)
class QuizSettings:
    """Game defaults; each can be set in quizbot.yaml or the environment (see README)."""

    answer_window_s: int = 600
    session_window_s: int = 45
    session_gap_s: int = 5
    max_session_questions: int = 50
    timezone: str = "UTC"
    scoring: ScoringRules = field(default_factory=ScoringRules)
    allow_change: bool = False
    counter_interval_s: float = 5.0
    leaderboard_size: int = 10
    reveal_leaderboard_size: int = 5
    max_answer_chars: int = 200
    public_url: str = ""
    """Where members open the web pages (``QUIZBOT_PUBLIC_URL``; else ``http://`` and
    ``QUIZBOT_HTTP_ADDR``); empty when no HTTP server runs, which keeps the pages off."""
    review_easy_s: float = 5.0
    """A private review answered right within this many seconds is rated Easy."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
