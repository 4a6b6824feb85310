"""An ack means stored: when Slack gets its HTTP 200, the change is already on disk (Slack never
redelivers an acknowledged request). And a stopping adapter refuses new requests with 503 while
it finishes and confirms the ones it accepted."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.chat.slack.identity import member_key
from tests.chat.slack.conftest import ADMIN_ID, SlackBot, click
from tests.fakes.slack import RESPONSE_URL_METHOD, TEAM_ID
from tests.fakes.slack_requests import slash_command

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)


def on_disk(bot: SlackBot, sql: str) -> list[tuple[object, ...]]:
    """Rows as another process would read them: a separate connection sees only committed data."""
    conn = sqlite3.connect(bot.db.path)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


async def test_answer_click_is_acked_only_once_the_answer_is_committed(http_bot: SlackBot) -> None:
    await http_bot.send(slash_command("/quiz", "now", response_url=http_bot.fake.response_url()))
    question = await http_bot.question()

    reply = await http_bot.send(click(question.action_ids[1], "U1", http_bot.fake))

    assert reply.status == 200
    assert on_disk(http_bot, "SELECT m.key, a.choice FROM answers a JOIN members m ON m.id = a.member_id") == [
        (member_key(TEAM_ID, "U1"), 1)]


async def test_schedule_command_is_acked_only_once_the_schedule_is_committed(http_bot: SlackBot) -> None:
    request = slash_command("/quiz", 'schedule add "daily 07:00"', user_id=ADMIN_ID,
                            response_url=http_bot.fake.response_url())

    reply = await http_bot.send(request)

    assert reply.status == 200
    assert len(on_disk(http_bot, "SELECT id FROM schedules")) == 1


async def test_stopping_adapter_refuses_new_requests_with_503_and_confirms_the_accepted_ones(
        http_bot: SlackBot) -> None:
    await http_bot.send(slash_command("/quiz", "now", response_url=http_bot.fake.response_url()))
    question = await http_bot.question()
    http_bot.fake.set_latency(0.3, RESPONSE_URL_METHOD)  # the accepted answer's confirmation is slow
    accepted = await http_bot.send(click(question.action_ids[0], "U1", http_bot.fake))

    stopping = asyncio.create_task(http_bot.adapter.stop())
    await asyncio.sleep(0)  # stop() refuses new requests before its first wait
    refused = await http_bot.send(click(question.action_ids[0], "U2", http_bot.fake))
    await stopping

    assert accepted.status == 200
    assert (refused.status, refused.headers.get("Retry-After")) == (503, "5")
    confirmed = [u for u in ("U1", "U2") if any("recorded" in a["text"] for a in http_bot.fake.ephemerals_to(u))]
    assert confirmed == ["U1"]  # sent before stop() returned
    assert on_disk(http_bot, "SELECT m.key FROM answers a JOIN members m ON m.id = a.member_id") == [
        (member_key(TEAM_ID, "U1"),)]
