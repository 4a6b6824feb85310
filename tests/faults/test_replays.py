"""Replays against the real ``quizbot run``: the same signed Slack request (Slack's retries
carry the first delivery's trigger_id) and the same Discord interaction (a gateway resume can
deliver an INTERACTION_CREATE again) delivered three times apply once.

In-process tests pin the details (the repeat's reply, a retry after a restart):
``tests/chat/slack/test_delivery_once.py``, ``tests/chat/discord/test_delivery_once.py``.
"""

from __future__ import annotations

from dataclasses import replace

from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import TEAM_ID, FakeSlack
from tests.fakes.slack_requests import SlackRequest, slash_command
from tests.faults.conftest import count_rows, start_discord_bot, start_slack_bot, stored_members

MEMBER = "U0REPLAY"


def three_deliveries(request: SlackRequest) -> list[SlackRequest]:
    """The first delivery and two retries, with the retry headers Slack adds."""
    return [request] + [replace(request, retry_num=n, retry_reason="http_timeout") for n in (1, 2)]


async def test_slack_command_and_click_each_delivered_three_times_apply_once(
        fake_slack: FakeSlack, tmp_path, slack_bots) -> None:  # type: ignore[no-untyped-def]
    bot = await start_slack_bot(fake_slack, tmp_path)
    slack_bots.append(bot)
    first = await bot.ask()
    command = slash_command("/quiz", "group create owls", user_id=MEMBER, response_url=fake_slack.response_url())

    command_replies = [await bot.send(r) for r in three_deliveries(command)]
    click_replies = [await bot.send(r) for r in three_deliveries(bot.click(first, MEMBER))]
    bot.terminate()
    assert await bot.exited() == 0

    assert [r.status for r in command_replies + click_replies] == [200] * 6
    assert count_rows(bot.db_path, "groups") == 1
    assert stored_members(bot.db_path, f"slack:{TEAM_ID}:") == {MEMBER}
    told = bot.told(MEMBER)
    assert sum("Answer recorded" in t for t in told) == 1, told


async def test_discord_command_and_click_each_delivered_three_times_apply_once(
        synced_discord: FakeDiscord, tmp_path, discord_bots) -> None:  # type: ignore[no-untyped-def]
    fake = synced_discord
    bot = await start_discord_bot(fake, tmp_path)
    discord_bots.append(bot)
    message_id, first = await bot.ask()
    alice = fake.world.alice

    command = await fake.slash_command("quiz", {"name": "owls"}, group="group", subcommand="create", user=alice)
    assert "owls" in (await fake.wait_for_callback(command, timeout=20)).content  # type: ignore[operator]
    click = await fake.click(message_id, first, user=alice)
    assert "Answer recorded" in (await fake.wait_for_callback(click, timeout=20)).content  # type: ignore[operator]
    for _ in range(2):
        await fake.replay(command)
        await fake.replay(click)
    bot.terminate()  # a stop drains what was accepted: every replay has been handled once it exits
    assert await bot.exited() == 0

    assert count_rows(bot.db_path, "groups") == 1
    assert stored_members(bot.db_path, bot.key_prefix()) == {str(alice.user.id)}
    assert bot.log().count("event=discord_repeat_ignored") >= 2  # the command's repeats, claimed by id
