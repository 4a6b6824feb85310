"""Installed in many workspaces, every post first looks its workspace's bot up: what that costs.

A SQLite file holds 1,000 installed workspaces (slack-sdk's ``slack_bots`` rows, saved through
its store) beside the bot's own tables. Timed: each team's first ``InstalledTeams.for_team`` (cold: the
read through the SQLAlchemy engine, the expiry check, a Web API client built), then 10,000 calls for
random teams one at a time (warm: within ``CACHE_S`` of the read), then the same 10,000 from an empty
cache, 50 in flight (as the scheduler posts a slot's questions: ``POSTS_IN_FLIGHT``).
Baseline in the same run: the same number of indexed one-row reads through the bot's own
``Database`` (``SELECT id FROM channels WHERE key = ?``), one at a time. Tokens do not expire
here, so no rotation is timed. Target: a lookup well under the ~2.4 ms of CPU a scheduled
round costs (bench_schedules), warm p99 <= 2 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from pathlib import Path

from _common import emit, percentile
from slack_sdk.oauth.installation_store import Bot

from bot.chat.slack.installations import Installations, engine_for
from bot.chat.slack.teams import InstalledTeams
from bot.chat.slack.web import make_client
from bot.config import Settings
from bot.store.channels import ChannelRef, Channels
from bot.store.db import Database

TEAMS = 1000
LOOKUPS = 10_000
IN_FLIGHT = 50
TARGET_P99_MS = 2.0


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        db = await Database.open(db_path)
        engine = engine_for(Settings(db_path=db_path))
        installations = Installations("1.2", "secret", engine, make_client("", "https://slack.invalid/api/"))
        await installations.create_tables()
        teams = [f"T{n:08d}" for n in range(TEAMS)]
        channels = Channels(db)
        for team in teams:
            await installations.store.async_save_bot(Bot(
                app_id="A1", enterprise_id=None, team_id=team, bot_token=f"xoxb-{team}", bot_id=f"B{team}",
                bot_user_id=f"U{team}", bot_scopes="commands,chat:write,users:read", installed_at=time.time()))
            await channels.id_of(ChannelRef("slack", f"slack:{team}", "C1"))
        lookup = InstalledTeams(installations, "https://slack.invalid/api/", lambda: None)
        rng = random.Random(1)
        picks = [rng.choice(teams) for _ in range(LOOKUPS)]

        cold: list[float] = []  # every team's first lookup: a read through the engine
        for team in teams:
            start = time.perf_counter()
            await lookup.for_team(team)
            cold.append((time.perf_counter() - start) * 1e3)
        serial: list[float] = []  # within CACHE_S of the first: from memory
        for team in picks:
            start = time.perf_counter()
            chat = await lookup.for_team(team)
            serial.append((time.perf_counter() - start) * 1e3)
            assert chat.client.token == f"xoxb-{team}"
        installations._recent.clear()

        gate = asyncio.Semaphore(IN_FLIGHT)

        async def one(team: str) -> None:
            async with gate:
                await lookup.for_team(team)

        start = time.perf_counter()
        await asyncio.gather(*(one(team) for team in picks))
        burst_s = time.perf_counter() - start

        baseline: list[float] = []
        for team in picks:
            start = time.perf_counter()
            await db.fetchone("SELECT id FROM channels WHERE key = ?", (f"slack:{team}:C1",))
            baseline.append((time.perf_counter() - start) * 1e3)

        await engine.dispose()
        await db.close()
    p99 = percentile(serial, 99)
    emit({
        "bench": "team_lookup",
        "teams": TEAMS,
        "lookups": LOOKUPS,
        "cold_p50_ms": round(percentile(cold, 50), 3),
        "cold_p99_ms": round(percentile(cold, 99), 3),
        "p50_ms": round(percentile(serial, 50), 3),
        "p99_ms": round(p99, 3),
        "burst_in_flight": IN_FLIGHT,
        "burst_per_s": round(LOOKUPS / burst_s),
        "baseline": "indexed one-row read through the bot's own Database (aiosqlite)",
        "baseline_p50_ms": round(percentile(baseline, 50), 3),
        "baseline_p99_ms": round(percentile(baseline, 99), 3),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "target_p99_ms": TARGET_P99_MS,
        "ok": p99 <= TARGET_P99_MS,
    })


if __name__ == "__main__":
    asyncio.run(main())
