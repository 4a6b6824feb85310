"""Two workspaces installed at once: every call about a workspace goes out as its own bot,
and ids from one workspace never reach into the other's rounds, members or schedules."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.chat.slack.identity import channel_ref, member_key
from bot.quiz.ports import Member
from tests.chat.slack.conftest import buttons
from tests.chat.slack.oauth_harness import ALPHA, BETA, OAuthBot, oauth_bot
from tests.fakes.slack import RESPONSE_URL_METHOD, FakeSlack
from tests.fakes.slack_oauth import Team
from tests.fakes.slack_requests import block_actions, slash_command, text_input, view_submission

CHANNELS = {"T0ALPHA": "C0ALPHA", "T0BETA": "C0BETA"}
ADMIN = "U0ADMIN"
MEMBERS = ("U0ANN", "U0BOB", "U0CAT")  # the same user ids in both workspaces: different people


@pytest.fixture
async def bot(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[OAuthBot]:
    fake_slack.add_user(ADMIN, is_admin=True)
    async with oauth_bot(fake_slack, tmp_path) as running:
        for team in (ALPHA, BETA):
            assert (await running.install(team)).status == 200
        yield running


def token_of(bot: OAuthBot, team: Team) -> str:
    return bot.fake.installs.tokens_of(team.team_id)[-1]


async def ask(bot: OAuthBot, team: Team) -> dict[str, Any]:
    """``/quiz now`` in the team's channel; the question it posted."""
    channel = CHANNELS[team.team_id]
    reply = await bot.send(slash_command("/quiz", "now", team_id=team.team_id, channel_id=channel,
                                         response_url=bot.fake.response_url()))
    assert reply.status == 200
    return await bot.fake.wait_for("chat.postMessage", lambda a: a["channel"] == channel and bool(buttons(a)))


async def answer(bot: OAuthBot, team: Team, question: dict[str, Any], user_id: str) -> None:
    """Answer as ``user_id`` of ``team``: the first option, or a typed answer."""
    ids = buttons(question)
    channel = CHANNELS[team.team_id]
    if ids[0].startswith("quiz:answer:"):
        request = block_actions(ids[0], ids[0], user_id=user_id, team_id=team.team_id, channel_id=channel,
                                response_url=bot.fake.response_url(f"{team.team_id}-{user_id}"))
    else:
        request = view_submission(ids[0], {"answer": {"text": text_input("something")}}, user_id=user_id,
                                  team_id=team.team_id, private_metadata=json.dumps({"channel": channel}))
    assert (await bot.send(request)).status == 200


async def test_two_workspaces_answer_rounds_in_parallel_each_as_its_own_bot(bot: OAuthBot) -> None:
    questions = await asyncio.gather(ask(bot, ALPHA), ask(bot, BETA))
    await asyncio.gather(*(answer(bot, team, question, user)
                           for team, question in zip((ALPHA, BETA), questions, strict=True) for user in MEMBERS))
    await bot.settle()

    stored = await bot.db.fetchall(
        "SELECT m.key, c.key FROM answers a JOIN members m ON m.id = a.member_id "
        "JOIN rounds r ON r.id = a.round_id JOIN channels c ON c.id = r.channel_id ORDER BY m.key")
    assert [tuple(row) for row in stored] == sorted(
        [(f"slack:{team}:{user}", f"slack:{team}:{channel}") for team, channel in CHANNELS.items() for user in MEMBERS])
    for team in (ALPHA, BETA):  # each closes its own round: users.info and the reveal as its own bot
        await bot.send(slash_command("/quiz", "close", team_id=team.team_id, channel_id=CHANNELS[team.team_id],
                                     user_id=ADMIN, response_url=bot.fake.response_url()))
    for team in (ALPHA, BETA):
        await bot.fake.wait_for("chat.update", lambda a, t=team: a["channel"] == CHANNELS[t.team_id])
    await bot.settle()

    sent = [(c.method, c.args.get("channel"), c.token) for c in bot.fake.api_calls
            if c.method in ("chat.postMessage", "chat.update", "users.info", "chat.postEphemeral")]
    assert sent, "the bot called Slack"
    for method, channel, token in sent:
        team = ALPHA if token == token_of(bot, ALPHA) else BETA
        assert token == token_of(bot, team), f"{method} with a token no team owns"
        if channel is not None:
            assert channel == CHANNELS[team.team_id], f"{method} to {channel} as {team.team_id}'s bot"
    assert {token for *_, token in sent} == {token_of(bot, ALPHA), token_of(bot, BETA)}


async def test_click_on_another_workspaces_round_is_refused_and_stores_nothing(bot: OAuthBot) -> None:
    question = await ask(bot, ALPHA)
    alpha_button = buttons(question)[0]
    forged = block_actions(alpha_button, alpha_button, user_id="U0MALLORY", team_id=BETA.team_id,
                           channel_id=CHANNELS[BETA.team_id], response_url=bot.fake.response_url("U0MALLORY"))

    reply = await bot.send(forged)
    await bot.settle()

    assert reply.status == 200
    told = await bot.fake.wait_for(RESPONSE_URL_METHOD, lambda a: True)
    assert "out of date" in str(told["text"])
    assert await bot.db.fetchall("SELECT id FROM answers") == []


async def test_a_schedule_in_one_workspace_is_not_seen_from_the_same_channel_id_in_another(bot: OAuthBot) -> None:
    admin = Member(member_key(ALPHA.team_id, ADMIN), "admin", is_admin=True)
    alpha, beta = channel_ref(ALPHA.team_id, "C0SAME"), channel_ref(BETA.team_id, "C0SAME")

    assert (await bot.service.schedule_add(alpha, admin, "hourly")).tone == "ok"

    assert "#" in " ".join((await bot.service.schedule_list(alpha)).lines)
    assert "#" not in " ".join((await bot.service.schedule_list(beta)).lines)


async def test_a_workspaces_bot_is_not_found_under_another_enterprise(bot: OAuthBot) -> None:
    installations = bot.adapter.installations
    assert installations is not None

    assert await installations.bot_for(ALPHA.team_id, "E0OTHER") is None
    found = await installations.bot_for(ALPHA.team_id)
    assert found is not None and found.team_id == ALPHA.team_id
    assert await installations.bot_for("") is None
