"""Neutral outbound messages: what the core says, not how a platform shows it.

Each adapter has one renderer that turns these into Block Kit (Slack), embeds
and views (Discord) or plain text (console). Text fields hold raw text from
decks and members; escaping it (so nothing can ping ``@everyone`` or smuggle a
link) is the renderer's job, done in one place per platform.

Card text is made readable here, once for every platform: LaTeX math in a
prompt, an option, an answer, an explanation or a definition is stored in the
message as Unicode text (``$\\alpha$`` -> ``α``, see :mod:`bot.deck.mathtext`),
whoever builds the message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.deck.mathtext import math_to_text
from bot.quiz.percent import percent, shares

LABELS = "ABCDEFGHIJ"
ADMIN_ONLY = "Only admins (Manage Server in Discord, workspace admins in Slack) can {what}."
"""The refusal of an admin action; ``{what}`` names the action."""
STREAK_MEANING = "streak: consecutive scheduled rounds answered right in this channel"
"""What ``/quiz stats`` says a streak counts (sessions and ``/quiz now`` rounds do not)."""


def _readable(message: object, *fields: str) -> None:
    """Rewrite the named text fields of a frozen message with their math as text."""
    for name in fields:
        value = getattr(message, name)
        readable = tuple(map(math_to_text, value)) if isinstance(value, tuple) else math_to_text(value)
        object.__setattr__(message, name, readable)


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
    review: bool = False
    """A private review question (``/quiz review``): ``round_id`` is then the review question's
    id, its buttons carry the review kind of :mod:`bot.quiz.actions` (a click never reaches a
    channel round), there is no deadline (``closes_at`` is unused) and a Stop button ends it."""
    due: int = 0
    """For a review question: how many of the member's cards are due, this one included."""

    def __post_init__(self) -> None:
        _readable(self, "prompt", "options")

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
    def accuracy_percent(self) -> int:
        """Rounded as a reveal rounds its shares (:mod:`bot.quiz.percent`)."""
        return percent(self.correct, self.answered)


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
    deck_id: str = ""
    card_id: str = ""
    """The card asked (for the "Report" button); '' when unknown."""
    link: str = ""
    """The round's result page when the workspace's web pages are on; '' otherwise."""

    def __post_init__(self) -> None:
        _readable(self, "prompt", "options", "answer", "explanation")

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(LABELS[: len(self.options)])

    @property
    def shares(self) -> tuple[int, ...]:
        """Whole percent per option, summing to 100 (largest remainder); empty for free text."""
        return shares(self.tally)

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

    def __post_init__(self) -> None:
        _readable(self, "term")


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

    def __post_init__(self) -> None:
        _readable(self, "term", "aliases", "definition")


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
    def accuracy_percent(self) -> int:
        return percent(self.correct, self.answered)


@dataclass(frozen=True)
class SessionScore:
    name: str
    """The member's display name, raw."""
    correct: int


@dataclass(frozen=True)
class SessionResult:
    """The end of a ``/quiz start N`` session: each player's right answers out of the
    questions asked, best first."""

    asked: int
    scores: tuple[SessionScore, ...]
    """Everyone who answered at least once; ranked by right answers, then points, then
    who finished first. At most the first 20 (see ``players``)."""
    players: int = 0
    """How many answered (may exceed ``len(scores)``)."""
    stopped: bool = False
    """Ended by ``/quiz stop`` before all its questions were asked."""

    @property
    def more(self) -> int:
        return max(0, self.players - len(self.scores))


@dataclass(frozen=True)
class Notice:
    """A short reply: a confirmation, an error or a list.

    ``text`` and ``lines`` are written by the bot and may use formatting (backticks around
    commands). Text a member typed goes in ``said`` and is referred to as ``{0}``, ``{1}``...
    in ``text``: each renderer fills it in with that platform's escaping, so it shows
    literally (see :meth:`filled`). Without ``said``, ``text`` is used as it is.
    """

    text: str
    tone: Literal["info", "ok", "error"] = "info"
    lines: tuple[str, ...] = ()
    said: tuple[str, ...] = ()

    def filled(self, literal: Callable[[str], str], formatted: Callable[[str], str] = str) -> str:
        """``text`` passed through ``formatted``, with each ``said`` through ``literal`` put in."""
        if not self.said:
            return formatted(self.text)
        return formatted(self.text).format(*(literal(part) for part in self.said))


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


@dataclass(frozen=True)
class FileReply:
    """A file for the asking member alone (``/quiz misses``): each adapter delivers it
    privately (a short one as text in the reply, a longer one as an attachment or a file)."""

    filename: str
    content: str
    caption: str
    """One line saying what the file is ("Your 3 missed cards as CSV ...")."""


@dataclass(frozen=True)
class Home:
    """A member's own page (Slack's App Home): where they stand and what to study."""

    name: str
    rank: LeaderboardRow | None
    """Their row on this week's board of the whole workspace; None before their first answer."""
    due: int
    """Cards whose review is due (their spaced-repetition date has passed)."""
    web_link: str | None = None
    """The workspace's web pages, shown only when there is one."""



@dataclass(frozen=True)
class MemberWeek:
    """One member's points on each day of the digest's week (the chart's line)."""

    name: str
    """Raw display name."""
    daily: tuple[int, ...]


@dataclass(frozen=True)
class HardestCard:
    """The card of the week with the lowest share of right answers."""

    term: str
    definition: str
    deck_title: str
    correct: int
    answered: int

    def __post_init__(self) -> None:
        _readable(self, "term", "definition")

    @property
    def percent_right(self) -> int:
        return percent(self.correct, self.answered)


@dataclass(frozen=True)
class StreakLine:
    name: str
    current: int
    best: int


@dataclass(frozen=True)
class WeeklyDigest:
    """A channel's week: its board, the hardest card, running streaks, and a chart of each
    member's points per day (a PNG, rendered once by the core for every platform)."""

    title: str
    """E.g. "Weekly digest: Mon 30 Nov - Sun 6 Dec"."""
    board: Leaderboard
    hardest: HardestCard | None
    streaks: tuple[StreakLine, ...]
    days: tuple[str, ...]
    """The chart's day labels, Monday first ("Mon 30")."""
    members: tuple[MemberWeek, ...]
    """The chart's lines: the week's top members (at most 10), best first."""
    chart_png: bytes = b""
    chart_name: str = "weekly-digest.png"

    @property
    def empty(self) -> bool:
        """Nobody answered a question here this week."""
        return not self.board.rows



Message = (QuestionCard | Reveal | Leaderboard | Definition | DidYouMean | Stats | SessionResult | Notice
           | SlotSkipped | FileReply | WeeklyDigest)


def error(text: str, said: tuple[str, ...] = ()) -> Notice:
    return Notice(text, "error", said=said)


def ok(text: str, lines: tuple[str, ...] = (), said: tuple[str, ...] = ()) -> Notice:
    return Notice(text, "ok", lines, said)
