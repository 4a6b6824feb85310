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
async def bot(tmp_path) -> AsyncIterator[Bot]:  # type: ignore[no-untyped-def]
    clock, chat = Clock(), FakeChat()
    service, db = await make_service(tmp_path / "quiz.db", clock, chat)
    yield Bot(service, db, chat, clock)
    await service.shutdown()
    await db.close()
