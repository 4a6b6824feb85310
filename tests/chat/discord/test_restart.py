"""Buttons outlive the process: a question posted before a restart still takes answers and is
revealed in place afterwards."""

from __future__ import annotations

from pathlib import Path

from tests.chat.discord.conftest import start_quiz, stop_quiz
from tests.chat.discord.test_round import open_question
from tests.fakes.discord import FakeDiscord
from tests.helpers import Clock


async def test_click_on_a_question_posted_before_a_restart_is_recorded_and_revealed(
        synced: FakeDiscord, tmp_path: Path) -> None:
    clock = Clock()
    before = await start_quiz(synced, tmp_path / "quiz.db", clock)
    message_id, round_id, _ = await open_question(before)
    await stop_quiz(before)

    after = await start_quiz(synced, tmp_path / "quiz.db", clock)
    try:
        alice = synced.world.alice
        reply = await after.click(message_id, f"quiz:answer:{round_id}:1", user=alice)
        opened = await after.click(message_id, f"quiz:type:{round_id}", user=synced.world.bob)
        submit = await synced.submit_modal(f"quiz:type:{round_id}", {"answer": "A"}, user=synced.world.bob)
        typed = await synced.wait_for_callback(submit)

        assert reply.ephemeral and reply.content == (
            "✅ Answer recorded: B. The answer is revealed when the round closes.")
        assert opened.type == 9
        assert typed.content and typed.content.startswith("✅ Answer recorded: A")
        assert [(key, choice) for key, choice, _, _ in await after.answers()] == [
            (after.key(alice), 1), (after.key(synced.world.bob), 0)]

        await after.command("quizadmin", subcommand="close", user=after.owner)
        await synced.wait_for("PATCH", rf"/channels/{after.channel_id}/messages/{message_id}")
        assert synced.message(message_id)["embeds"][0]["title"].startswith(f"Round {round_id} closed")
    finally:
        await stop_quiz(after)
