"""A known week of play behind the bot's real HTTP server on 127.0.0.1, with the web pages on.

The store is a real database file (or a PostgreSQL database under QUIZBOT_TEST_ENGINE), the
decks the small demo deck, the server the one ``bot/ops`` starts (``make_app`` with the pages'
routes). The week: last week (same month) bob won two rounds in channel C1; this week alice
won two in C1 and one in C2, a member named ``<script>`` answered, and alice is in the study
group "Readers".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import aiohttp
import pytest

from bot.ops.health import HealthServer, make_app
from bot.ops.metrics import PrometheusMetrics
from bot.quiz.ports import Member
from bot.quiz.service import QuizService
from bot.store.db import Database
from bot.web import add_routes
from tests.helpers import ADMIN, CHANNEL, OTHER_CHANNEL, Clock, FakeChat, make_service, member

SCRIPT_NAME = "<script>alert(1)</script>"
SCRIPT = Member("test:W1:mallory", SCRIPT_NAME)
WEEK = 7 * 24 * 3600


@dataclass
class Site:
    service: QuizService
    db: Database
    chat: FakeChat
    clock: Clock
    origin: str
    """``http://127.0.0.1:PORT``."""
    rounds: list[int]
    """The closed rounds, oldest first."""

    async def link(self) -> str:
        found = await self.service.web_link(CHANNEL.workspace)
        assert found is not None
        return found

    async def get(self, url: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            return response.status, await response.text()


async def play(site: Site, channel, answers: list[tuple[Member, bool]]) -> int:  # type: ignore[no-untyped-def]
    """One round in ``channel`` where each member answers right or wrong; returns its id."""
    service = site.service
    assert await service.ask(channel, ADMIN) is None
    round_id = await service.open_round_id(channel)
    assert round_id is not None
    row = await service.ctx.stores.rounds.get(round_id)
    assert row is not None
    for who, right in answers:
        site.clock.advance(1)
        q = row.question
        if q.kind == "choice":
            assert q.correct is not None
            await service.answer_choice(round_id, who, q.correct if right else (q.correct + 1) % len(q.options))
        else:
            await service.answer_text(round_id, who, q.answer if right else "zzzz")
    await service.close(channel, ADMIN)
    site.clock.advance(600)
    return round_id


@asynccontextmanager
async def open_site(tmp_path: Path) -> AsyncIterator[Site]:
    """The bot's web pages over a known week: the running HTTP server and what it shows."""
    clock, chat = Clock(), FakeChat()  # Wednesday 2026-11-18
    clock.advance(-WEEK)  # Wednesday of last week, the same month
    service, db = await make_service(tmp_path / "quiz.db", clock, chat)
    app = make_app(db, [], PrometheusMetrics())
    add_routes(app, service.ctx)
    server = HealthServer(app, "127.0.0.1", 0)
    await server.start()
    origin = f"http://127.0.0.1:{server.port}"
    service.ctx.settings = replace(service.ctx.settings, public_url=origin)
    alice, bob = member("alice"), member("bob")
    s = Site(service, db, chat, clock, origin, [])
    try:
        s.rounds.append(await play(s, CHANNEL, [(bob, True), (alice, False)]))
        s.rounds.append(await play(s, CHANNEL, [(bob, True)]))
        clock.advance(WEEK - 1200)  # this week
        assert (await service.group(CHANNEL, alice, "create", "Readers")).tone == "ok"
        assert (await service.web(CHANNEL, ADMIN, "on")).tone == "ok"
        s.rounds.append(await play(s, CHANNEL, [(alice, True), (bob, False), (SCRIPT, True)]))
        s.rounds.append(await play(s, CHANNEL, [(alice, True), (bob, True)]))
        s.rounds.append(await play(s, OTHER_CHANNEL, [(alice, True), (SCRIPT, False)]))
        yield s
    finally:
        await server.stop()
        await service.shutdown()
        await db.close()


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(tmp_path) as made:
        yield made
