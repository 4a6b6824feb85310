"""Posts on our own clock rotate an expiring token first: Bolt rotates only when a request
comes in, and a scheduled question may be the first thing a workspace sees all day."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.chat.slack.identity import channel_ref, member_key
from bot.quiz.ports import Member
from tests.chat.slack.oauth_harness import ALPHA, OAuthBot, oauth_bot
from tests.fakes.slack import FakeSlack

ADMIN = Member(member_key(ALPHA.team_id, "U0ADMIN"), "admin", is_admin=True)


@pytest.fixture
async def bot(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[OAuthBot]:
    async with oauth_bot(fake_slack, tmp_path) as running:
        yield running


async def schedule_hourly(bot: OAuthBot, channel_id: str) -> float:
    """An hourly schedule in ALPHA's ``channel_id``; its first slot."""
    channel = channel_ref(ALPHA.team_id, channel_id)
    assert (await bot.service.schedule_add(channel, ADMIN, "hourly")).tone == "ok"
    (row,) = await bot.service.ctx.stores.schedules.in_channel(await bot.service.ctx.channel_id(channel))
    return row.next_run_at


def refreshes(bot: OAuthBot) -> list[dict[str, object]]:
    return [a for a in bot.fake.calls("oauth.v2.access") if a.get("grant_type") == "refresh_token"]


async def test_scheduled_question_rotates_an_expiring_token_first_and_posts_with_the_new_one(bot: OAuthBot) -> None:
    await bot.install(ALPHA, rotating=True, expires_in=1800)  # within the two hours before expiry
    (old,) = bot.fake.installs.tokens_of(ALPHA.team_id)
    bot.clock.now = await schedule_hourly(bot, "C0ALPHA")

    await bot.service.scheduler.tick()

    posted = [c for c in bot.fake.api_calls if c.method == "chat.postMessage"]
    assert len(posted) == 1 and posted[0].args["channel"] == "C0ALPHA"
    new = bot.fake.installs.tokens_of(ALPHA.team_id)[-1]
    assert new != old
    assert posted[0].token == new
    assert len(refreshes(bot)) == 1
    order = [c.method for c in bot.fake.api_calls]
    assert order.index("chat.postMessage") > max(i for i, c in enumerate(bot.fake.api_calls)
                                                 if c.method == "oauth.v2.access")
    assert bot.adapter.installations is not None
    saved = await bot.adapter.installations.bot_for(ALPHA.team_id)
    assert saved is not None and saved.bot_token == new  # saved: the next post needs no rotation


async def test_slots_of_one_team_at_the_same_moment_rotate_its_token_once(bot: OAuthBot) -> None:
    await bot.install(ALPHA, rotating=True, expires_in=1800)
    slots = [await schedule_hourly(bot, channel) for channel in ("C0ONE", "C0TWO", "C0THREE")]
    bot.clock.now = max(slots)

    await asyncio.gather(bot.service.scheduler.tick(), bot.service.scheduler.tick())

    assert len(refreshes(bot)) == 1  # one refresh token is spent once, not raced
    new = bot.fake.installs.tokens_of(ALPHA.team_id)[-1]
    posted = [c for c in bot.fake.api_calls if c.method == "chat.postMessage"]
    assert sorted(c.args["channel"] for c in posted) == ["C0ONE", "C0THREE", "C0TWO"]
    assert {c.token for c in posted} == {new}


async def test_token_far_from_expiry_is_used_as_it_is(bot: OAuthBot) -> None:
    await bot.install(ALPHA, rotating=True, expires_in=12 * 3600)
    (token,) = bot.fake.installs.tokens_of(ALPHA.team_id)
    bot.clock.now = await schedule_hourly(bot, "C0ALPHA")

    await bot.service.scheduler.tick()

    assert refreshes(bot) == []
    assert [c.token for c in bot.fake.api_calls if c.method == "chat.postMessage"] == [token]


async def test_refused_rotation_posts_nothing_and_says_why_in_one_line(bot: OAuthBot,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    await bot.install(ALPHA, rotating=True, expires_in=1800)
    bot.fake.fail("oauth.v2.access", "invalid_refresh_token")
    bot.clock.now = await schedule_hourly(bot, "C0ALPHA")

    with caplog.at_level(logging.ERROR, logger="bot.chat.slack"):
        await bot.service.scheduler.tick()

    assert [r.getMessage() for r in caplog.records if "rotation" in r.getMessage()] == [
        "event=slack_token_rotation_failed team=T0ALPHA error=invalid_refresh_token"]
    assert bot.fake.calls("chat.postMessage") == []  # never with a token about to expire, never unauthenticated
    assert len(refreshes(bot)) == 1
