from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.quiz.service import QuizService
from bot.store.db import Database
from tests.helpers import Clock, FakeChat, make_service


@dataclass
class Bot:
    service: QuizService
    db: Database
    chat: FakeChat
    clock: Clock


@pytest.fixture
async def bot(tmp_path, caplog, request) -> AsyncIterator[Bot]:  # type: ignore[no-untyped-def]
    """A service on a real SQLite file with a fake chat and a hand-moved clock.

    A clock step that fails is only logged by the service (it must keep running), so the
    fixture fails the test on such a log line unless the test is marked ``tick_failures``.
    """
    clock, chat = Clock(), FakeChat()
    service, db = await make_service(tmp_path / "quiz.db", clock, chat)
    yield Bot(service, db, chat, clock)
    await service.shutdown()
    await db.close()
    if not request.node.get_closest_marker("tick_failures"):
        failures = [r.getMessage() for r in caplog.records if "tick_step_failed" in r.getMessage()]
        assert not failures, failures
