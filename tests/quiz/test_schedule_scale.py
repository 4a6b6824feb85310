"""Schedules at scale: due slots open concurrently within a platform's limit, the due query
reads its index, and a slot skipped because its channel was busy is told to the channel."""

import asyncio
from dataclasses import dataclass, field

import pytest

from bot.chat import plain
from bot.chat.discord import render as discord_render
from bot.chat.slack import render as slack_render
from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, MessageRef
from bot.store.schedules import DUE_QUERY
from tests.helpers import ADMIN, CHANNEL

LIMIT = 4
CHANNELS = 12


@dataclass
class SlowChat:
    """A platform whose posts take a while: counts how many are in flight at once.

    A post waits until ``LIMIT`` posts are in flight together (or 5 s pass, if they never
    are), so a scheduler that posts one at a time shows ``max_in_flight == 1``."""

    platform: str = "test"
    in_flight: int = 0
    max_in_flight: int = 0
    posts: list[tuple[ChannelRef, m.Message]] = field(default_factory=list)
    full: asyncio.Event = field(default_factory=asyncio.Event)

    async def post(self, channel: ChannelRef, message: m.Message) -> MessageRef:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.in_flight >= LIMIT:
            self.full.set()
        try:
            await asyncio.wait_for(self.full.wait(), timeout=5)
        except TimeoutError:
            pass
        await asyncio.sleep(0)
        self.in_flight -= 1
        self.posts.append((channel, message))
        return MessageRef(channel, f"msg-{len(self.posts)}")

    async def update(self, ref: MessageRef, message: m.Message) -> None:
        return None


async def test_slot_shared_by_many_channels_opens_them_concurrently_within_the_platform_limit(bot):
    chat = SlowChat()
    bot.service.attach(chat)  # type: ignore[arg-type]
    bot.service.scheduler.posts_in_flight = {"test": LIMIT}
    for i in range(CHANNELS):
        reply = await bot.service.schedule_add(ChannelRef("test", "test:W1", f"S{i}"), ADMIN, "hourly", "UTC")
        assert reply.tone == "ok", reply.text
    bot.clock.now = await bot.service.ctx.stores.schedules.next_run()
    await bot.service.scheduler.tick()
    questions = [channel.native_id for channel, message in chat.posts if isinstance(message, m.QuestionCard)]
    assert sorted(questions) == sorted(f"S{i}" for i in range(CHANNELS))
    assert 1 < chat.max_in_flight <= LIMIT


@pytest.mark.sqlite_only  # SQLite's plan; PostgreSQL plans its own
async def test_due_query_reads_the_next_run_index(bot):
    plan = await bot.db.fetchall(f"EXPLAIN QUERY PLAN {DUE_QUERY}", (0.0,))
    details = " ".join(str(row[3]) for row in plan)
    assert "USING INDEX schedules_due" in details, details


async def test_paused_schedules_are_not_in_the_due_index(bot):
    await bot.service.schedule_add(CHANNEL, ADMIN, "hourly", "UTC")
    [row] = await bot.service.ctx.stores.schedules.in_channel(await bot.service.ctx.channel_id(CHANNEL))
    await bot.service.schedule_pause(CHANNEL, ADMIN, str(row.id))
    assert await bot.service.ctx.stores.schedules.due(row.next_run_at + 1) == []
    assert await bot.service.ctx.stores.schedules.next_run() is None


async def test_slot_skipped_because_a_round_is_open_is_told_to_the_channel(bot):
    await bot.service.schedule_add(CHANNEL, ADMIN, "weekdays 09:30", "Europe/Berlin", None, "10m")
    [row] = await bot.service.ctx.stores.schedules.in_channel(await bot.service.ctx.channel_id(CHANNEL))
    bot.clock.now = row.next_run_at - 60
    assert await bot.service.ask(CHANNEL, ADMIN) is None  # a question open across the slot
    bot.clock.now = row.next_run_at
    await bot.service.scheduler.tick()
    told = [(channel, message) for channel, message in bot.chat.posts if isinstance(message, m.SlotSkipped)]
    assert told == [(CHANNEL, m.SlotSkipped(row.id, "weekdays 09:30 (Europe/Berlin)", "channel_busy"))]
    assert len(bot.chat.of_type(m.QuestionCard)) == 1
    await bot.service.scheduler.tick()
    assert len([1 for _, message in bot.chat.posts if isinstance(message, m.SlotSkipped)]) == 1


def test_skipped_slot_reads_the_same_on_every_platform_and_pings_nobody():
    skipped = m.SlotSkipped(3, "weekdays 09:30 (Europe/Berlin)", "channel_busy")
    text = "Scheduled question skipped (#3 weekdays 09:30 (Europe/Berlin)): a question was already open here."
    assert plain.render(skipped) == text
    slack = slack_render.render(skipped)
    assert slack.text == text and slack.blocks[0]["type"] == "context"
    discord = discord_render.render(skipped)
    assert discord.content == text and discord.embed is None
    assert discord_render.send_options(discord)["allowed_mentions"] == discord_render.NO_MENTIONS
