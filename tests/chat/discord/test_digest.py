"""The weekly digest on Discord: one message, the embed (board, hardest card, streaks) with the
chart PNG attached as a file (multipart) and shown as the embed's image."""

from __future__ import annotations

from tests.chat.discord.conftest import Quiz
from tests.chat.discord.test_round import open_question
from tests.fakes.discord import RecordedRequest


async def play_one_round(quiz: Quiz) -> None:
    message_id, round_id, question = await open_question(quiz)
    right = int(question["correct"])  # type: ignore[call-overload]
    world = quiz.fake.world
    for member, choice in ((world.alice, right), (world.bob, (right + 1) % 4)):
        await quiz.click(message_id, f"quiz:answer:{round_id}:{choice}", user=member)
    closed = await quiz.command("quizadmin", subcommand="close", user=quiz.owner)
    assert closed.content == "✅ Revealed."


async def digest_post(quiz: Quiz) -> RecordedRequest:
    """``/quizadmin digest now`` by the owner (drawing the chart may take long enough for the bot
    to defer its reply); the digest's post."""
    before = len(quiz.fake.requests)
    sent = await quiz.fake.slash_command("quizadmin", {}, group="digest", subcommand="now", user=quiz.owner)
    assert await quiz.fake.wait_for_reply(sent) == "✅ Digest posted."
    return await quiz.fake.wait_for("POST", rf"/channels/{quiz.channel_id}/messages", after=before)


async def test_digest_now_posts_the_embed_with_the_chart_attached(quiz: Quiz) -> None:
    await play_one_round(quiz)

    post = await digest_post(quiz)

    [part] = post.files
    assert part.field == "files[0]" and part.filename.startswith("weekly-digest-")
    assert part.data.startswith(b"\x89PNG\r\n\x1a\n") and len(part.data) > 5000
    message = quiz.fake.message(int(post.response["id"]))
    [attachment] = message["attachments"]
    assert attachment["filename"] == part.filename and attachment["size"] == len(part.data)
    [embed] = message["embeds"]
    assert embed["title"].startswith("Weekly digest: ")
    assert embed["image"]["url"] == f"attachment://{part.filename}"
    assert "` 1.` Alice: **10** pts" in embed["description"]
    assert [f["name"] for f in embed["fields"]] == ["Hardest card"]
    assert post.json["allowed_mentions"] == {"parse": []}


async def test_member_without_manage_server_cannot_post_or_add_a_digest(quiz: Quiz) -> None:
    await play_one_round(quiz)
    alice = quiz.fake.world.alice
    before = len(quiz.fake.requests)

    posted = await quiz.fake.slash_command("quizadmin", {}, group="digest", subcommand="now", user=alice)
    added = await quiz.fake.slash_command("quizadmin", {"when": "fri 16:00"}, group="digest", subcommand="add",
                                          user=alice)

    assert "Only admins" in str(await quiz.fake.wait_for_reply(posted))
    assert "Only admins" in str(await quiz.fake.wait_for_reply(added))
    assert not [r for r in quiz.fake.requests[before:] if r.method == "POST" and r.files]
    assert await quiz.db.fetchall("SELECT id FROM digests") == []


async def test_digest_added_on_discord_is_listed_with_the_schedules_and_removed(quiz: Quiz) -> None:
    added = await quiz.command("quizadmin", {"when": "fri 16:00", "timezone": "Europe/Berlin"}, group="digest",
                               subcommand="add", user=quiz.owner)
    listed = await quiz.command("quiz", group="schedule", subcommand="list", user=quiz.fake.world.alice)
    removed = await quiz.command("quizadmin", {"id": 1}, group="digest", subcommand="remove", user=quiz.owner)

    assert added.content and added.content.startswith("✅ Digest #1 added: fri 16:00 (Europe/Berlin)")
    assert listed.content and "Digest #1 fri 16:00 (Europe/Berlin)" in listed.content
    assert removed.content == "✅ Digest #1 removed."
