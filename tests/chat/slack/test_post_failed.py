"""A question Slack refuses to post: the member is told Slack's reason, as Discord members are.

The reason travels with the error (``ChatError.member_reason`` -> ``PostFailed.reason``), not
through a Slack-only side channel, and becomes a line of the same error reply on every platform
(see tests/chat/discord/test_post_failed.py).
"""

from __future__ import annotations

from tests.chat.slack.conftest import ADMIN_ID, SlackBot
from tests.fakes.slack import RESPONSE_URL_METHOD
from tests.fakes.slack_requests import slash_command

HEADLINE = "The question could not be posted here. Is the bot a member of this channel?"
NOT_IN_CHANNEL = "Slack says I am not in this channel: invite me (`/invite @quizbot`) and try again."


async def slash(bot: SlackBot, text: str) -> dict[str, object]:
    """``/quiz TEXT`` from the admin; the one ephemeral reply it gets."""
    before = len(bot.fake.calls(RESPONSE_URL_METHOD))
    url = bot.fake.response_url()
    assert (await bot.send(slash_command("/quiz", text, user_id=ADMIN_ID, response_url=url))).status == 200
    await bot.fake.wait_for(RESPONSE_URL_METHOD, lambda _: len(bot.fake.calls(RESPONSE_URL_METHOD)) > before)
    await bot.settle()
    replies = bot.fake.calls(RESPONSE_URL_METHOD)[before:]
    assert len(replies) == 1, replies
    return replies[0]


async def test_refused_question_post_tells_the_slack_member_why_as_a_line_of_the_error(http_bot: SlackBot) -> None:
    http_bot.fake.fail("chat.postMessage", "not_in_channel")

    reply = await slash(http_bot, "now")

    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == f"Error: {HEADLINE}\n  {NOT_IN_CHANNEL}"  # the notification text; the blocks alike
    assert await http_bot.db.fetchall("SELECT id FROM rounds") == []


async def test_session_stopped_where_its_result_cannot_be_posted_says_why(http_bot: SlackBot) -> None:
    started = await slash(http_bot, "start 3")
    assert "Starting 3 question(s)" in str(started["text"])
    http_bot.fake.fail("chat.postMessage", "not_in_channel")

    stopped = await slash(http_bot, "stop")

    assert stopped["text"] == ("Session stopped after 0 question(s).\n"
                               f"  Its result could not be posted: {NOT_IN_CHANNEL}")
