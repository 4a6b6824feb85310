"""The weekly digest on Slack: the text as blocks, then the chart shared in the channel through
the external upload flow (``files.getUploadURLExternal``, the bytes, ``files.completeUploadExternal``)."""

from __future__ import annotations

from tests.chat.slack.conftest import ADMIN_ID, SlackBot, click
from tests.fakes.slack import CHANNEL_ID, RESPONSE_URL_METHOD
from tests.fakes.slack_requests import slash_command
from tests.helpers import mrkdwn_texts


async def slash(bot: SlackBot, text: str, user_id: str = ADMIN_ID) -> None:
    url = bot.fake.response_url()
    assert (await bot.send(slash_command("/quiz", text, user_id=user_id, response_url=url))).status == 200
    await bot.settle()


async def play_one_round(bot: SlackBot) -> None:
    await slash(bot, "now")
    question = await bot.question()
    assert question.correct is not None
    right, wrong = question.action_ids[question.correct], question.action_ids[(question.correct + 1) % 4]
    for user, action_id in (("U1", right), ("U2", wrong)):
        assert (await bot.send(click(action_id, user, bot.fake, user_name=f"*{user.lower()}*"))).status == 200
    await bot.settle()
    await slash(bot, "close")
    await bot.fake.wait_for("chat.update")


async def test_digest_now_posts_the_board_and_shares_the_chart_png_in_the_channel(http_bot: SlackBot) -> None:
    await play_one_round(http_bot)

    await slash(http_bot, "digest now")

    completed = await http_bot.fake.wait_for("files.completeUploadExternal")
    assert completed["channel_id"] == CHANNEL_ID
    [shared] = http_bot.fake.shared_files
    assert shared.channel_id == CHANNEL_ID and shared.filename.startswith("weekly-digest-")
    assert shared.data.startswith(b"\x89PNG\r\n\x1a\n") and len(shared.data) > 5000
    assert shared.title.startswith("Weekly digest: ")
    posted = [c for c in http_bot.fake.calls("chat.postMessage") if "Weekly digest" in str(c["blocks"])]
    assert len(posted) == 1
    shown = str(posted[0]["blocks"])
    assert "Hardest card:" in shown
    board = mrkdwn_texts(posted[0]["blocks"])[1]
    assert "1. \u200b*\u200bu1\u200b*\u200b: *10* pts" in board  # the member's name as typed, its stars inert
    methods = [c.method for c in http_bot.fake.api_calls]
    assert methods.index("chat.postMessage", methods.index("chat.update")) < methods.index(
        "files.getUploadURLExternal") < methods.index("upload") < methods.index("files.completeUploadExternal")


async def test_digest_text_stays_posted_when_slack_refuses_the_upload(http_bot: SlackBot) -> None:
    await play_one_round(http_bot)
    http_bot.fake.fail("files.getUploadURLExternal", "missing_scope")

    await slash(http_bot, "digest now")

    assert any("Weekly digest" in str(c["blocks"]) for c in http_bot.fake.calls("chat.postMessage"))
    assert http_bot.fake.shared_files == []
    assert "Weekly digest" not in str(http_bot.fake.calls(RESPONSE_URL_METHOD)[-1]["text"])
    assert "Error" not in str(http_bot.fake.calls(RESPONSE_URL_METHOD)[-1]["text"])


async def test_member_who_is_not_an_admin_gets_a_refusal_and_nothing_is_posted(http_bot: SlackBot) -> None:
    await play_one_round(http_bot)

    await slash(http_bot, "digest now", user_id="U0MEMBER")

    reply = await http_bot.fake.wait_for(RESPONSE_URL_METHOD, lambda a: "Only admins" in str(a.get("text")))
    assert reply["response_type"] == "ephemeral"
    assert http_bot.fake.shared_files == []
