"""A slash command delivered again (Slack retries a slow ack with the same trigger_id) is applied
once; the repeat is answered with the first delivery's reply and changes nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.app import start_adapter
from bot.chat.slack.adapter import SlackAdapter
from tests.chat.slack.conftest import ADMIN_ID, SECRET, SlackBot
from tests.fakes.slack import RESPONSE_URL_METHOD, FakeSlack
from tests.fakes.slack_requests import SlackRequest, send, slash_command
from tests.helpers import Clock, make_service


def deliveries(request: SlackRequest, times: int) -> list[SlackRequest]:
    """The first delivery and its retries, headers as Slack sends them."""
    return [request] + [replace(request, retry_num=n, retry_reason="http_timeout") for n in range(1, times)]


async def test_schedule_add_delivered_three_times_creates_one_schedule(http_bot: SlackBot) -> None:
    request = slash_command("/quiz", 'schedule add "daily 07:00"', user_id=ADMIN_ID,
                            response_url=http_bot.fake.response_url())

    replies = [await http_bot.send(r) for r in deliveries(request, 3)]
    await http_bot.settle()

    assert [r.status for r in replies] == [200, 200, 200]
    assert len(await http_bot.db.fetchall("SELECT id FROM schedules")) == 1
    first = http_bot.fake.calls(RESPONSE_URL_METHOD)
    assert len(first) == 1  # the first delivery replied; the repeats changed and sent nothing
    assert [r.json()["text"] for r in replies[1:]] == [first[0]["text"]] * 2  # the same answer again


async def test_group_create_delivered_three_times_creates_one_group_and_no_already_exists(
        http_bot: SlackBot) -> None:
    request = slash_command("/quiz", "group create owls", response_url=http_bot.fake.response_url())

    replies = [await http_bot.send(r) for r in deliveries(request, 3)]
    await http_bot.settle()

    assert len(await http_bot.db.fetchall("SELECT id FROM groups")) == 1
    texts = [r.json()["text"] for r in replies[1:]]
    assert texts[0] == texts[1] and "already" not in texts[0].lower()


async def test_season_new_delivered_twice_starts_one_season(http_bot: SlackBot) -> None:
    request = slash_command("/quiz", "season new", user_id=ADMIN_ID, response_url=http_bot.fake.response_url())
    first, retried = deliveries(request, 2)
    assert (await http_bot.send(first)).status == 200
    await http_bot.settle()
    seasons = await http_bot.db.fetchall("SELECT id FROM seasons")

    assert (await http_bot.send(retried)).status == 200
    await http_bot.settle()

    assert len(await http_bot.db.fetchall("SELECT id FROM seasons")) == len(seasons)


async def test_two_commands_with_different_trigger_ids_are_both_applied(http_bot: SlackBot) -> None:
    for name in ("owls", "larks"):
        await http_bot.send(slash_command("/quiz", f"group create {name}", response_url=http_bot.fake.response_url()))
    await http_bot.settle()

    assert len(await http_bot.db.fetchall("SELECT id FROM groups")) == 2


async def test_retry_after_a_restart_is_still_applied_once(
        http_bot: SlackBot, fake_slack: FakeSlack, tmp_path: Path) -> None:
    request = slash_command("/quiz", 'schedule add "daily 07:00"', user_id=ADMIN_ID,
                            response_url=fake_slack.response_url())
    assert (await http_bot.send(request)).status == 200
    await http_bot.settle()

    service, db = await make_service(tmp_path / "quiz.db", Clock())  # a new process over the same file
    adapter = SlackAdapter(service, "xoxb-test", signing_secret=SECRET, http_port=0, http_host="127.0.0.1",
                           api_url=fake_slack.api_url)
    await start_adapter(service, adapter)
    try:
        assert adapter.url is not None
        again = await send(adapter.url, replace(request, retry_num=2, retry_reason="http_timeout"), SECRET)
        await adapter.listeners.drain()
        assert again.status == 200
        assert len(await db.fetchall("SELECT id FROM schedules")) == 1
    finally:
        await adapter.stop()
        await service.shutdown()
        await db.close()
