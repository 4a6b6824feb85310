"""What a weekly digest says: the channel's week, from its closed rounds.

The week is the calendar week (Monday 00:00 to the next Monday, in the digest's zone) that
holds the moment the digest is made; it counts the answers to rounds of this channel opened
in it and closed by then (a round still open is in next time's figures only if it opened
this week). Board, chart and hardest card come from the same answers, so they agree:

- the board ranks by points, then accuracy, then who reached their total first (as
  ``/leaderboard`` ranks);
- the chart has one bar per member of the board's top :data:`CHART_MEMBERS` on each day, their
  points by the day the answer was given (an answer after Sunday midnight to a Sunday round
  counts on Sunday);
- the hardest card is the card with the lowest share of right answers among cards someone
  got wrong (more answers first on a tie, then the term); a week where every answer was right
  has none;
- streaks are the channel's running streaks (consecutive scheduled rounds right), longest first.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.quiz import messages as m
from bot.quiz.context import Context
from bot.store.digests import WeekAnswer

CHART_MEMBERS = 10
STREAKS_SHOWN = 5


@dataclass(frozen=True)
class Week:
    """Monday 00:00 to the next Monday 00:00 in ``tz``, as epoch seconds, and its days."""

    start: float
    end: float
    tz: ZoneInfo
    first_day: datetime

    @property
    def days(self) -> tuple[str, ...]:
        return tuple(f"{d:%a} {d.day}" for d in (self.first_day + timedelta(days=i) for i in range(7)))

    def day_of(self, moment: float) -> int:
        """0 (Monday) to 6 for a moment inside the week."""
        return datetime.fromtimestamp(moment, self.tz).weekday()

    @property
    def title(self) -> str:
        last = self.first_day + timedelta(days=6)
        first = self.first_day
        return f"Weekly digest: {first:%a} {first.day} {first:%b} - {last:%a} {last.day} {last:%b} {last.year}"


def week_of(moment: float, tz: ZoneInfo) -> Week:
    local = datetime.fromtimestamp(moment, timezone.utc).astimezone(tz)
    monday = (local - timedelta(days=local.weekday())).date()
    first = datetime(monday.year, monday.month, monday.day, tzinfo=tz)
    following = monday + timedelta(days=7)
    end = datetime(following.year, following.month, following.day, tzinfo=tz)
    return Week(first.timestamp(), end.timestamp(), tz, first)


@dataclass
class _Tally:
    name: str
    points: int = 0
    correct: int = 0
    answered: int = 0
    reached_at: float = 0.0
    daily: list[int] = field(default_factory=lambda: [0] * 7)


def _board(answers: list[WeekAnswer], week: Week) -> list[_Tally]:
    tallies: dict[int, _Tally] = {}
    for a in answers:
        tally = tallies.setdefault(a.member_id, _Tally(a.name))
        tally.answered += 1
        tally.correct += int(a.correct)
        tally.points += a.points
        if a.points > 0:
            tally.reached_at = a.answered_at
        tally.daily[week.day_of(min(a.answered_at, week.end - 1))] += a.points  # a Sunday round answered after midnight
    return sorted(tallies.values(),
                  key=lambda t: (-t.points, -(t.correct / t.answered), t.reached_at or float("inf"), t.name))


def _hardest(ctx: Context, answers: list[WeekAnswer]) -> m.HardestCard | None:
    per_card: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for a in answers:
        per_card[a.card_key][0] += int(a.correct)
        per_card[a.card_key][1] += 1
    missed = [(key, right, total) for key, (right, total) in per_card.items() if right < total]
    if not missed:
        return None

    def described(key: str) -> tuple[str, str, str]:
        deck_id, _, card_id = key.partition("/")
        deck = ctx.library.deck(deck_id)
        card = deck.card(card_id) if deck else None
        if deck is None or card is None:
            return card_id, "(no longer in the decks)", deck_id
        return card.term, card.definition, deck.title

    key, right, total = min(missed, key=lambda c: (c[1] / c[2], -c[2], described(c[0])[0].lower()))
    term, definition, deck_title = described(key)
    return m.HardestCard(term, definition, deck_title, right, total)


async def weekly_digest(ctx: Context, channel_id: int, tz: ZoneInfo, chart: bool = True) -> m.WeeklyDigest:
    """The digest of the week holding now, for one channel; the PNG is drawn in a worker
    thread (matplotlib is CPU work and must not stall the clock or the answers)."""
    week = week_of(ctx.clock(), tz)
    answers = await ctx.stores.digests.week_answers(channel_id, week.start, min(week.end, ctx.clock() + 1))
    ranked = _board(answers, week)
    rows = tuple(m.LeaderboardRow(i, t.name, t.points, t.correct, t.answered)
                 for i, t in enumerate(ranked[: ctx.settings.leaderboard_size], 1))
    board = m.Leaderboard("Leaderboard: this week in this channel", rows)
    streaks = tuple(m.StreakLine(s.name, s.current, s.best)
                    for s in await ctx.stores.digests.streaks(channel_id, STREAKS_SHOWN))
    members = tuple(m.MemberWeek(t.name, tuple(t.daily)) for t in ranked[:CHART_MEMBERS])
    digest = m.WeeklyDigest(week.title, board, _hardest(ctx, answers), streaks, week.days, members)
    if not chart or digest.empty:
        return digest
    from bot.quiz.digest_chart import render_chart

    png = await asyncio.to_thread(render_chart, f"Points per day, {week.title[len('Weekly digest: '):]}", week.days,
                                  [(t.name, t.daily) for t in ranked[:CHART_MEMBERS]])
    return m.WeeklyDigest(digest.title, board, digest.hardest, streaks, week.days, members, png,
                          f"weekly-digest-{week.first_day:%Y-%m-%d}.png")
