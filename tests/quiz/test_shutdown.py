"""Shutdown while many answers are in flight: every acknowledged answer is on disk, nothing else is.

The console test (tests/cli/test_run.py) handles one line at a time, so at most one answer is
in flight there; this one puts hundreds in the answer writer's queue when shutdown comes.
"""

import asyncio
import sqlite3

import pytest

from tests.helpers import ADMIN, CHANNEL, Clock, make_service, member

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)

RECORDED = "Answer recorded"
CLOSED = "This round is closed"


async def test_shutdown_during_300_concurrent_answers_keeps_exactly_the_acknowledged_ones(tmp_path, monkeypatch):
    path = tmp_path / "quiz.db"
    service, db = await make_service(path, Clock())
    book = service.ctx.stores.answers
    record, handed_over = book.record, 0

    async def counting_record(answer):
        nonlocal handed_over
        handed_over += 1
        return await record(answer)

    monkeypatch.setattr(book, "record", counting_record)
    try:
        assert await service.ask(CHANNEL, ADMIN, kind="choice") is None
        round_id = await service.open_round_id(CHANNEL)
        assert round_id is not None
        who = [member(f"user{i}") for i in range(300)]
        first = [asyncio.create_task(service.answer_choice(round_id, w, 0)) for w in who[:200]]
        while handed_over < 200:  # all 200 queued with the answer writer
            await asyncio.sleep(0)
        in_flight = [i for i, task in enumerate(first) if not task.done()]
        stopping = asyncio.create_task(service.shutdown())
        rest = [asyncio.create_task(service.answer_choice(round_id, w, 0)) for w in who[200:]]
        async with asyncio.timeout(30):  # an answer left waiting forever is a failure, not a hang
            await stopping
            replies = await asyncio.gather(*first, *rest)
        late = await service.answer_choice(round_id, member("late"), 0)
    finally:
        await db.close()

    assert all(r.text.startswith((RECORDED, CLOSED)) for r in replies), {r.text for r in replies}
    recorded = {w.key for w, r in zip(who, replies, strict=True) if r.text.startswith(RECORDED)}
    refused = {w.key for w, r in zip(who, replies, strict=True) if r.text.startswith(CLOSED)}
    assert in_flight, "shutdown came after every answer was already acknowledged"
    assert {who[i].key for i in in_flight} <= recorded  # queued before shutdown: flushed, acknowledged
    assert {w.key for w in who[200:]} <= refused  # arrived once shutdown had begun
    assert late.tone == "error" and late.text.startswith(CLOSED)

    conn = sqlite3.connect(path)
    try:
        stored = {key for (key,) in conn.execute(
            "SELECT m.key FROM answers a JOIN members m ON m.id = a.member_id WHERE a.round_id = ?", (round_id,))}
    finally:
        conn.close()
    assert recorded <= stored
    assert not refused & stored
    assert member("late").key not in stored
