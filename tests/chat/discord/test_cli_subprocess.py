"""The real command line against the fake Discord: `quizbot discord sync`, then `quizbot run`
with DISCORD_API_URL / DISCORD_GATEWAY_URL pointing at the fake, playing a round."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.fakes.discord import FakeDiscord

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)

REPO = Path(__file__).resolve().parents[3]
STRIPPED = ("SLACK_", "DISCORD_", "QUIZBOT_", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")


def env_for(fake: FakeDiscord) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(STRIPPED)}
    env |= {"DISCORD_TOKEN": fake.token, "DISCORD_API_URL": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url, "PYTHONPATH": str(REPO)}
    return env


async def quizbot(fake: FakeDiscord, cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run `python -m bot ARGS` to completion without blocking the fake's event loop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=env_for(fake),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_discord_sync_registers_the_commands_in_one_guild(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    guild = fake_discord.world.guild.id

    code, out, err = await quizbot(fake_discord, tmp_path, "discord", "sync", "--guild", str(guild))

    assert code == 0, err
    assert out.strip() == f"Synced 4 command(s) to server {guild}: /define, /quiz, /quizadmin, /leaderboard"
    put = await fake_discord.wait_for("PUT", rf"/applications/\d+/guilds/{guild}/commands")
    assert {c["name"] for c in put.json} == {"define", "quiz", "quizadmin", "leaderboard"}
    assert fake_discord.identify_payloads == [], "sync uses REST only"


async def test_discord_sync_with_a_refused_token_fails_clearly(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    fake_discord.fail_next("GET", "/users/@me", 401)

    code, _, err = await quizbot(fake_discord, tmp_path, "discord", "sync")

    assert code == 1
    assert "refused the token" in err


async def test_quizbot_run_plays_a_round_against_the_fake(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    fake = fake_discord
    code, _, err = await quizbot(fake, tmp_path, "discord", "sync", "--guild", str(fake.world.guild.id))
    assert code == 0, err
    db = tmp_path / "quiz.db"
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--db", str(db), "--decks", str(REPO / "decks"), "--seed", "1",
        cwd=tmp_path, env=env_for(fake) | {"QUIZBOT_LOG_LEVEL": "DEBUG"}, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        async with fake.state.changed:
            await asyncio.wait_for(fake.state.changed.wait_for(lambda: bool(fake.identify_payloads)), 20)
        owner, alice = fake.world.guild.owner, fake.world.alice
        channel = fake.world.guild.text_channel.id

        asked = await fake.wait_for_reply(await fake.slash_command("quiz", subcommand="now", user=owner))
        assert asked == "✅ Question posted."
        post = await fake.wait_for("POST", rf"/channels/{channel}/messages")
        message_id = int(post.response["id"])
        buttons = [c["custom_id"] for row in post.json["components"] for c in row["components"]]
        if buttons[0].startswith("quiz:answer:"):
            answered = await fake.wait_for_callback(await fake.click(message_id, buttons[0], user=alice))
        else:
            await fake.wait_for_callback(await fake.click(message_id, buttons[0], user=alice))
            submit = await fake.submit_modal(buttons[0], {"answer": "a guess"}, user=alice)
            answered = await fake.wait_for_callback(submit)
        assert answered.content and answered.content.startswith("✅ Answer recorded")

        closed = await fake.wait_for_reply(await fake.slash_command("quizadmin", subcommand="close", user=owner))
        assert closed == "✅ Revealed."
        await fake.wait_for("PATCH", rf"/channels/{channel}/messages/{message_id}")
        assert "closed" in fake.message(message_id)["embeds"][0]["title"]
        board = await fake.wait_for_callback(await fake.slash_command("leaderboard", {"period": "all"}, user=alice))
        assert board.embeds[0]["title"] == "Leaderboard: all time in this channel"
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGTERM)
        _, err_bytes = await asyncio.wait_for(bot.communicate(), 20)
    assert bot.returncode == 0, err_bytes.decode()
    assert "level=error" not in err_bytes.decode() and "warning logger=discord" not in err_bytes.decode()
    assert fake.token not in err_bytes.decode(), "the token never reaches the log"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone() == (1,)
