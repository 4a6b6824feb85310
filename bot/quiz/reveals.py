"""Reveals: what a closed round shows, and getting it to the channel exactly once.

A reveal is sent under a lease kept in SQLite (taken when the round closes, or by
:meth:`Reveals.retry`), so a close and the clock, or two processes sharing the
database, never both send it. A reveal that does not get through is retried with
a back-off that doubles up to an hour, for a day after the close.
"""

from __future__ import annotations

import asyncio

from bot.quiz import messages as m
from bot.quiz.context import Context, log
from bot.quiz.ports import MessageRef
from bot.quiz.standings import channel_board
from bot.quiz.web import round_link
from bot.quiz.why import why
from bot.store.answers import StoredAnswer
from bot.store.rounds import RoundRow

MAX_WINNERS_SHOWN = 20
REVEAL_RETRY_S = 30.0
"""First wait before a failed reveal is tried again; it doubles with each failure..."""
REVEAL_RETRY_MAX_S = 3600.0
"""...up to an hour, for a day after the close (:data:`REVEAL_GIVE_UP_S`)."""
REVEAL_GIVE_UP_S = 24 * 3600
REVEAL_LEASE_S = 120.0
"""How long the process sending a reveal has it to itself."""


class Reveals:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def send(self, row: RoundRow, reveal: m.Reveal) -> bool:
        """Edit the question into the reveal (or post it anew), holding the reveal lease;
        record whether it got through, so a reveal that did not is retried later
        (:meth:`retry`), by this process or another one."""
        ctx = self.ctx
        try:  # finish well inside the lease, or another sender may take it over
            async with asyncio.timeout(REVEAL_LEASE_S - 20):
                if row.message_id:
                    ref = MessageRef(row.channel, row.message_id)
                    shown = await ctx.update(ref, reveal) or await ctx.post(ref.channel, reveal) is not None
                else:
                    shown = await ctx.post(row.channel, reveal) is not None
        except TimeoutError:
            log.warning("event=reveal_timed_out round=%s", row.id)
            shown = False
        if shown:
            await ctx.stores.rounds.reveal_done(row.id, ctx.clock())
            return True
        attempts, delay = await ctx.stores.rounds.reveal_failed(row.id, ctx.clock(), REVEAL_RETRY_S, REVEAL_RETRY_MAX_S)
        log.warning("event=reveal_failed round=%s attempts=%d retry_in=%.0fs", row.id, attempts, delay)
        return False

    async def retry(self) -> float | None:
        """Send reveals that did not get through (a platform outage, a restart right after
        the close), for a day after the close, in channels this process owns
        (``Context.owned``). Each is sent under a lease taken in the database, so two
        processes (or a close and the clock) never send it both.
        Returns when the next attempt is due, or None."""
        ctx = self.ctx
        now = ctx.clock()
        since = now - REVEAL_GIVE_UP_S
        for row in await ctx.stores.rounds.reveals_due(now, since, ctx.owned):
            if not await ctx.stores.rounds.take_reveal(row.id, now, REVEAL_LEASE_S):
                continue
            answers = await ctx.stores.answers.of_round(row.id)
            await self.send(row, await self.build(row, answers))
        return await ctx.stores.rounds.next_reveal(since, ctx.owned)

    async def build(self, row: RoundRow, answers: list[StoredAnswer]) -> m.Reveal:
        """The reveal of a closed round: the answer, why, the share per option, who got it."""
        ctx = self.ctx
        question = row.question
        tally = [0] * len(question.options)
        winners: list[str] = []
        winner_ids = [a[0] for a in sorted(answers, key=lambda a: a[4]) if a[2]]
        for _, choice, *_ in answers:
            if choice is not None and 0 <= choice < len(tally):
                tally[choice] += 1
        for member_id in winner_ids[:MAX_WINNERS_SHOWN]:
            winners.append(await ctx.stores.directory.name_of(member_id))
        board = await channel_board(ctx, row.channel_id, "week", ctx.settings.reveal_leaderboard_size)
        deck = ctx.library.deck(question.deck_id)
        return m.Reveal(
            round_id=row.id, deck_title=deck.title if deck else question.deck_id, prompt=question.prompt,
            kind=question.kind, options=question.options, correct=question.correct, answer=question.answer,
            explanation=why(question, tally), source=question.source, winners=tuple(winners),
            tally=tuple(tally) if question.kind == "choice" else (), answered=len(answers),
            leaderboard=board, right=len(winner_ids), deck_id=question.deck_id, card_id=question.card_id,
            link=await round_link(ctx, row.channel.workspace, row.id) or "")
