"""Slack and Discord served by one `quizbot run` over one database."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.chat.slack.test_cli_subprocess import SECRET
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import send, slash_command
from tests.process import free_port, wait_for_port

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)

REPO = Path(__file__).resolve().parents[2]


async def test_one_process_serves_slack_and_discord_over_one_database(
    fake_slack: FakeSlack, fake_discord: FakeDiscord, tmp_path: Path,
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "QUIZBOT_")) and k.lower() not in {"https_proxy", "http_proxy"}}
    env |= {"SLACK_BOT_TOKEN": "xoxb-both", "SLACK_SIGNING_SECRET": SECRET, "SLACK_HTTP_PORT": str(port),
            "SLACK_HTTP_HOST": "127.0.0.1", "SLACK_API_URL": fake_slack.api_url,
            "DISCORD_TOKEN": fake_discord.token, "DISCORD_API_URL": fake_discord.api_base,
            "DISCORD_GATEWAY_URL": fake_discord.gateway_url, "PYTHONPATH": str(REPO)}
    db = tmp_path / "both.db"
    sync = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "discord", "sync", "--guild", str(fake_discord.world.guild.id),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    assert await asyncio.wait_for(sync.wait(), 30) == 0
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--db", str(db), "--decks", str(REPO / "decks"), "--seed", "3",
        cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await wait_for_port(port, bot)
        reply = await send(f"http://127.0.0.1:{port}/slack/events",
                           slash_command("/quiz", "now", response_url=fake_slack.response_url()), SECRET)
        assert reply.status == 200
        await fake_slack.wait_for("chat.postMessage")

        async with fake_discord.state.changed:
            await asyncio.wait_for(
                fake_discord.state.changed.wait_for(lambda: bool(fake_discord.identify_payloads)), 20)
        asked = await fake_discord.wait_for_callback(
            await fake_discord.slash_command("quiz", subcommand="now", user=fake_discord.world.guild.owner))
        assert asked.content == "✅ Question posted."
        await fake_discord.wait_for("POST", rf"/channels/{fake_discord.world.guild.text_channel.id}/messages")
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(bot.communicate(), 20)
    logs = err.decode()
    assert bot.returncode == 0, logs
    assert "adapter=slack" in logs and "adapter=discord" in logs and out == b""  # no console beside them
    with sqlite3.connect(db) as conn:
        platforms = {row[0] for row in conn.execute(
            "SELECT c.platform FROM rounds r JOIN channels c ON c.id = r.channel_id")}
    assert platforms == {"slack", "discord"}
