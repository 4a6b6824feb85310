"""A real QuizService on a SQLite file, wired to the real SlackAdapter, talking to FakeSlack.

``http_bot`` serves the adapter in HTTP mode on a free port; ``socket_bot`` connects it in
Socket Mode to the fake's websocket. Tests drive it as Slack would (signed requests or
envelopes) and assert on the fake's recorded Web API calls and on the answers table.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import start_adapter
from bot.chat.slack.adapter import SlackAdapter
from bot.quiz.context import QuizSettings
from bot.quiz.service import QuizService
from bot.store.db import Database
from tests.fakes.slack import CHANNEL_ID, FakeSlack
from tests.fakes.slack_requests import HttpReply, SlackRequest, block_actions, send
from tests.helpers import Clock, make_service

SECRET = "test-signing-secret"
ADMIN_ID = "U0ADMIN"


@dataclass
class SlackBot:
    service: QuizService
    db: Database
    adapter: SlackAdapter
    fake: FakeSlack
    clock: Clock

    async def send(self, request: SlackRequest, *, timestamp: int | None = None) -> HttpReply:
        """Deliver as Slack does in HTTP mode (signed)."""
        assert self.adapter.url is not None
        return await send(self.adapter.url, request, SECRET, timestamp=timestamp)

    async def settle(self) -> None:
        """Wait until every listener has finished the work it started after its ack."""
        await self.adapter.listeners.drain()

    async def answers(self) -> list[tuple[Any, ...]]:
        """(round, member key, choice, text) of every stored answer, once listeners settled."""
        await self.settle()
        return [tuple(row) for row in await self.db.fetchall(
            "SELECT a.round_id, m.key, a.choice, a.text FROM answers a JOIN members m ON m.id = a.member_id "
            "ORDER BY a.id")]

    async def question(self) -> Question:
        """The question the bot posted (waits for its chat.postMessage)."""
        args = await self.fake.wait_for("chat.postMessage", lambda a: bool(buttons(a)))
        await self.settle()  # the message's ts is stored once the post returns
        ids = buttons(args)
        round_id = int(ids[0].split(":")[2])
        row = await self.service.ctx.stores.rounds.get(round_id)
        assert row is not None
        return Question(round_id, ids, row.question.correct, args)


@dataclass(frozen=True)
class Question:
    round_id: int
    action_ids: list[str]
    correct: int | None
    posted: dict[str, Any]


def buttons(message: dict[str, Any]) -> list[str]:
    """The action ids of a posted message's buttons, in order."""
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def click(action_id: str, user_id: str, fake: FakeSlack, message_ts: str = "1700000000.000100",
          **kwargs: Any) -> SlackRequest:
    return block_actions(action_id, action_id, user_id=user_id, user_name=user_id.lower(), channel_id=CHANNEL_ID,
                         message_ts=message_ts, response_url=fake.response_url(), **kwargs)


async def _service(tmp_path: Path, seed: int) -> tuple[QuizService, Database, Clock]:
    clock = Clock()
    service, db = await make_service(tmp_path / "quiz.db", clock, settings=QuizSettings(counter_interval_s=3600),
                                     seed=seed)
    return service, db, clock


@pytest.fixture
def seed() -> int:
    """Question choice is seeded; 1 opens a multiple-choice round first (see test_http_mode)."""
    return 1


@pytest.fixture
async def http_bot(fake_slack: FakeSlack, tmp_path: Path, seed: int) -> AsyncIterator[SlackBot]:
    fake_slack.add_user(ADMIN_ID, is_admin=True, real_name="Ada Admin", profile={"display_name": "Ada"})
    service, db, clock = await _service(tmp_path, seed)
    adapter = SlackAdapter(service, "xoxb-test", signing_secret=SECRET, http_port=0, http_host="127.0.0.1",
                           api_url=fake_slack.api_url)
    await start_adapter(service, adapter)
    try:
        yield SlackBot(service, db, adapter, fake_slack, clock)
    finally:
        await adapter.stop()
        await service.shutdown()
        await db.close()


@pytest.fixture
async def socket_bot(fake_slack: FakeSlack, tmp_path: Path, seed: int) -> AsyncIterator[SlackBot]:
    fake_slack.add_user(ADMIN_ID, is_admin=True, real_name="Ada Admin", profile={"display_name": "Ada"})
    service, db, clock = await _service(tmp_path, seed)
    adapter = SlackAdapter(service, "xoxb-test", app_token="xapp-test", api_url=fake_slack.api_url)
    await start_adapter(service, adapter)
    try:
        yield SlackBot(service, db, adapter, fake_slack, clock)
    finally:
        await adapter.stop()
        await service.shutdown()
        await db.close()
