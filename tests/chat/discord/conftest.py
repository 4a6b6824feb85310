"""A quiz service on a temporary SQLite file, a Discord adapter connected to the fake Discord,
and helpers that read like a member's actions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import start_adapter
from bot.chat.discord.adapter import DiscordAdapter
from bot.chat.discord.commands import sync_commands
from bot.quiz.context import QuizSettings
from bot.quiz.service import QuizService
from bot.store.db import Database
from tests.fakes.discord import FakeDiscord, InteractionCallback, RecordedRequest
from tests.fakes.discord_payloads import FakeMember, FakeUser
from tests.helpers import Clock, make_service

SETTINGS = QuizSettings(counter_interval_s=60.0)
"""No "N answered" refresh during a test round: the only edit is the reveal."""


@dataclass
class Quiz:
    """One running bot: the fake Discord, the adapter, and the service and database behind it."""

    fake: FakeDiscord
    adapter: DiscordAdapter
    service: QuizService
    db: Database
    clock: Clock
    db_path: Path

    @property
    def channel_id(self) -> int:
        return self.fake.world.guild.text_channel.id

    @property
    def owner(self) -> FakeMember:
        """Owns the server, so has Manage Server."""
        return self.fake.world.guild.owner

    async def command(self, name: str, options: dict[str, object] | None = None, *,
                      user: FakeMember | None = None, group: str | None = None,
                      subcommand: str | None = None) -> InteractionCallback:
        """Run a slash command and return the bot's answer to it."""
        sent = await self.fake.slash_command(name, options or {}, user=user, group=group,  # type: ignore[arg-type]
                                             subcommand=subcommand)
        return await self.fake.wait_for_callback(sent)

    async def click(self, message_id: int, custom_id: str, user: FakeMember | None = None) -> InteractionCallback:
        sent = await self.fake.click(message_id, custom_id, user=user)
        return await self.fake.wait_for_callback(sent)

    async def posted_question(self, after: int = 0) -> RecordedRequest:
        """The bot's post of a question in the quiz channel."""
        return await self.fake.wait_for("POST", rf"/channels/{self.channel_id}/messages", after=after)

    async def answers(self) -> list[tuple[str, int | None, str | None, int]]:
        """(member key, choice, text, correct) of every stored answer."""
        await self.service.ctx.stores.answers.flush()
        rows = await self.db.fetchall(
            "SELECT m.key, a.choice, a.text, a.correct FROM answers a JOIN members m ON m.id = a.member_id "
            "ORDER BY a.id")
        return [(str(r[0]), r[1], r[2], int(r[3])) for r in rows]

    async def question(self, round_id: int) -> dict[str, object]:
        row = await self.db.fetchone("SELECT question FROM rounds WHERE id = ?", (round_id,))
        assert row is not None
        return dict(json.loads(row[0]))

    def key(self, user: FakeMember | FakeUser) -> str:
        user_id = user.user.id if isinstance(user, FakeMember) else user.id
        return f"discord:{self.fake.world.guild.id}:{user_id}"


async def start_quiz(fake: FakeDiscord, db_path: Path, clock: Clock | None = None, *,
                     defer_after: float = 1.5) -> Quiz:
    clock = clock or Clock()
    service, db = await make_service(db_path, clock, settings=SETTINGS)
    adapter = DiscordAdapter(service, fake.token, guild_ready_timeout=0.01, defer_after=defer_after)
    await start_adapter(service, adapter)
    await adapter.wait_ready(timeout=5)
    return Quiz(fake, adapter, service, db, clock, db_path)


async def stop_quiz(quiz: Quiz) -> None:
    await quiz.adapter.stop()
    await quiz.service.shutdown()
    await quiz.db.close()



@pytest.fixture
async def synced(fake_discord: FakeDiscord) -> FakeDiscord:
    """The fake with our commands synced to its guild, as `quizbot discord sync --guild` does."""
    await sync_commands(fake_discord.token, fake_discord.world.guild.id)
    return fake_discord


@pytest.fixture
async def quiz(synced: FakeDiscord, tmp_path: Path) -> AsyncIterator[Quiz]:
    running = await start_quiz(synced, tmp_path / "quiz.db")
    try:
        yield running
    finally:
        await stop_quiz(running)
