"""Where the client connects, and how it is split into shards."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl

from bot.app import start_adapter
from bot.chat.discord.adapter import DiscordAdapter
from bot.chat.discord.client import ShardedQuizClient, api_base, configure_endpoints
from bot.config import load_settings
from tests.chat.discord.conftest import start_quiz, stop_quiz
from tests.fakes.discord import FakeDiscord
from tests.helpers import Clock, make_service


def test_api_url_gets_the_api_version_unless_it_has_one() -> None:
    assert api_base("http://proxy:8080") == "http://proxy:8080/api/v10"
    assert api_base("http://proxy:8080/api/v10/") == "http://proxy:8080/api/v10"


def test_endpoints_point_all_of_discord_py_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY",
                        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)

    configure_endpoints("http://127.0.0.1:9/api/v10", "ws://127.0.0.1:9/gateway")

    assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
    assert yarl.URL("ws://127.0.0.1:9/gateway") == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


async def test_settings_with_shards_run_a_sharded_client_on_those_shards(
        fake_discord: FakeDiscord, tmp_path: Path) -> None:
    settings = load_settings(env={"DISCORD_TOKEN": fake_discord.token, "DISCORD_SHARD_COUNT": "2",
                                  "DISCORD_SHARD_IDS": "1"}, config_file=tmp_path / "none.yaml")
    service, db = await make_service(tmp_path / "quiz.db", Clock())
    adapter = DiscordAdapter.from_settings(settings, service, guild_ready_timeout=0.01)
    try:
        assert isinstance(adapter.client, ShardedQuizClient)
        await start_adapter(service, adapter)
        await adapter.wait_ready(timeout=5)
        assert adapter.connected
        assert fake_discord.identify_payloads[-1]["shard"] == [1, 2]
    finally:
        await adapter.stop()
        await service.shutdown()
        await db.close()
    assert not adapter.connected


def test_shard_ids_without_a_count_are_refused() -> None:
    from bot.chat.discord.client import make_client
    from bot.chat.discord.handlers import Handlers

    with pytest.raises(ValueError, match="DISCORD_SHARD_COUNT"):
        make_client(Handlers(None), shard_ids=(1,))  # type: ignore[arg-type]


# -- connection state for /healthz ------------------------------------------------------


class HeldResumes:
    """Holds the RESUMEs the fake gateway receives until ``release`` (the fake answers them at
    once otherwise, too fast to see the bot reconnecting)."""

    def __init__(self, fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
        self.arrived: asyncio.Queue[asyncio.Event] = asyncio.Queue()
        serve = fake.gateway._on_gateway_message

        async def on_message(ws: Any, message: dict[str, Any]) -> None:
            if message.get("op") == 6:
                gate = asyncio.Event()
                await self.arrived.put(gate)
                await gate.wait()
            await serve(ws, message)

        monkeypatch.setattr(fake.gateway, "_on_gateway_message", on_message)

    async def next(self) -> asyncio.Event:
        """The gate of the next RESUME to arrive; ``set()`` it to let RESUMED go out."""
        return await asyncio.wait_for(self.arrived.get(), 5)


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


async def test_dropped_gateway_reports_discord_down_until_the_session_resumes(
        synced: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    quiz = await start_quiz(synced, tmp_path / "quiz.db")
    try:
        held = HeldResumes(synced, monkeypatch)
        assert quiz.adapter.connected

        await synced.disconnect(code=4000)
        resume = await held.next()

        assert not quiz.adapter.connected
        assert quiz.adapter.client.is_ready(), "discord.py still says ready: the reason for tracking events"
        resume.set()
        await eventually(lambda: quiz.adapter.connected)
        assert len(synced.gateway.resume_payloads) == 1 and len(synced.identify_payloads) == 1
        reply = await quiz.command("define", {"term": "NMS"})
        assert reply.embeds[0]["title"] == "Non-maximum suppression"
    finally:
        await stop_quiz(quiz)
    assert not quiz.adapter.connected


async def test_sharded_bot_is_up_only_while_every_shard_it_runs_is_connected(
        fake_discord: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service, db = await make_service(tmp_path / "quiz.db", Clock())
    adapter = DiscordAdapter(service, fake_discord.token, shard_count=3, shard_ids=(0, 2),
                             guild_ready_timeout=0.01)

    async def no_identify_spacing(shard_id: int | None, *, initial: bool = False) -> None:
        pass  # discord.py waits 5 s between shards' IDENTIFYs (Discord's limit), needless here

    monkeypatch.setattr(adapter.client, "before_identify_hook", no_identify_spacing)
    try:
        await start_adapter(service, adapter)
        await adapter.wait_ready(timeout=5)
        assert adapter.connected
        held = HeldResumes(fake_discord, monkeypatch)

        await fake_discord.disconnect(code=4000)
        first, second = await held.next(), await held.next()
        assert not adapter.connected
        first.set()
        await eventually(lambda: len(fake_discord.gateway.resume_payloads) == 1)
        await asyncio.sleep(0.1)
        assert not adapter.connected, "one shard of two is still reconnecting"
        second.set()
        await eventually(lambda: adapter.connected)
        assert sorted(p["shard"][0] for p in fake_discord.identify_payloads) == [0, 2]
    finally:
        await adapter.stop()
        await service.shutdown()
        await db.close()
    assert not adapter.connected
