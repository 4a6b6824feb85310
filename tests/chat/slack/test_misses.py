"""``/quiz misses`` on Slack: the file goes to the member alone (an ephemeral code block when
short, a file in their DM with the bot when long), checked on the fake Slack's calls."""

from __future__ import annotations

import csv
import io

from tests.chat.slack.conftest import SlackBot
from tests.chat.slack.play import play_rounds
from tests.fakes.slack_requests import slash_command


async def misses_command(bot: SlackBot, user_id: str, text: str = "misses") -> str:
    url = bot.fake.response_url(user_id)
    reply = await bot.send(slash_command("/quiz", text, user_id=user_id, user_name=user_id.lower(), response_url=url))
    assert reply.status == 200
    await bot.settle()
    return url


async def test_short_misses_come_back_ephemeral_as_a_code_block(http_bot: SlackBot) -> None:
    await play_rounds(http_bot, [{"U1": False, "U2": True}])
    await misses_command(http_bot, "U1")
    reply = await http_bot.fake.wait_for_ephemeral("U1")
    assert reply["response_type"] == "ephemeral"
    code = reply["blocks"][1]["text"]["text"]
    assert code.startswith("```#separator:comma\n") and code.endswith("```")
    rows = list(csv.reader(io.StringIO(code.strip("`"))))
    assert len([r for r in rows if not r[0].startswith("#")]) == 1
    assert http_bot.fake.calls("files.completeUploadExternal") == []
    assert http_bot.fake.calls("chat.postMessage")[-1]["channel"] != "DU1"  # nothing posted in a DM


async def test_long_misses_are_uploaded_to_the_members_direct_messages(http_bot: SlackBot) -> None:
    await play_rounds(http_bot, [{"U1": False}] * 12)
    await misses_command(http_bot, "U1", "misses yaml")
    reply = await http_bot.fake.wait_for_ephemeral("U1")
    assert "Sent to your direct messages" in reply["text"] and "misses-member-u1.yaml" in reply["text"]
    [shared] = http_bot.fake.files()
    assert shared["channel_id"] == "DU1" and shared["title"] == "misses-member-u1.yaml"
    assert shared["content"].decode().startswith("deck: misses-member-u1\n")
    assert [c["users"] for c in http_bot.fake.calls("conversations.open")] == ["U1"]


async def test_a_member_with_no_misses_is_told_so_privately(http_bot: SlackBot) -> None:
    await play_rounds(http_bot, [{"U2": True}])
    await misses_command(http_bot, "U2")
    reply = await http_bot.fake.wait_for_ephemeral("U2")
    assert reply["response_type"] == "ephemeral" and "no missed cards" in reply["text"]
