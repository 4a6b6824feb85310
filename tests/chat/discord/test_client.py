"""Where the client connects, and how it is split into shards."""

from __future__ import annotations

from pathlib import Path

import discord
import pytest
import yarl

from bot.chat.discord.adapter import DiscordAdapter
from bot.chat.discord.client import ShardedQuizClient, api_base, configure_endpoints
from bot.config import load_settings
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
        await adapter.start()
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
