"""Two real `quizbot run` processes, Discord shards 0 and 1 of 2, over one shared database,
against the fake Discord serving one guild per shard: each process opens the scheduled slot of
its own guild only, and an answer click delivered to the process that did not open the round
is recorded once."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.store.channels import ChannelRef
from bot.store.db import Database
from bot.store.stores import Stores
from tests.fakes.discord import FakeDiscord, FakeInteraction, InteractionCallback, RecordedRequest
from tests.fakes.discord_payloads import FakeGuild, FakeMember, shard_of, sharded_world
from tests.postgres import drop_database, new_database_url

pytestmark = pytest.mark.sqlite_only  # picks both engines itself (tests/engines.py)

REPO = Path(__file__).resolve().parents[3]
STRIPPED = ("SLACK_", "DISCORD_", "QUIZBOT_", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
SHARDS = 2
START_S = 60.0
"""A ceiling for a process to connect and post on a loaded machine, never an asserted time."""


@dataclass(frozen=True)
class SharedDatabase:
    """The one database both processes use: the only place the test names it. A SQLite file
    (two processes on one machine) or a PostgreSQL database (processes on any machines)."""

    target: str

    def env(self) -> dict[str, str]:
        if "://" in self.target:
            return {"QUIZBOT_DATABASE_URL": self.target}
        return {"QUIZBOT_DB": self.target}

    async def open(self) -> Database:
        return await Database.open(self.target)

    async def count(self, sql: str) -> list[tuple[object, ...]]:
        """Rows of a read once the processes have ended."""
        db = await self.open()
        try:
            return [tuple(r) for r in await db.fetchall(sql)]
        finally:
            await db.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SharedDatabase]:
    if request.param == "sqlite":
        yield SharedDatabase(str(tmp_path / "shared.db"))
        return
    url = new_database_url()
    try:
        yield SharedDatabase(url)
    finally:
        drop_database(url)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(sharded_world(SHARDS))
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def env_for(fake: FakeDiscord, database: SharedDatabase, shard: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(STRIPPED)}
    return env | database.env() | {
        "DISCORD_TOKEN": fake.token, "DISCORD_API_URL": fake.api_base, "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DISCORD_SHARD_COUNT": str(SHARDS), "DISCORD_SHARD_IDS": str(shard), "PYTHONPATH": str(REPO),
        "QUIZBOT_LOG_LEVEL": "INFO"}


async def start(fake: FakeDiscord, database: SharedDatabase, shard: int, cwd: Path) -> asyncio.subprocess.Process:
    log = (cwd / f"shard{shard}.log").open("w")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--decks", str(REPO / "decks"), "--seed", str(shard),
            cwd=cwd, env=env_for(fake, database, shard), stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=log)
    finally:
        log.close()


async def stop(process: asyncio.subprocess.Process) -> int:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(process.wait(), 30)


async def seed_due_schedules(database: SharedDatabase, guilds: list[FakeGuild]) -> None:
    """An hourly schedule in each guild's #quiz whose slot came a few seconds ago."""
    db = await database.open()
    stores = Stores(db)
    try:
        for guild in guilds:
            channel = ChannelRef("discord", f"discord:{guild.id}", str(guild.text_channel.id))
            channel_id = await stores.channels.id_of(channel)
            await stores.schedules.add(channel_id, "0 * * * *", "UTC", (), 600, time.time() - 5, None)
    finally:
        await db.close()


def buttons(post: RecordedRequest) -> list[str]:
    return [c["custom_id"] for row in post.json["components"] for c in row["components"]]


async def answer(fake: FakeDiscord, post: RecordedRequest, user: FakeMember, shard: int) -> InteractionCallback:
    """`user` answers the posted question, the click (and for free text, the modal) delivered to
    the gateway session of `shard`."""
    message_id, first = int(post.response["id"]), buttons(post)[0]
    click: FakeInteraction = await fake.click(message_id, first, user=user, shard=shard)
    if first.startswith("quiz:answer:"):
        return await fake.wait_for_callback(click, timeout=20)
    await fake.wait_for_callback(click, timeout=20)  # the answer box
    submit = await fake.submit_modal(first, {"answer": "a guess"}, user=user, shard=shard)
    return await fake.wait_for_callback(submit, timeout=20)


def opened_channels(log: Path) -> list[str]:
    return re.findall(r"event=round_opened round=\d+ channel=(\S+)", log.read_text())


async def test_each_shard_process_opens_its_own_guilds_slot_and_answers_any_click(
        fake: FakeDiscord, database: SharedDatabase, tmp_path: Path) -> None:
    guilds = list(fake.world.guilds)
    assert [shard_of(g.id, SHARDS) for g in guilds] == [0, 1]
    await seed_due_schedules(database, guilds)
    channel = [g.text_channel.id for g in guilds]
    alice = fake.world.alice

    zero = await start(fake, database, 0, tmp_path)
    processes = [zero]
    try:
        await fake.wait_for("POST", rf"/channels/{channel[0]}/messages", timeout=START_S)
        # Process 1 starts only now: a process 0 that also opened shard 1's slot would have
        # done so in the same tick, long before process 1 connects, instead of racing for it.
        processes.append(await start(fake, database, 1, tmp_path))
        async with fake.state.changed:
            await asyncio.wait_for(fake.state.changed.wait_for(lambda: len(fake.identify_payloads) == 2), START_S)
        assert sorted(p["shard"] for p in fake.identify_payloads) == [[0, 2], [1, 2]]
        second = await fake.wait_for("POST", rf"/channels/{channel[1]}/messages", timeout=START_S)

        across = await answer(fake, second, alice, shard=0)  # shard 1's round, clicked through process 0
        again = await answer(fake, second, alice, shard=1)
        assert across.content is not None and across.content.startswith("✅ Answer recorded"), across.content
        assert again.content is not None and "already answered" in again.content, again.content
    finally:
        codes = [await stop(p) for p in processes]
    assert codes == [0, 0]

    posts = [r for r in fake.requests if r.method == "POST" and re.fullmatch(r"/channels/\d+/messages", r.path)]
    assert sorted(r.path for r in posts) == sorted(f"/channels/{c}/messages" for c in channel), "one post per slot"
    assert opened_channels(tmp_path / "shard0.log") == [f"discord:{guilds[0].id}:{channel[0]}"]
    assert opened_channels(tmp_path / "shard1.log") == [f"discord:{guilds[1].id}:{channel[1]}"]
    assert await database.count("SELECT COUNT(*), COUNT(DISTINCT schedule_id) FROM rounds") == [(2, 2)]
    round_id = int(buttons(second)[0].split(":")[2])
    assert await database.count(f"SELECT COUNT(*) FROM answers WHERE round_id = {round_id}") == [(1,)]
    assert await database.count("SELECT COUNT(*) FROM answers") == [(1,)]
