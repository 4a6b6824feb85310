"""Neutral outbound messages: what the core says, not how a platform shows it.

Each adapter has one renderer that turns these into Block Kit (Slack), embeds
and views (Discord) or plain text (console). Text fields hold raw text from
decks and members; escaping it (so nothing can ping ``@everyone`` or smuggle a
link) is the renderer's job, done in one place per platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

LABELS = "ABCDEFGHIJ"


@dataclass(frozen=True)
class QuestionCard:
    """An open question in a channel."""

    round_id: int
    deck_title: str
    prompt: str
    kind: Literal["choice", "text"]
    options: tuple[str, ...]
    closes_at: float
    """UTC epoch seconds."""
    answered: int = 0
    position: tuple[int, int] | None = None
    """(n, of) when the round is part of a ``/quiz start N`` session."""

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(LABELS[: len(self.options)])


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    name: str
    points: int
    correct: int
    answered: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class Leaderboard:
    title: str
    """E.g. "This week in this channel"."""
    rows: tuple[LeaderboardRow, ...]
    you: LeaderboardRow | None = None
    """The asking member's own row when it is not among ``rows``."""


@dataclass(frozen=True)
class Reveal:
    """A closed round: the answer, why, and who got it."""

    round_id: int
    deck_title: str
    prompt: str
    kind: Literal["choice", "text"]
    options: tuple[str, ...]
    correct: int | None
    answer: str
    explanation: str
    source: str
    winners: tuple[str, ...]
    """Names of who got it right, fastest first; at most the first 20 (see ``right``)."""
    tally: tuple[int, ...]
    """Answers per option (choice rounds); empty for free text."""
    answered: int
    leaderboard: Leaderboard | None = None
    right: int = 0
    """How many got it right (may exceed ``len(winners)``)."""

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(LABELS[: len(self.options)])

    @property
    def winners_text(self) -> str:
        """"ann, bob and 3 more", or "nobody"; names are raw (renderers escape them first)."""
        if not self.winners:
            return "nobody"
        more = self.right - len(self.winners)
        return ", ".join(self.winners) + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class CardRef:
    term: str
    deck_id: str
    card_id: str


@dataclass(frozen=True)
class Definition:
    """A /define hit."""

    query: str
    term: str
    aliases: tuple[str, ...]
    definition: str
    deck_id: str
    deck_title: str
    card_id: str
    source: str
    links: tuple[str, ...] = ()
    how: str = "exact"
    see_also: tuple[CardRef, ...] = ()


@dataclass(frozen=True)
class DidYouMean:
    """A /define miss, with up to three suggestions (possibly none)."""

    query: str
    suggestions: tuple[CardRef, ...]


@dataclass(frozen=True)
class Stats:
    """``/quiz stats`` for one member."""

    name: str
    answered: int
    correct: int
    points: int
    streak: int
    best_streak: int
    weakest_tags: tuple[tuple[str, int, int], ...]
    """(tag, correct, answered), weakest first."""
    weakest_cards: tuple[tuple[str, int, int], ...]
    """(term, correct, answered), weakest first."""

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class Notice:
    """A short reply: a confirmation, an error or a list."""

    text: str
    tone: Literal["info", "ok", "error"] = "info"
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlotSkipped:
    """A scheduled question that was not asked, told to its channel (no ping): members who
    expected the daily question learn why it did not come."""

    schedule_id: int
    schedule: str
    """The schedule in the words it was given, with its zone ("weekdays 09:30 (Europe/Berlin)")."""
    reason: Literal["channel_busy"]

    @property
    def text(self) -> str:
        why = {"channel_busy": "a question was already open here"}[self.reason]
        return f"Scheduled question skipped (#{self.schedule_id} {self.schedule}): {why}."


Message = QuestionCard | Reveal | Leaderboard | Definition | DidYouMean | Stats | Notice | SlotSkipped


def error(text: str) -> Notice:
    return Notice(text, "error")


def ok(text: str, lines: tuple[str, ...] = ()) -> Notice:
    return Notice(text, "ok", lines)
