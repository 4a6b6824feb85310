"""Hint and Report buttons over HTTP mode: signed clicks into the real bolt app, replies and
rows checked through the fake Slack Web API and the SQLite file."""

from __future__ import annotations

from bot.chat.slack.identity import channel_ref, member_key
from bot.quiz.ports import Member
from tests.chat.slack.conftest import ADMIN_ID, SlackBot, buttons, click
from tests.fakes.slack import CHANNEL_ID, RESPONSE_URL_METHOD, TEAM_ID
from tests.fakes.slack_requests import slash_command

CHANNEL = channel_ref(TEAM_ID, CHANNEL_ID)
ADMIN = Member(member_key(TEAM_ID, ADMIN_ID), "Ada", is_admin=True)


async def command(bot: SlackBot, name: str, text: str = "", user_id: str = "U0MEMBER") -> None:
    reply = await bot.send(slash_command(name, text, user_id=user_id, response_url=bot.fake.response_url()))
    assert reply.status == 200


async def test_hint_button_on_a_free_text_question_tells_only_the_clicker_the_first_letters(
        http_bot: SlackBot) -> None:
    fake = http_bot.fake
    assert await http_bot.service.ask(CHANNEL, ADMIN, kind="text") is None
    question = await http_bot.question()
    hint_id = f"quiz:hint:{question.round_id}"
    assert hint_id in question.action_ids

    assert (await http_bot.send(click(hint_id, "U1", fake))).status == 200
    notice = await fake.wait_for_ephemeral("U1")  # through the click's response_url: to U1 alone
    assert notice["response_type"] == "ephemeral"
    assert notice["text"].startswith("Hint: ") and "half" in notice["text"]
    await http_bot.settle()
    row = await http_bot.db.fetchone(
        "SELECT m.key FROM hints h JOIN members m ON m.id = h.member_id WHERE h.round_id = ?", (question.round_id,))
    assert row[0] == member_key(TEAM_ID, "U1")


async def test_report_button_on_the_reveal_records_the_card_and_thanks_privately(http_bot: SlackBot) -> None:
    fake = http_bot.fake
    await command(http_bot, "/quiz", "now")
    question = await http_bot.question()
    await command(http_bot, "/quiz", "close", user_id=ADMIN_ID)
    reveal = await fake.wait_for("chat.update")
    row = await http_bot.service.ctx.stores.rounds.get(question.round_id)
    report_id = f"report:{row.question.deck_id}:{row.question.card_id}"
    assert buttons(reveal) == [report_id]

    for _ in range(2):  # a second click updates the report, never adds one
        assert (await http_bot.send(click(report_id, "U2", fake))).status == 200
    await fake.wait_for_ephemeral("U2", lambda a: "updated" in a["text"])
    await http_bot.settle()
    stored = await http_bot.db.fetchall(
        "SELECT m.key, r.deck_id, r.card_id, r.reason FROM card_reports r JOIN members m ON m.id = r.member_id")
    assert [tuple(r) for r in stored] == [
        (member_key(TEAM_ID, "U2"), row.question.deck_id, row.question.card_id, "")]


async def test_define_answer_carries_a_report_button_for_its_card(http_bot: SlackBot) -> None:
    await command(http_bot, "/define", "dropout")
    body = await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert "report:demo:dropout" in buttons(body)


async def test_reports_listing_is_refused_to_members_and_shown_to_admins(http_bot: SlackBot) -> None:
    fake = http_bot.fake
    await http_bot.service.report_card(Member(member_key(TEAM_ID, "U3"), "Cy"), "demo", "adam", "<!channel> wrong")
    await command(http_bot, "/quiz", "reports", user_id="U0MEMBER")
    refused = await fake.wait_for(RESPONSE_URL_METHOD, lambda a: "Only admins" in a.get("text", ""))
    assert refused["response_type"] == "ephemeral"
    await command(http_bot, "/quiz", "reports", user_id=ADMIN_ID)
    listing = await fake.wait_for(RESPONSE_URL_METHOD, lambda a: "demo/adam" in a.get("text", ""))
    assert "<!channel>" not in str(listing["blocks"]) and "&lt;!channel&gt; wrong" in str(listing["blocks"])
