"""The fault suite's shared parts: the real ``quizbot run`` in a subprocess against the fake Slack
(HTTP mode, signed requests) or the fake Discord (gateway, REST, interactions), bursts of
answer clicks from distinct members, and the three counts each fault is judged by:

- **acknowledged**: the platform heard "got it" (HTTP 200 on Slack; an interaction response
  saying "Answer recorded" on Discord, where the ack is the confirmation);
- **stored**: the member's answer row in the SQLite file, read after the process ended;
- **confirmed**: the member was told "Answer recorded" at the fake platform.

Nothing here asserts a time: waits have generous ceilings for a shared, noisy machine.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import aiohttp
import pytest

from bot.chat.discord.commands import sync_commands
from tests.chat.slack.conftest import buttons
from tests.fakes.discord import FakeDiscord, FakeInteraction
from tests.fakes.discord_payloads import FakeMember, FakeUser, snowflake
from tests.fakes.slack import CHANNEL_ID, FakeSlack
from tests.fakes.slack_requests import HttpReply, SlackRequest, block_actions, send, slash_command
from tests.process import free_port, platform_env, wait_for_port

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]
DECKS = REPO / "decks"
SECRET = "fault-suite-signing-secret"
EXIT_CEILING_S = 40.0
"""How long a stopping process may take before the test calls it a hang (never an asserted time)."""


@dataclass
class Counts:
    """One fault's figures: who was acknowledged, stored and confirmed, out of ``sent`` members."""

    fault: str
    sent: int
    acknowledged: set[str]
    stored: set[str]
    confirmed: set[str]
    refused: set[str] = field(default_factory=set)
    """Acknowledged as a refusal: told their answer was not saved and to try again."""

    @property
    def lost(self) -> set[str]:
        """Acknowledged, not refused, yet not stored: must always be empty."""
        return self.acknowledged - self.refused - self.stored

    @property
    def unconfirmed(self) -> set[str]:
        """Acknowledged but never told "recorded"."""
        return self.acknowledged - self.confirmed

    def report(self) -> str:
        """One JSON line (shown with ``pytest -s``), the source of the README's figures."""
        return json.dumps({"fault": self.fault, "sent": self.sent, "acknowledged": len(self.acknowledged),
                           "stored": len(self.stored), "confirmed": len(self.confirmed),
                           "refused_clearly": len(self.refused), "acknowledged_not_stored": len(self.lost),
                           "acknowledged_not_confirmed": len(self.unconfirmed - self.refused),
                           "stored_not_acknowledged": len(self.stored - self.acknowledged)})


def stored_members(db_path: Path, prefix: str) -> set[str]:
    """The ids (last part of the member key) of everyone with an answer row whose key starts
    with ``prefix``; read with plain sqlite3 after the bot's process ended (a WAL left by a
    kill is recovered by this read, as it would be by the next start)."""
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT m.key FROM answers a JOIN members m ON m.id = a.member_id WHERE m.key LIKE ?",
                            (f"{prefix}%",)).fetchall()
    finally:
        conn.close()
    return {str(key).rsplit(":", 1)[1] for (key,) in rows}


def count_rows(db_path: Path, table: str) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


@dataclass
class BotProcess:
    """A running ``quizbot run``: stderr (the log) goes to a file, so it can never fill a pipe."""

    process: asyncio.subprocess.Process
    log_path: Path
    db_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no handler, no flush, no goodbye

    async def exited(self) -> int:
        """The exit code; AssertionError (a hang) past the ceiling."""
        try:
            return await asyncio.wait_for(self.process.wait(), EXIT_CEILING_S)
        except TimeoutError:
            raise AssertionError(f"quizbot did not exit; log tail: {self.log()[-2000:]}") from None

    async def close(self) -> None:
        """Whatever happened in the test, leave no process behind."""
        if self.running:
            self.process.kill()
        await self.process.wait()


async def start_bot(cwd: Path, env: dict[str, str], *args: str, db_name: str = "q.db",
                    log_name: str = "quizbot.log") -> BotProcess:
    db_path = cwd / db_name
    log_path = cwd / log_name
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--db", str(db_path), "--seed", "1", *args, cwd=cwd, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=log)
    return BotProcess(process, log_path, db_path)


# --------------------------------------------------------------------------- Slack


@dataclass
class SlackBotProcess(BotProcess):
    """``quizbot run`` in Slack HTTP mode; ``url`` takes signed requests."""

    fake: FakeSlack = field(repr=False, default=None)  # type: ignore[assignment]
    url: str = ""
    health_port: int | None = None

    async def send(self, request: SlackRequest) -> HttpReply:
        return await send(self.url, request, SECRET)

    async def ask(self) -> str:
        """``/quiz now``; returns the first option's action id of the posted question."""
        before = {buttons(a)[0] for a in self.fake.calls("chat.postMessage") if buttons(a)}
        reply = await self.send(slash_command("/quiz", "now", response_url=self.fake.response_url()))
        assert reply.status == 200, reply.text
        posted = await self.fake.wait_for(
            "chat.postMessage", lambda a: bool(buttons(a)) and buttons(a)[0] not in before, timeout=20)
        first = buttons(posted)[0]
        assert first.startswith("quiz:answer:"), f"seed 1 should ask a multiple-choice question, got {first}"
        return first

    def click(self, action_id: str, user: str) -> SlackRequest:
        return block_actions(action_id, action_id, user_id=user, user_name=user.lower(), channel_id=CHANNEL_ID,
                             response_url=self.fake.response_url())

    def confirmed(self) -> set[str]:
        """Members the fake Slack showed "Answer recorded"."""
        return {a["user"] for a in self.fake.calls("chat.postEphemeral") if "Answer recorded" in a["text"]}

    def told(self, user: str) -> list[str]:
        """Every ephemeral text the member was shown, in order."""
        return [a["text"] for a in self.fake.calls("chat.postEphemeral") if a["user"] == user]


async def start_slack_bot(fake: FakeSlack, cwd: Path, *, health: bool = False, db_name: str = "q.db",
                          log_name: str = "quizbot.log", **extra: str) -> SlackBotProcess:
    port = free_port()
    health_port = free_port() if health else None
    env = platform_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_HTTP_PORT=str(port),
                       SLACK_HTTP_HOST="127.0.0.1", SLACK_API_URL=fake.api_url, QUIZBOT_STOP_TIMEOUT="25", **extra)
    if health_port is not None:
        env["QUIZBOT_HTTP_ADDR"] = f"127.0.0.1:{health_port}"
    base = await start_bot(cwd, env, "--decks", str(DECKS), db_name=db_name, log_name=log_name)
    bot = SlackBotProcess(base.process, base.log_path, base.db_path, fake=fake,
                          url=f"http://127.0.0.1:{port}/slack/events", health_port=health_port)
    try:
        await wait_for_port(port, bot.process)
        if health_port is not None:
            await wait_for_port(health_port, bot.process)
    except BaseException:
        await bot.close()
        raise
    return bot


@pytest.fixture
async def slack_bots(fake_slack: FakeSlack) -> AsyncIterator[list[SlackBotProcess]]:
    """Bots the test starts are appended here and killed at teardown if still running."""
    bots: list[SlackBotProcess] = []
    try:
        yield bots
    finally:
        for bot in bots:
            await bot.close()


async def slack_burst(bot: SlackBotProcess, action_id: str, users: Iterable[str], *,
                      fault_after: int | None = None, fault: Callable[[], object] | None = None,
                      spacing_s: float = 0.005, statuses: dict[str, int | None] | None = None) -> dict[str, int | None]:
    """Each of ``users`` clicks ``action_id`` once, a steady stream ``spacing_s`` apart; once
    ``fault_after`` clicks were acknowledged, ``fault()`` runs while the stream goes on.
    Returns each user's HTTP status (None: no connection, so never acknowledged), filled in
    as they come into ``statuses`` when given (so ``fault`` can see them)."""
    statuses = {} if statuses is None else statuses
    acked = 0
    struck = asyncio.Event()

    async def click(user: str) -> None:
        nonlocal acked
        try:
            status: int | None = (await bot.send(bot.click(action_id, user))).status
        except aiohttp.ClientError:
            status = None
        statuses[user] = status
        if status == 200:
            acked += 1
            if fault is not None and fault_after is not None and acked >= fault_after and not struck.is_set():
                struck.set()
                fault()

    tasks = []
    for user in users:
        tasks.append(asyncio.create_task(click(user)))
        await asyncio.sleep(spacing_s)
    await asyncio.gather(*tasks)
    return statuses


# --------------------------------------------------------------------------- Discord


@pytest.fixture
async def synced_discord(fake_discord: FakeDiscord) -> FakeDiscord:
    """The fake with our commands synced to its guild, as ``quizbot discord sync --guild`` does."""
    await sync_commands(fake_discord.token, fake_discord.world.guild.id)
    return fake_discord


@dataclass
class DiscordBotProcess(BotProcess):
    """``quizbot run`` connected to the fake Discord."""

    fake: FakeDiscord = field(repr=False, default=None)  # type: ignore[assignment]

    def key_prefix(self) -> str:
        return f"discord:{self.fake.world.guild.id}:"

    async def unless_ended(self, work: Awaitable[T]) -> T | None:
        """``work``'s result, or None once the process has ended without it finishing."""
        task = asyncio.ensure_future(work)
        ended = asyncio.create_task(self.process.wait())
        try:
            await asyncio.wait({task, ended}, timeout=EXIT_CEILING_S, return_when=asyncio.FIRST_COMPLETED)
            if not task.done():
                await asyncio.wait({task}, timeout=0.2)  # a response already on the wire at the end
        finally:
            ended.cancel()
        if not task.done():
            task.cancel()  # only ever a shielded wait here: nothing of the fake's is interrupted
            return None
        return task.result()

    async def callback_text(self, sent: FakeInteraction) -> str | None:
        """The content of the bot's response to ``sent``; None if the process ended first."""
        callback = await self.unless_ended(asyncio.shield(self.fake.state.interactions[sent.id].callback))
        return None if callback is None else callback.content

    async def ask(self) -> tuple[int, str]:
        """``/quiz now`` as the owner; returns the question's message id and first option's custom id."""
        channel = self.fake.world.guild.text_channel.id
        sent = await self.fake.slash_command("quiz", subcommand="now", user=self.fake.world.guild.owner)
        assert (await self.fake.wait_for_callback(sent, timeout=20)).content == "✅ Question posted."
        post = await self.fake.wait_for("POST", rf"/channels/{channel}/messages", timeout=20)
        ids = [c["custom_id"] for row in post.json["components"] for c in row["components"]]
        assert ids[0].startswith("quiz:answer:"), f"seed 1 should ask a multiple-choice question, got {ids[0]}"
        return int(post.response["id"]), ids[0]  # type: ignore[index]


async def start_discord_bot(fake: FakeDiscord, cwd: Path, **extra: str) -> DiscordBotProcess:
    env = platform_env(DISCORD_TOKEN=fake.token, DISCORD_API_URL=fake.api_base, DISCORD_GATEWAY_URL=fake.gateway_url,
                       QUIZBOT_STOP_TIMEOUT="25", **extra)
    base = await start_bot(cwd, env, "--decks", str(DECKS))
    bot = DiscordBotProcess(base.process, base.log_path, base.db_path, fake=fake)
    try:
        async with fake.state.changed:
            await asyncio.wait_for(fake.state.changed.wait_for(lambda: bool(fake.gateway._sockets)), 30)
    except BaseException:
        await bot.close()
        raise
    return bot


@pytest.fixture
async def discord_bots(synced_discord: FakeDiscord) -> AsyncIterator[list[DiscordBotProcess]]:
    bots: list[DiscordBotProcess] = []
    try:
        yield bots
    finally:
        for bot in bots:
            await bot.close()


def burst_member(i: int) -> FakeMember:
    return FakeMember(FakeUser(snowflake(), f"m{i:04d}", f"Member {i}"))


async def discord_burst(bot: DiscordBotProcess, message_id: int, custom_id: str, count: int, *,
                        fault_after: int | None = None, fault: Callable[[], object] | None = None,
                        spacing_s: float = 0.005) -> dict[str, str | None]:
    """``count`` distinct members click ``custom_id`` once each; once ``fault_after`` were told
    "Answer recorded", ``fault()`` runs while the clicks go on (none are sent once the process
    has ended). Returns each member's user id and the bot's response text (None: none came)."""
    responses: dict[str, str | None] = {}
    recorded = 0
    struck = asyncio.Event()

    async def click(member: FakeMember) -> None:
        nonlocal recorded
        user = str(member.user.id)
        if not bot.running:
            responses[user] = None
            return
        try:  # the fake waits for an identified gateway session; once the bot is gone there is none
            sent = await asyncio.wait_for(bot.fake.click(message_id, custom_id, user=member), 1.0)
        except (TimeoutError, ConnectionError, RuntimeError):  # never delivered
            responses[user] = None
            return
        text = await bot.callback_text(sent)
        responses[user] = text
        if text is not None and "Answer recorded" in text:
            recorded += 1
            if fault is not None and fault_after is not None and recorded >= fault_after and not struck.is_set():
                struck.set()
                fault()

    tasks = []
    for i in range(count):
        if not bot.running:
            break
        tasks.append(asyncio.create_task(click(burst_member(i))))
        await asyncio.sleep(spacing_s)
    await asyncio.gather(*tasks)
    return responses


async def eventually(check: Callable[[], Awaitable[bool]], what: str, ceiling_s: float = 30.0) -> None:
    """Poll ``check`` until it holds (a ceiling, never an asserted time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + ceiling_s
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"never: {what}")
        await asyncio.sleep(0.05)


__all__ = ["DECKS", "REPO", "SECRET", "BotProcess", "Counts", "DiscordBotProcess", "SlackBotProcess",
           "count_rows", "discord_burst", "eventually", "slack_burst", "start_bot", "start_discord_bot",
           "start_slack_bot", "stored_members"]
