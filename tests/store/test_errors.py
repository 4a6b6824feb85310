"""Refused writes arrive as store exceptions (never the engine's own error) and change
nothing; writes across aggregates in one store transaction commit together or not at all."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from bot.deck.generate import AskedQuestion
from bot.store.channels import ChannelRef
from bot.store.db import Database
from bot.store.errors import (
    AlreadyExists,
    ChannelBusy,
    Conflict,
    GroupExists,
    SessionRunning,
    SlotTaken,
    StoreError,
)
from bot.store.stores import Stores

CHANNEL = ChannelRef("console", "console", "local")
QUESTION = AskedQuestion("k", "deck", "card", "text", "Name it", (), None, ("nms",), "NMS", "why", "notes")


async def open_stores(tmp_path) -> Stores:  # type: ignore[no-untyped-def]
    return Stores(await Database.open(tmp_path / "q.db"))


async def count(stores: Stores, table: str) -> int:
    row = await stores.db.fetchone(f"SELECT COUNT(*) FROM {table}")
    return int(row[0]) if row else 0


async def test_duplicate_row_is_refused_as_already_exists_and_the_whole_transaction_is_undone(tmp_path):
    stores = await open_stores(tmp_path)
    await stores.directory.member_id("slack:T1:U1", "ann")
    with pytest.raises(AlreadyExists) as refused:
        async with stores.db.transaction() as conn:
            await conn.execute("INSERT INTO members(key, name, created_at) VALUES ('slack:T1:U2', 'bob', 0)")
            await conn.execute("INSERT INTO members(key, name, created_at) VALUES ('slack:T1:U1', 'ann', 0)")
    assert not isinstance(refused.value, sqlite3.Error)
    assert await count(stores, "members") == 1
    assert stores.db.health.ok  # a refusal is not a storage fault
    await stores.db.close()


async def test_row_pointing_at_a_missing_row_is_refused_as_a_conflict(tmp_path):
    stores = await open_stores(tmp_path)
    with pytest.raises(Conflict):
        async with stores.transaction() as tx:
            await tx.rounds.insert(channel_id=999, question=QUESTION, opened_at=0, closes_at=10, season_id=None)
    assert await count(stores, "rounds") == 0
    await stores.db.close()


async def test_second_open_round_in_a_channel_is_refused_as_channel_busy(tmp_path):
    stores = await open_stores(tmp_path)
    channel_id = await stores.channels.id_of(CHANNEL)
    async with stores.transaction() as tx:
        await tx.rounds.insert(channel_id=channel_id, question=QUESTION, opened_at=0, closes_at=10, season_id=None)
    with pytest.raises(ChannelBusy) as refused:
        async with stores.transaction() as tx:
            await tx.rounds.insert(channel_id=channel_id, question=QUESTION, opened_at=1, closes_at=10,
                                   season_id=None)
    assert isinstance(refused.value, AlreadyExists)
    assert await count(stores, "rounds") == 1
    await stores.db.close()


async def test_second_round_for_one_schedule_slot_is_refused_as_slot_taken(tmp_path):
    stores = await open_stores(tmp_path)
    channel_id = await stores.channels.id_of(CHANNEL)
    schedule_id = await stores.schedules.add(channel_id, "0 9 * * *", "UTC", (), 600, 100.0, None)
    async with stores.transaction() as tx:
        round_id = await tx.rounds.insert(channel_id=channel_id, question=QUESTION, opened_at=100, closes_at=700,
                                          season_id=None, schedule_id=schedule_id, slot_at=100.0)
        assert await tx.rounds.mark_closed(round_id, 200, 120)
    with pytest.raises(SlotTaken) as refused:
        async with stores.transaction() as tx:
            await tx.rounds.insert(channel_id=channel_id, question=QUESTION, opened_at=300, closes_at=700,
                                   season_id=None, schedule_id=schedule_id, slot_at=100.0)
    assert isinstance(refused.value, AlreadyExists)
    assert await count(stores, "rounds") == 1
    await stores.db.close()


async def test_group_name_taken_in_the_workspace_is_refused_as_group_exists(tmp_path):
    stores = await open_stores(tmp_path)
    ann = await stores.directory.member_id("slack:T1:U1", "ann")
    await stores.groups.create("slack:T1", "vision", ann)
    with pytest.raises(GroupExists) as refused:
        await stores.groups.create("slack:T1", "vision", ann)
    assert isinstance(refused.value, AlreadyExists)
    assert await count(stores, "groups") == 1
    await stores.db.close()


async def test_second_running_session_in_a_channel_is_refused_as_session_running(tmp_path):
    stores = await open_stores(tmp_path)
    channel_id = await stores.channels.id_of(CHANNEL)
    ann = await stores.directory.member_id("slack:T1:U1", "ann")
    await stores.sessions.start(channel_id, (), 3, 60, 5, ann, 0.0)
    with pytest.raises(SessionRunning) as refused:
        await stores.sessions.start(channel_id, (), 5, 60, 5, ann, 1.0)
    assert isinstance(refused.value, StoreError)
    assert await count(stores, "sessions") == 1
    await stores.db.close()


async def test_grouped_work_refused_by_the_store_is_undone_alone_and_the_rest_commits(tmp_path):
    stores = await open_stores(tmp_path)
    busy = await stores.channels.id_of(CHANNEL)
    free = await stores.channels.id_of(ChannelRef("console", "console", "other"))
    async with stores.transaction() as tx:
        await tx.rounds.insert(channel_id=busy, question=QUESTION, opened_at=0, closes_at=10, season_id=None)

    async def open_round(channel_id: int) -> int:
        async def work(tx):  # type: ignore[no-untyped-def]
            return await tx.rounds.insert(channel_id=channel_id, question=QUESTION, opened_at=1, closes_at=10,
                                          season_id=None)
        return await stores.grouped(work)

    results = await asyncio.gather(open_round(busy), open_round(free), return_exceptions=True)
    assert isinstance(results[0], ChannelBusy)
    assert isinstance(results[1], int)
    assert await count(stores, "rounds") == 2
    await stores.db.close()


async def test_writes_across_aggregates_in_one_transaction_are_undone_together(tmp_path):
    stores = await open_stores(tmp_path)
    channel_id = await stores.channels.id_of(CHANNEL)
    schedule_id = await stores.schedules.add(channel_id, "0 9 * * *", "UTC", (), 600, 100.0, None)
    with pytest.raises(RuntimeError):
        async with stores.transaction() as tx:
            assert await tx.schedules.advance(schedule_id, 100.0, 200.0)
            await tx.rounds.insert(channel_id=channel_id, question=QUESTION, opened_at=100, closes_at=700,
                                   season_id=None, schedule_id=schedule_id, slot_at=100.0)
            raise RuntimeError("the post failed")
    assert await count(stores, "rounds") == 0
    assert [s.next_run_at for s in await stores.schedules.in_channel(channel_id)] == [100.0]
    await stores.db.close()
