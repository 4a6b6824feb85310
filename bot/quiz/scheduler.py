"""The clock: closes rounds at their deadline, posts scheduled questions, paces sessions.

Everything it acts on is read from SQLite at each tick, so a restart loses
nothing: a round that was open at shutdown is closed at its deadline (at once
if that has passed), and a schedule slot missed while the bot was down is
posted at start if its answer window is still open, otherwise skipped and
logged. A slot opens at most one round, whatever happens around a restart:
``UNIQUE(schedule_id, slot_at)`` plus a compare-and-set on ``next_run_at``.

Only channels this process owns (``Context.owned``: with Discord shards over several
processes, the guilds of its own shards) are looked at, in every query of the tick,
including the ones that say when to wake up next.

Due schedules open concurrently, at most :data:`POSTS_IN_FLIGHT` at a time per
platform, so thousands of channels sharing one slot time all get their question
inside the answer window instead of waiting for each other's platform post.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from typing import TypeVar

from bot.quiz import messages as m
from bot.quiz.context import Context, log
from bot.quiz.digest_desk import post_due_digest
from bot.quiz.ports import ChannelRef
from bot.quiz.rounds import Opening, PostFailed, RoundKeeper
from bot.quiz.schedule_spec import describe, latest_slot, next_slot, parse_tz, slot_after, slots_between
from bot.quiz.selection import next_question
from bot.quiz.standings import session_result
from bot.store.errors import ChannelBusy, SlotTaken
from bot.store.schedules import ScheduleRow
from bot.store.sessions import SessionRow
from bot.store.transaction import Transaction

T = TypeVar("T")

IDLE_WAKE_S = 60.0
FAILURE_BACKOFF_S = 5.0

POSTS_IN_FLIGHT: dict[str, int] = {
    # Slack: chat.postMessage allows about 1 message a second *per channel* (PLATFORMS.md,
    # "rate"); a slot posts once per channel, so that limit never binds, and other channels
    # go in parallel. 50 at a time stays well inside one aiohttp session's 100 connections.
    "slack": 50,
    # Discord: about 5 messages per 5 s per channel and 50 requests/s global (PLATFORMS.md,
    # "rate"; a 429 carries retry-after). One post per channel again; 10 in flight at a
    # REST round trip of ~200 ms is the 50/s global budget, and discord.py's own rate
    # limiter waits out any 429 (global or per route) before the post returns.
    "discord": 10,
}
"""How many scheduled questions one platform may be posting at the same time."""
DEFAULT_POSTS_IN_FLIGHT = 20
"""For platforms without a published limit (the console, tests)."""


class Scheduler:
    def __init__(self, ctx: Context, keeper: RoundKeeper,
                 posts_in_flight: Mapping[str, int] | None = None) -> None:
        self.ctx = ctx
        self.keeper = keeper
        self.posts_in_flight = dict(POSTS_IN_FLIGHT if posts_in_flight is None else posts_in_flight)
        """Per platform: how many due schedules may be opening (posting) at once."""
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._wake = asyncio.Event()
        self.failed = False
        """Whether a step of the last tick failed."""
        self._backoff: dict[str, float] = {}
        """Items whose last step failed, and when they may be tried again."""

    def poke(self) -> None:
        """Something changed (a new round, schedule or session): re-plan now."""
        self._wake.set()

    async def tick(self) -> float | None:
        """Do everything that is due; returns when the next thing is due (or None).

        A step that fails is logged and left as it was; that one item (a round, a schedule,
        a session) is not tried again for :data:`FAILURE_BACKOFF_S`, so a broken row can
        neither spin the loop nor hold up the others.
        """
        ctx = self.ctx
        self.failed = False
        now = ctx.clock()
        await self._step("unposted", self.keeper.post_unposted())
        owned = ctx.owned
        for row in await ctx.stores.rounds.due(now, owned):
            await self._step(f"round:{row.id}", self.keeper.close(row.id))
        await self._run_due_schedules()
        for digest in await ctx.stores.digests.due(ctx.clock(), owned):
            await self._step(f"digest:{digest.id}", post_due_digest(ctx, digest))
        for session in await ctx.stores.sessions.due(ctx.clock(), owned):
            await self._step(f"session:{session.id}", self.run_session(session))
        retry = await self._step("reveals", self.keeper.reveals.retry())
        now = ctx.clock()
        self._backoff = {k: t for k, t in self._backoff.items() if t > now}

        def failing(kind: str) -> list[int]:
            return [int(k.split(":")[1]) for k in self._backoff if k.startswith(f"{kind}:")]

        busy = [*failing("round"), *self.keeper.posting]  # rounds being posted wake the clock themselves
        times = [t for t in (await ctx.stores.rounds.next_deadline(busy, "unposted" not in self._backoff, owned),
                             await ctx.stores.schedules.next_run(failing("schedule"), owned),
                             await ctx.stores.sessions.next_at(failing("session"), owned),
                             await ctx.stores.digests.next_run(failing("digest"), owned),
                             retry, *self._backoff.values()) if t is not None]
        return min(times) if times else None

    async def _step(self, key: str, work: Awaitable[T]) -> T | None:
        until = self._backoff.get(key)
        if until is not None and until > self.ctx.clock():
            if asyncio.iscoroutine(work):
                work.close()
            return None
        try:
            result = await work
        except Exception:
            self.failed = True
            self._backoff[key] = self.ctx.clock() + FAILURE_BACKOFF_S
            log.exception("event=tick_step_failed step=%s retry_in=%.0fs", key, FAILURE_BACKOFF_S)
            return None
        self._backoff.pop(key, None)
        return result

    def _gate(self, platform: str) -> asyncio.Semaphore:
        gate = self._gates.get(platform)
        if gate is None:
            limit = self.posts_in_flight.get(platform, DEFAULT_POSTS_IN_FLIGHT)
            gate = self._gates[platform] = asyncio.Semaphore(max(1, limit))
        return gate

    async def _run_due_schedules(self) -> None:
        """Open every due schedule's slot, concurrently within each platform's limit; returns
        when all are handled. Each schedule is its own step: one failing holds up no other."""
        due = await self.ctx.stores.schedules.due(self.ctx.clock(), self.ctx.owned)

        async def one(schedule: ScheduleRow) -> None:
            async with self._gate(schedule.channel.platform):
                await self._step(f"schedule:{schedule.id}", self.run_schedule(schedule))

        if len(due) == 1:
            await one(due[0])
        elif due:
            await asyncio.gather(*(one(schedule) for schedule in due))

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until ``stop`` is set, sleeping until the next due time or a poke."""
        while not stop.is_set():
            self._wake.clear()  # before the tick: a poke during the tick must not be lost
            try:
                next_due = await self.tick()
            except Exception:
                log.exception("event=tick_failed")
                next_due, self.failed = None, True
            delay = IDLE_WAKE_S if next_due is None else max(0.0, next_due - self.ctx.clock())
            stopper = asyncio.create_task(stop.wait())
            waker = asyncio.create_task(self._wake.wait())
            await asyncio.wait({stopper, waker}, timeout=min(delay, IDLE_WAKE_S) + 0.01,
                               return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            waker.cancel()

    # -- schedules ----------------------------------------------------------------

    async def run_schedule(self, schedule: ScheduleRow) -> None:
        """Handle a due schedule: post its latest slot if the answers are still open, log
        every slot that is skipped, and move ``next_run_at`` past now. Moving the slot and
        opening its round share one transaction, so a slot is posted exactly once."""
        ctx = self.ctx
        now = ctx.clock()
        tz = parse_tz(schedule.tz)
        following = slot_after(schedule.cron, schedule.tz, schedule.next_run_at)
        if schedule.next_run_at <= now < following:  # as usual: the due slot is the latest one
            slot, missed = schedule.next_run_at, 0
        else:  # the bot was down (or busy) past a slot: find the latest, count the skipped ones
            slot = latest_slot(schedule.cron, tz, now)
            following = next_slot(schedule.cron, tz, now)
            missed = slots_between(schedule.cron, tz, schedule.next_run_at, slot)
        channel = schedule.channel
        ctx.stores.channels.know(channel, schedule.channel_id)
        if missed:
            log.warning("event=slot_skipped schedule=%s slots=%d reason=bot_was_down", schedule.id, missed)
        post = slot >= schedule.next_run_at - 1e-6
        question = None
        if post and slot + schedule.window_s <= now:
            log.warning("event=slot_skipped schedule=%s slot=%.0f reason=answer_window_passed", schedule.id, slot)
            post = False
        if post:
            question = await next_question(ctx, schedule.channel_id, schedule.decks)
            if question is None:
                log.warning("event=slot_skipped schedule=%s reason=no_question decks=%s",
                            schedule.id, schedule.decks)
        if question is None:
            async with ctx.stores.transaction() as tx:
                await tx.schedules.advance(schedule.id, schedule.next_run_at, following)
            return

        async def claim(tx: Transaction) -> bool:
            return await tx.schedules.advance(schedule.id, schedule.next_run_at, following)

        try:
            await self.keeper.open(channel, question, schedule.window_s,
                                   Opening(schedule_id=schedule.id, slot_at=slot),
                                   opened_at=now, closes_at=slot + schedule.window_s, claim=claim)
        except ChannelBusy:
            log.warning("event=slot_skipped schedule=%s reason=channel_busy", schedule.id)
            async with ctx.stores.transaction() as tx:
                moved = await tx.schedules.advance(schedule.id, schedule.next_run_at, following)
            if moved:  # told once, by whoever moved the slot on
                await ctx.post(channel, m.SlotSkipped(schedule.id, describe(schedule.spec or schedule.cron,
                                                                            schedule.tz), "channel_busy"))
        except PostFailed:
            log.warning("event=slot_skipped schedule=%s reason=post_failed", schedule.id)
        except SlotTaken:  # the slot has its round already; make sure the schedule moves on
            log.info("event=slot_already_posted schedule=%s slot=%.0f", schedule.id, slot)
            async with ctx.stores.transaction() as tx:
                await tx.schedules.advance(schedule.id, schedule.next_run_at, following)

    # -- sessions -----------------------------------------------------------------

    async def run_session(self, session: SessionRow) -> None:
        """Post the session's next question; it counts only once it is actually open."""
        ctx = self.ctx
        channel = session.channel
        if session.asked >= session.total:
            await self.finish_session(session, channel)
            return
        question = await next_question(ctx, session.channel_id, session.decks)
        if question is None:
            await ctx.stores.sessions.end(session.id, ctx.clock())
            await ctx.post(channel, m.error("The session ended: no question left in its decks."))
            return

        async def claim(tx: Transaction) -> bool:
            return await tx.sessions.count_question(session.id, session.asked)

        try:
            await self.keeper.open(channel, question, session.window_s,
                                   Opening(session_id=session.id, position=(session.asked + 1, session.total)),
                                   claim=claim)
        except ChannelBusy:  # someone asked a question in the gap: wait for it, count nothing
            await ctx.stores.sessions.wait(session.id, ctx.clock() + session.gap_s)
        except SlotTaken:
            log.info("event=session_question_already_counted session=%s", session.id)
        except PostFailed:
            log.warning("event=session_ended session=%s reason=post_failed", session.id)
            await ctx.stores.sessions.end(session.id, ctx.clock())

    async def finish_session(self, session: SessionRow, channel: ChannelRef) -> None:
        if await self.ctx.stores.sessions.end(session.id, self.ctx.clock()):
            await self.ctx.post(channel, await session_result(self.ctx, session.id, session.asked))
