"""The clock: closes rounds at their deadline, posts scheduled questions, paces sessions.

Everything it acts on is read from SQLite at each tick, so a restart loses
nothing: a round that was open at shutdown is closed at its deadline (at once
if that has passed), and a schedule slot missed while the bot was down is
posted at start if its answer window is still open, otherwise skipped and
logged. A slot opens at most one round, whatever happens around a restart:
``UNIQUE(schedule_id, slot_at)`` plus a compare-and-set on ``next_run_at``.
"""

from __future__ import annotations

import asyncio
import sqlite3

from bot.quiz import messages as m
from bot.quiz.context import Context, log
from bot.quiz.ports import ChannelRef
from bot.quiz.rounds import ChannelBusy, Opening, PostFailed, RoundKeeper
from bot.quiz.schedule_spec import latest_slot, next_slot, parse_tz
from bot.quiz.selection import next_question
from bot.store.schedules import ScheduleRow, Schedules
from bot.store.sessions import SessionRow

IDLE_WAKE_S = 60.0


class Scheduler:
    def __init__(self, ctx: Context, keeper: RoundKeeper) -> None:
        self.ctx = ctx
        self.keeper = keeper
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Something changed (a new round, schedule or session): re-plan now."""
        self._wake.set()

    async def tick(self) -> float | None:
        """Do everything that is due; returns when the next thing is due (or None)."""
        ctx = self.ctx
        for row in await ctx.stores.rounds.due(ctx.clock()):
            try:
                await self.keeper.close(row.id)
            except Exception:
                log.exception("event=close_failed round=%s", row.id)
            if row.session_id is not None:
                await self.after_session_round(row.session_id)
        for schedule in await ctx.stores.schedules.due(ctx.clock()):
            try:
                await self.run_schedule(schedule)
            except Exception:
                log.exception("event=schedule_failed schedule=%s", schedule.id)
        for session in await ctx.stores.sessions.due(ctx.clock()):
            try:
                await self.run_session(session)
            except Exception:
                log.exception("event=session_failed session=%s", session.id)
        times = [t for t in (await ctx.stores.rounds.next_deadline(), await ctx.stores.schedules.next_run(),
                             await ctx.stores.sessions.next_at()) if t is not None]
        return min(times) if times else None

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until ``stop`` is set, sleeping until the next due time or a poke."""
        while not stop.is_set():
            try:
                next_due = await self.tick()
            except Exception:
                log.exception("event=tick_failed")
                next_due = None
            delay = IDLE_WAKE_S if next_due is None else max(0.0, next_due - self.ctx.clock())
            self._wake.clear()
            stopper = asyncio.create_task(stop.wait())
            waker = asyncio.create_task(self._wake.wait())
            await asyncio.wait({stopper, waker}, timeout=min(delay, IDLE_WAKE_S) + 0.01,
                               return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            waker.cancel()

    # -- schedules ----------------------------------------------------------------

    async def run_schedule(self, schedule: ScheduleRow) -> None:
        ctx = self.ctx
        now = ctx.clock()
        tz = parse_tz(schedule.tz)
        slot = latest_slot(schedule.cron, tz, now)
        following = next_slot(schedule.cron, tz, now)
        channel = ChannelRef(schedule.platform, schedule.workspace, schedule.native_id)
        post = slot >= schedule.next_run_at - 1e-6
        if post and slot + schedule.window_s <= now:
            log.warning("event=slot_skipped schedule=%s slot=%.0f reason=answer_window_passed",
                        schedule.id, slot)
            post = False
        async with ctx.stores.db.transaction() as conn:
            moved = await Schedules.advance(conn, schedule.id, schedule.next_run_at, following)
        if not moved or not post:
            return
        question = await next_question(ctx, schedule.channel_id, schedule.decks)
        if question is None:
            log.warning("event=slot_skipped schedule=%s reason=no_question decks=%s", schedule.id, schedule.decks)
            return
        try:
            await self.keeper.open(channel, question, schedule.window_s,
                                   Opening(schedule_id=schedule.id, slot_at=slot),
                                   opened_at=now, closes_at=slot + schedule.window_s)
        except ChannelBusy:
            log.warning("event=slot_skipped schedule=%s reason=channel_busy", schedule.id)
        except PostFailed:
            log.warning("event=slot_skipped schedule=%s reason=post_failed", schedule.id)
        except sqlite3.IntegrityError:
            log.info("event=slot_already_posted schedule=%s slot=%.0f", schedule.id, slot)

    # -- sessions -----------------------------------------------------------------

    async def run_session(self, session: SessionRow) -> None:
        ctx = self.ctx
        channel = ChannelRef(session.platform, session.workspace, session.native_id)
        if session.asked >= session.total:
            await self.finish_session(session, channel)
            return
        question = await next_question(ctx, session.channel_id, session.decks)
        if question is None:
            await ctx.stores.sessions.end(session.id, ctx.clock())
            await ctx.post(channel, m.error("The session ended: no question left in its decks."))
            return
        await ctx.stores.sessions.asked_one(session.id)
        try:
            await self.keeper.open(channel, question, session.window_s,
                                   Opening(session_id=session.id, position=(session.asked + 1, session.total)))
        except ChannelBusy:
            await ctx.stores.sessions.wait(session.id, ctx.clock() + session.gap_s)
        except PostFailed:
            log.warning("event=session_ended session=%s reason=post_failed", session.id)
            await ctx.stores.sessions.end(session.id, ctx.clock())

    async def after_session_round(self, session_id: int) -> None:
        session = await self.ctx.stores.sessions.get(session_id)
        if session is None:
            return
        channel = ChannelRef(session.platform, session.workspace, session.native_id)
        if session.asked >= session.total:
            await self.finish_session(session, channel)
        else:
            await self.ctx.stores.sessions.wait(session.id, self.ctx.clock() + session.gap_s)

    async def finish_session(self, session: SessionRow, channel: ChannelRef) -> None:
        if await self.ctx.stores.sessions.end(session.id, self.ctx.clock()):
            await self.ctx.post(channel, m.ok(f"Session over: {session.asked} question(s) asked. "
                                              "See `/leaderboard` for the standings."))
