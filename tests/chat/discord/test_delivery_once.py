"""A replayed INTERACTION_CREATE (same interaction id) applies its command once; an answer is
responded to only once it is stored; a stopping adapter answers new interactions with
"restarting" and changes nothing."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest

from tests.chat.discord.conftest import Quiz
from tests.fakes.discord import FakeDiscord

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)


async def settled(quiz: Quiz) -> None:
    await quiz.adapter.handlers.drain(5.0)


async def ignored(caplog: pytest.LogCaptureFixture, count: int) -> list[str]:
    """Wait (up to 5 s) until the bot has logged ``count`` ignored repeats; returns the lines."""
    for _ in range(250):
        lines = [r.getMessage() for r in caplog.records if "event=discord_repeat_ignored" in r.getMessage()]
        if len(lines) >= count:
            return lines
        await asyncio.sleep(0.02)
    raise AssertionError(f"{count} repeats were not ignored")


async def test_replayed_group_create_interaction_creates_one_group(
        quiz: Quiz, synced: FakeDiscord, caplog: pytest.LogCaptureFixture) -> None:
    sent = await synced.slash_command("quiz", {"name": "owls"}, group="group", subcommand="create")
    first = await synced.wait_for_callback(sent)

    with caplog.at_level(logging.INFO, logger="bot.chat.discord"):
        await synced.replay(sent)
        lines = await ignored(caplog, 1)
    await settled(quiz)

    assert first.content is not None and "owls" in first.content
    assert len(await quiz.db.fetchall("SELECT id FROM groups")) == 1
    assert len(lines) == 1 and f"interaction={sent.id}" in lines[0]


async def test_replayed_schedule_add_interaction_creates_one_schedule(
        quiz: Quiz, synced: FakeDiscord, caplog: pytest.LogCaptureFixture) -> None:
    sent = await synced.slash_command("quizadmin", {"when": "daily 07:00"}, group="schedule", subcommand="add",
                                      user=quiz.owner)
    await synced.wait_for_callback(sent)

    with caplog.at_level(logging.INFO, logger="bot.chat.discord"):
        await synced.replay(sent)
        await synced.replay(sent)
        await ignored(caplog, 2)
    await settled(quiz)

    assert len(await quiz.db.fetchall("SELECT id FROM schedules")) == 1


async def test_answer_click_is_responded_to_only_once_the_answer_is_committed(quiz: Quiz, synced: FakeDiscord) -> None:
    opened = await quiz.command("quiz", subcommand="now", user=quiz.owner)
    assert opened.content is not None
    posted = await quiz.posted_question()
    message_id = int(posted.response["id"])  # type: ignore[index]
    custom_id = next(c["custom_id"] for row in synced.message(message_id)["components"] for c in row["components"]
                     if c["custom_id"].startswith("quiz:answer:"))

    reply = await quiz.click(message_id, custom_id)

    assert reply.content is not None and "Answer recorded" in reply.content
    assert reply.type == 4  # the message itself, no "thinking" placeholder before the commit
    conn = sqlite3.connect(quiz.db_path)
    try:
        assert len(conn.execute("SELECT id FROM answers").fetchall()) == 1
    finally:
        conn.close()


async def test_stopping_adapter_tells_a_new_command_it_is_restarting_and_changes_nothing(
        quiz: Quiz, synced: FakeDiscord) -> None:
    quiz.adapter.handlers.refuse_new()

    reply = await quiz.command("quiz", {"name": "owls"}, group="group", subcommand="create")

    assert reply.content is not None and "restarting" in reply.content
    assert await quiz.db.fetchall("SELECT id FROM groups") == []
