"""A whole round through the real discord.py client: post, clicks, the modal, close, reveal,
leaderboard; double clicks; deferred replies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.chat.discord.conftest import Quiz, start_quiz, stop_quiz
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord_payloads import FakeMember, FakeUser, snowflake

CAROL = FakeMember(FakeUser(snowflake(), "carol", "Carol"))


def round_of(custom_ids: list[str]) -> int:
    found = {int(m[1]) for c in custom_ids if (m := re.fullmatch(r"quiz:(?:answer|type):(\d+)(?::\d+)?", c))}
    (round_id,) = found
    return round_id


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message.get("components") or [] for c in row["components"]]


async def open_question(quiz: Quiz) -> tuple[int, int, dict[str, object]]:
    """`/quiz now` by the owner; returns (message id, round id, the question as stored)."""
    before = len(quiz.fake.requests)
    reply = await quiz.command("quiz", subcommand="now", user=quiz.owner)
    assert reply.ephemeral and reply.content == "✅ Question posted."
    post = await quiz.posted_question(after=before)
    message_id = int(post.response["id"])
    round_id = round_of(custom_ids(quiz.fake.message(message_id)))
    return message_id, round_id, await quiz.question(round_id)


async def test_full_round_clicks_modal_close_reveal_and_leaderboard(quiz: Quiz) -> None:
    world = quiz.fake.world
    message_id, round_id, question = await open_question(quiz)
    post = quiz.fake.message(message_id)
    assert question["kind"] == "choice"
    options = list(question["options"])  # type: ignore[call-overload]
    right = int(question["correct"])  # type: ignore[call-overload]
    wrong = (right + 1) % len(options)
    assert custom_ids(post) == [f"quiz:answer:{round_id}:{i}" for i in range(len(options))] + [
        f"quiz:type:{round_id}"]
    assert post["embeds"][0]["description"].startswith(str(question["prompt"]))
    sent = await quiz.fake.wait_for("POST", rf"/channels/{quiz.channel_id}/messages")
    assert sent.json["allowed_mentions"] == {"parse": []}

    replies = [await quiz.click(message_id, f"quiz:answer:{round_id}:{choice}", user=member)
               for member, choice in ((world.alice, right), (world.bob, wrong), (CAROL, right))]
    assert all(r.ephemeral and r.content and r.content.startswith("✅ Answer recorded") for r in replies)

    opened = await quiz.click(message_id, f"quiz:type:{round_id}", user=quiz.owner)
    assert opened.type == 9 and opened.data["custom_id"] == f"quiz:type:{round_id}"
    submit = await quiz.fake.submit_modal(f"quiz:type:{round_id}", {"answer": options[right]}, user=quiz.owner)
    typed = await quiz.fake.wait_for_callback(submit)
    assert typed.ephemeral and typed.content and typed.content.startswith("✅ Answer recorded")

    assert await quiz.answers() == [
        (quiz.key(world.alice), right, None, 1), (quiz.key(world.bob), wrong, None, 0),
        (quiz.key(CAROL), right, None, 1), (quiz.key(quiz.owner), right, None, 1)]

    closed = await quiz.command("quizadmin", subcommand="close", user=quiz.owner)
    assert closed.ephemeral and closed.content == "✅ Revealed."
    edit = await quiz.fake.wait_for("PATCH", rf"/channels/{quiz.channel_id}/messages/{message_id}")
    assert edit.json["allowed_mentions"] == {"parse": []}
    revealed = quiz.fake.message(message_id)
    assert custom_ids(revealed) == [f"report:{question['deck_id']}:{question['card_id']}"]  # answer buttons gone
    (embed,) = revealed["embeds"]
    assert embed["title"].startswith(f"Round {round_id} closed")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert options[right] in fields["Answer"]
    assert fields["Right (3 of 4)"] == "Alice, Carol, Guild Owner"
    edits = [r for r in quiz.fake.requests if r.method == "PATCH" and r.path.endswith(f"/{message_id}")]
    assert len(edits) == 1, "the question message is edited once, for the reveal"

    board = await quiz.command("leaderboard", user=world.bob)
    assert board.ephemeral
    lines = board.embeds[0]["description"].splitlines()
    names = [re.match(r"` ?\d+\.` (.+?): ", line)[1] for line in lines]  # type: ignore[index]
    assert names[:3] == ["Alice", "Carol", "Guild Owner"] and names[3] == "Bob"


async def test_second_click_from_the_same_member_is_counted_once(quiz: Quiz) -> None:
    message_id, round_id, _question = await open_question(quiz)
    alice = quiz.fake.world.alice

    first = await quiz.click(message_id, f"quiz:answer:{round_id}:0", user=alice)
    second = await quiz.click(message_id, f"quiz:answer:{round_id}:1", user=alice)

    assert first.content and first.content.startswith("✅ Answer recorded: A")
    assert second.ephemeral and second.content == "You already answered this round; your first answer counts."
    assert [(key, choice) for key, choice, _, _ in await quiz.answers()] == [(quiz.key(alice), 0)]


async def test_two_members_typing_in_the_same_round_are_both_recorded(quiz: Quiz) -> None:
    message_id, round_id, _question = await open_question(quiz)
    world = quiz.fake.world
    for member in (world.alice, world.bob):
        await quiz.click(message_id, f"quiz:type:{round_id}", user=member)
    for member, text in ((world.bob, "B"), (world.alice, "A")):
        submit = await quiz.fake.submit_modal(f"quiz:type:{round_id}", {"answer": text}, user=member)
        assert (await quiz.fake.wait_for_callback(submit)).content.startswith("✅ Answer recorded")  # type: ignore[union-attr]

    assert {(key, choice) for key, choice, _, _ in await quiz.answers()} == {
        (quiz.key(world.alice), 0), (quiz.key(world.bob), 1)}


async def test_slow_work_is_deferred_then_the_reply_replaces_the_placeholder(
        synced: FakeDiscord, tmp_path: Path) -> None:
    quiz = await start_quiz(synced, tmp_path / "quiz.db", defer_after=0.0)
    try:
        sent = await synced.slash_command("quiz", {}, subcommand="now", user=quiz.owner)
        deferred = await synced.wait_for_callback(sent)
        assert (deferred.type, deferred.ephemeral) == (5, True)
        await synced.wait_for("PATCH", rf"/webhooks/\d+/{sent.token}/messages/@original")
        assert synced.message(deferred.message_id or 0)["content"] == "✅ Question posted."
    finally:
        await stop_quiz(quiz)
