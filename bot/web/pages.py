"""What each page shows, gathered from the core and the store; no HTTP here.

Each function takes the workspace the link names and returns plain values for a template,
or None when the thing asked for is not in that workspace (the caller answers 404).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.deck.generate import AskedQuestion
from bot.deck.mathtext import math_to_text
from bot.deck.model import Card, Deck
from bot.quiz import messages as m
from bot.quiz.context import Context
from bot.quiz.percent import percent, shares
from bot.quiz.standings import period_key

HIDDEN = "(hidden)"
PERIODS = (("week", "This week"), ("month", "This month"), ("season", "This season"), ("all", "All time"))
BOARD_SIZE = 50


@dataclass(frozen=True)
class Board:
    """One scope's leaderboard: ``scope`` is ``server``, ``channel-<id>`` or ``group-<id>``."""

    scope: str
    title: str
    period: str
    rows: tuple[m.LeaderboardRow, ...]


@dataclass(frozen=True)
class Scope:
    scope: str
    title: str


@dataclass(frozen=True)
class CardView:
    card: Card
    correct: int
    answered: int

    @property
    def accuracy(self) -> int | None:
        return percent(self.correct, self.answered) if self.answered else None


@dataclass(frozen=True)
class OptionView:
    label: str
    text: str
    count: int
    share: int
    right: bool


@dataclass(frozen=True)
class RoundView:
    round_id: int
    deck_title: str
    prompt: str
    answer: str
    explanation: str
    source: str
    options: tuple[OptionView, ...]
    answered: int
    right: int
    winners: tuple[str, ...]

    @property
    def share_right(self) -> int:
        return percent(self.right, self.answered)


async def scopes(ctx: Context, workspace: str) -> list[Scope]:
    """Every board of the workspace: the server, each channel that played, each study group."""
    found = [Scope("server", "Whole server")]
    found += [Scope(f"channel-{c.id}", f"Channel {n}")
              for n, c in enumerate(await ctx.stores.web.channels(workspace), 1)]
    found += [Scope(f"group-{g.id}", f"Group {g.name}") for g in await ctx.stores.groups.list(workspace)]
    return found


async def board(ctx: Context, workspace: str, scope: str, period: str) -> Board | None:
    """The board of ``scope`` for ``period``; None when the scope is not the workspace's."""
    if period not in dict(PERIODS):
        return None
    titles = {s.scope: s.title for s in await scopes(ctx, workspace)}
    if scope not in titles:
        return None
    kind, _, ident = scope.partition("-")
    group_id = None
    if kind == "server":
        stored = f"workspace:{workspace}"
    elif kind == "channel":
        stored = f"channel:{ident}"
    else:
        stored, group_id = f"workspace:{workspace}", int(ident)
    key = await period_key(ctx, workspace, period, None)
    rows: tuple[m.LeaderboardRow, ...] = ()
    if key is not None:
        hidden = await ctx.stores.web.hidden()
        top = await ctx.stores.leaderboards.top(stored, key, BOARD_SIZE, group_id)
        rows = tuple(m.LeaderboardRow(i, HIDDEN if r.member_id in hidden else r.name, r.points, r.correct,
                                      r.answered) for i, r in enumerate(top, 1))
    return Board(scope, titles[scope], period, rows)


async def deck_cards(ctx: Context, workspace: str, deck: Deck) -> list[CardView]:
    """The deck's cards with how the workspace answered each in closed rounds."""
    tallies = await ctx.stores.web.card_tallies(workspace)
    views = []
    for card in deck.cards:
        tally = tallies.get(f"{deck.id}/{card.id}")
        views.append(CardView(card, tally.correct if tally else 0, tally.answered if tally else 0))
    return views


async def recent_rounds(ctx: Context, workspace: str) -> list[tuple[int, str]]:
    """(round id, prompt) of the latest closed rounds, newest first."""
    return [(rid, math_to_text(AskedQuestion.from_dict(json.loads(q)).prompt))
            for rid, q, _ in await ctx.stores.web.recent_rounds(workspace)]


async def round_result(ctx: Context, workspace: str, round_id: int) -> RoundView | None:
    """A closed round of the workspace: question, answer, share per option, who got it."""
    if await ctx.stores.web.round_workspace(round_id) != workspace:
        return None
    row = await ctx.stores.rounds.get(round_id)
    if row is None:
        return None
    q = row.question
    answers = await ctx.stores.web.round_answers(round_id)
    hidden = await ctx.stores.web.hidden()
    tally = [0] * len(q.options)
    for a in answers:
        if a.choice is not None and 0 <= a.choice < len(tally):
            tally[a.choice] += 1
    labels = m.LABELS[: len(q.options)]
    options = tuple(OptionView(labels[i], math_to_text(text), tally[i], share, i == q.correct)
                    for i, (text, share) in enumerate(zip(q.options, shares(tuple(tally)) or [0] * len(tally),
                                                          strict=True))) if q.kind == "choice" else ()
    winners = tuple(HIDDEN if a.member_id in hidden else a.name for a in answers if a.correct)
    deck = ctx.library.deck(q.deck_id)
    answer = f"{labels[q.correct]}) {q.answer}" if q.correct is not None else q.answer
    return RoundView(round_id, deck.title if deck else q.deck_id, math_to_text(q.prompt),
                     math_to_text(answer), math_to_text(q.explanation), q.source, options,
                     len(answers), len(winners), winners)
