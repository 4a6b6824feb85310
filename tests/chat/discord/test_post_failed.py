"""A question Discord refuses to post: the member is told Discord's reason, as Slack members are.

The reason travels with the error (``ChatError.member_reason`` -> ``PostFailed.reason``) and
becomes a line of the same error reply on every platform (see tests/chat/slack/test_post_failed.py).
"""

from __future__ import annotations

import pytest

from tests.chat.discord.conftest import Quiz

HEADLINE = "⚠️ The question could not be posted here. Is the bot a member of this channel?"


@pytest.mark.parametrize(("status", "body", "told"), [
    (403, {"message": "Missing Access", "code": 50001},
     "Discord says I cannot see this channel: give me View Channel here and try again."),
    (403, None, ("Discord says I lack permission here: give me View Channel, Send Messages and Embed Links "
                 "in this channel and try again.")),
    (404, None, "Discord says this channel is gone or hidden from me."),
])
async def test_refused_question_post_tells_the_discord_member_why(
        quiz: Quiz, status: int, body: dict[str, object] | None, told: str) -> None:
    quiz.fake.fail_next("POST", rf"/channels/{quiz.channel_id}/messages", status, body=body)

    reply = await quiz.command("quiz", subcommand="now", user=quiz.owner)

    assert reply.ephemeral
    assert reply.content == f"{HEADLINE}\n• {told}"
    assert await quiz.db.fetchall("SELECT id FROM rounds") == []  # withdrawn: the channel stays free


async def test_session_stopped_where_its_result_cannot_be_posted_says_why(quiz: Quiz) -> None:
    started = await quiz.command("quiz", {"count": 3}, subcommand="start", user=quiz.owner)
    assert started.content.startswith("✅ Starting 3 question(s)")
    quiz.fake.fail_next("POST", rf"/channels/{quiz.channel_id}/messages", 403)

    stopped = await quiz.command("quiz", subcommand="stop", user=quiz.owner)

    assert stopped.content.startswith("✅ Session stopped after")
    assert stopped.content.endswith("• Its result could not be posted: Discord says I lack permission here: give "
                                    "me View Channel, Send Messages and Embed Links in this channel and try again.")
