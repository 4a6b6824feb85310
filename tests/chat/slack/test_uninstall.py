"""A workspace that uninstalls the app (or revokes its token) loses its tokens and its
schedules stop, while every other workspace keeps playing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.chat.slack.identity import channel_ref, member_key
from bot.quiz.ports import Member
from tests.chat.slack.conftest import buttons
from tests.chat.slack.oauth_harness import ALPHA, BETA, OAuthBot, oauth_bot
from tests.fakes.slack import RESPONSE_URL_METHOD, FakeSlack
from tests.fakes.slack_oauth import Team
from tests.fakes.slack_requests import block_actions, event_callback, slash_command

CHANNELS = {"T0ALPHA": "C0ALPHA", "T0BETA": "C0BETA"}


@pytest.fixture
async def bot(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[OAuthBot]:
    async with oauth_bot(fake_slack, tmp_path) as running:
        for team in (ALPHA, BETA):
            assert (await running.install(team)).status == 200
        yield running


async def schedule_hourly(bot: OAuthBot, team: Team) -> int:
    admin = Member(member_key(team.team_id, "U0ADMIN"), "admin", is_admin=True)
    channel = channel_ref(team.team_id, CHANNELS[team.team_id])
    assert (await bot.service.schedule_add(channel, admin, "hourly")).tone == "ok"
    (row,) = await bot.service.ctx.stores.schedules.in_channel(await bot.service.ctx.channel_id(channel))
    return row.id


async def paused(bot: OAuthBot) -> dict[int, bool]:
    rows = await bot.db.fetchall("SELECT id, paused_at IS NOT NULL FROM schedules ORDER BY id")
    return {int(r[0]): bool(r[1]) for r in rows}


async def bots_stored(bot: OAuthBot) -> list[str]:
    return [str(r[0]) for r in await bot.db.fetchall("SELECT team_id FROM slack_bots ORDER BY team_id")]


async def test_app_uninstalled_removes_the_teams_tokens_and_stops_its_schedules_while_the_other_keeps_posting(
        bot: OAuthBot) -> None:
    alpha_schedule, beta_schedule = await schedule_hourly(bot, ALPHA), await schedule_hourly(bot, BETA)
    bot.fake.installs.revoke(ALPHA.team_id)  # Slack revokes the tokens, then tells the app

    reply = await bot.send(event_callback({"type": "app_uninstalled"}, team_id=ALPHA.team_id))

    assert reply.status == 200
    assert await bots_stored(bot) == ["T0BETA"]
    assert await bot.db.fetchall("SELECT team_id FROM slack_installations WHERE team_id = 'T0ALPHA'") == []
    assert await paused(bot) == {alpha_schedule: True, beta_schedule: False}
    bot.clock.advance(3600)
    await bot.service.scheduler.tick()
    posted = [(c.args["channel"], c.token) for c in bot.fake.api_calls if c.method == "chat.postMessage"]
    assert posted == [("C0BETA", bot.fake.installs.tokens_of(BETA.team_id)[-1])]
    question = await bot.fake.wait_for("chat.postMessage")  # and BETA's members still answer
    click = block_actions(buttons(question)[0], user_id="U0ANN", team_id=BETA.team_id, channel_id="C0BETA",
                          response_url=bot.fake.response_url("U0ANN"))
    assert (await bot.send(click)).status == 200
    await bot.settle()
    assert len(await bot.db.fetchall("SELECT id FROM answers")) == 1


async def test_command_from_an_uninstalled_workspace_is_refused(bot: OAuthBot) -> None:
    await bot.send(event_callback({"type": "app_uninstalled"}, team_id=ALPHA.team_id))

    reply = await bot.send(slash_command("/quiz", "now", team_id=ALPHA.team_id, channel_id="C0ALPHA",
                                         response_url=bot.fake.response_url("U0MEMBER")))
    await bot.settle()

    assert reply.status == 200
    told = await bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert "install" in str(told["text"]).lower()
    assert bot.fake.calls("chat.postMessage") == []


async def test_bot_tokens_revoked_removes_the_teams_bot_and_stops_its_schedules(bot: OAuthBot) -> None:
    alpha_schedule, beta_schedule = await schedule_hourly(bot, ALPHA), await schedule_hourly(bot, BETA)

    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0ALPHABOT"]}}
    reply = await bot.send(event_callback(event, team_id=ALPHA.team_id))

    assert reply.status == 200
    assert await bots_stored(bot) == ["T0BETA"]
    assert await paused(bot) == {alpha_schedule: True, beta_schedule: False}


async def test_user_tokens_revoked_leaves_the_bot_and_its_schedules(bot: OAuthBot) -> None:
    alpha_schedule = await schedule_hourly(bot, ALPHA)

    event = {"type": "tokens_revoked", "tokens": {"oauth": ["U0INSTALLER"], "bot": []}}
    reply = await bot.send(event_callback(event, team_id=ALPHA.team_id))

    assert reply.status == 200
    assert await bots_stored(bot) == ["T0ALPHA", "T0BETA"]
    assert await paused(bot) == {alpha_schedule: False}


async def test_reinstalled_workspace_gets_its_paused_schedules_back_with_resume(bot: OAuthBot) -> None:
    alpha_schedule = await schedule_hourly(bot, ALPHA)
    await bot.send(event_callback({"type": "app_uninstalled"}, team_id=ALPHA.team_id))

    assert (await bot.install(ALPHA)).status == 200
    admin = Member(member_key(ALPHA.team_id, "U0ADMIN"), "admin", is_admin=True)
    resumed = await bot.service.schedule_resume(channel_ref(ALPHA.team_id, "C0ALPHA"), admin, str(alpha_schedule))

    assert resumed.tone == "ok"
    assert await paused(bot) == {alpha_schedule: False}
