"""Hint and Report buttons and the /quiz hint, /quiz report, /quizadmin reports commands,
through the real discord.py client and the fake Discord."""

from __future__ import annotations

from pathlib import Path

from bot.quiz.ports import ChannelRef, Member
from tests.chat.discord.conftest import Quiz, start_quiz, stop_quiz
from tests.chat.discord.test_round import custom_ids, open_question
from tests.fakes.discord import FakeDiscord
from tests.helpers import Clock


async def open_text_question(quiz: Quiz) -> tuple[int, int]:
    """A free-text round opened by the owner; (message id, round id)."""
    guild = quiz.fake.world.guild.id
    channel = ChannelRef("discord", f"discord:{guild}", str(quiz.channel_id))
    before = len(quiz.fake.requests)
    owner = Member(quiz.key(quiz.owner), "Guild Owner", is_admin=True)
    assert await quiz.service.ask(channel, owner, kind="text") is None
    post = await quiz.posted_question(after=before)
    message_id = int(post.response["id"])
    (round_id,) = {int(c.split(":")[2]) for c in custom_ids(quiz.fake.message(message_id))}
    return message_id, round_id


async def test_hint_button_replies_privately_with_escaped_underscores_and_is_stored(quiz: Quiz) -> None:
    message_id, round_id = await open_text_question(quiz)
    assert custom_ids(quiz.fake.message(message_id)) == [f"quiz:type:{round_id}", f"quiz:hint:{round_id}"]

    reply = await quiz.click(message_id, f"quiz:hint:{round_id}", user=quiz.fake.world.alice)

    assert reply.ephemeral and reply.content and reply.content.startswith("Hint: ")
    assert "\\_" in reply.content  # an underscore shows as one, not as italics
    row = await quiz.db.fetchone(
        "SELECT m.key FROM hints h JOIN members m ON m.id = h.member_id WHERE h.round_id = ?", (round_id,))
    assert row is not None and row[0] == quiz.key(quiz.fake.world.alice)


async def test_report_button_on_the_reveal_records_one_report_per_member(quiz: Quiz) -> None:
    message_id, _, question = await open_question(quiz)
    await quiz.command("quizadmin", subcommand="close", user=quiz.owner)
    await quiz.fake.wait_for("PATCH", rf"/channels/{quiz.channel_id}/messages/{message_id}")
    report_id = f"report:{question['deck_id']}:{question['card_id']}"
    assert custom_ids(quiz.fake.message(message_id)) == [report_id]

    first = await quiz.click(message_id, report_id, user=quiz.fake.world.bob)
    again = await quiz.click(message_id, report_id, user=quiz.fake.world.bob)

    assert first.ephemeral and first.content and first.content.startswith("✅ Thanks, reported")
    assert again.content and "updated" in again.content
    rows = await quiz.db.fetchall("SELECT deck_id, card_id, reason FROM card_reports")
    assert [tuple(r) for r in rows] == [(question["deck_id"], question["card_id"], "")]


async def test_report_command_with_a_reason_then_admin_lists_and_resolves(quiz: Quiz) -> None:
    message_id, _, question = await open_question(quiz)
    await quiz.command("quizadmin", subcommand="close", user=quiz.owner)
    await quiz.fake.wait_for("PATCH", rf"/channels/{quiz.channel_id}/messages/{message_id}")

    reported = await quiz.command("quiz", {"reason": "the **answer** is @everyone's guess"}, subcommand="report")
    refused = await quiz.command("quizadmin", subcommand="reports", user=quiz.fake.world.alice)
    listed = await quiz.command("quizadmin", subcommand="reports", user=quiz.owner)
    resolved = await quiz.command("quizadmin", {"resolve": 1}, subcommand="reports", user=quiz.owner)

    assert reported.content and reported.content.startswith("✅ Thanks, reported")
    assert refused.content and "Only admins" in refused.content
    assert listed.content and f"#1 {question['deck_id']}/{question['card_id']}" in listed.content
    assert "\\*\\*answer\\*\\*" in listed.content and "@everyone" not in listed.content
    assert "`/quizadmin reports resolve:ID`" in listed.content
    assert resolved.content and resolved.content.startswith("✅ Resolved 1 report(s)")


async def test_define_answer_has_a_report_button_for_its_card(quiz: Quiz) -> None:
    reply = await quiz.command("define", {"term": "NMS"})

    assert "report:demo:nms" in reply.custom_ids


async def test_report_button_of_a_reveal_posted_before_a_restart_still_records(
        synced: FakeDiscord, tmp_path: Path) -> None:
    clock = Clock()
    before = await start_quiz(synced, tmp_path / "quiz.db", clock)
    message_id, _, question = await open_question(before)
    await before.command("quizadmin", subcommand="close", user=before.owner)
    await synced.wait_for("PATCH", rf"/channels/{before.channel_id}/messages/{message_id}")
    await stop_quiz(before)

    after = await start_quiz(synced, tmp_path / "quiz.db", clock)
    try:
        reply = await after.click(message_id, f"report:{question['deck_id']}:{question['card_id']}")
        assert reply.content and reply.content.startswith("✅ Thanks, reported")
        rows = await after.db.fetchall("SELECT deck_id, card_id FROM card_reports")
        assert [tuple(r) for r in rows] == [(question["deck_id"], question["card_id"])]
    finally:
        await stop_quiz(after)
