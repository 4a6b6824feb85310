"""Grouped commits: writes that arrive together share a commit, and one that fails is
rolled back alone."""

import asyncio

import pytest

from bot.store.db import Database


async def insert_member(db: Database, key: str, fail: bool = False) -> int:
    async def work(conn):  # type: ignore[no-untyped-def]
        cursor = await conn.execute("INSERT INTO members(key, name, created_at) VALUES (?, '', 0) RETURNING id",
                                    (key,))
        if fail:
            raise ValueError(f"refused {key}")
        return int((await cursor.fetchone())[0])

    return await db.grouped(work)


async def test_grouped_work_that_fails_is_rolled_back_alone_and_the_rest_commits(tmp_path):
    db = await Database.open(tmp_path / "g.db")
    results = await asyncio.gather(*(insert_member(db, f"m{i}", fail=(i == 3)) for i in range(8)),
                                   return_exceptions=True)
    assert isinstance(results[3], ValueError) and str(results[3]) == "refused m3"
    keys = [row[0] for row in await db.fetchall("SELECT key FROM members ORDER BY key")]
    assert keys == [f"m{i}" for i in range(8) if i != 3]
    await db.close()


async def test_grouped_work_raises_its_own_refusal(tmp_path):
    from bot.store.errors import AlreadyExists

    db = await Database.open(tmp_path / "g.db")
    await insert_member(db, "ann")
    with pytest.raises(AlreadyExists):
        await insert_member(db, "ann")
    assert (await db.fetchone("SELECT COUNT(*) FROM members"))[0] == 1
    await db.close()


async def test_message_ids_set_together_are_all_stored(tmp_path):
    from bot.store.rounds import Rounds

    db = await Database.open(tmp_path / "g.db")
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                           "VALUES ('c', 'w', 'test', 'c', 0)")
        await conn.executemany(
            "INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, closes_at, closed_at) "
            "VALUES (1, ?, 'd/c', '{}', 0, 1, 1)", [(f"q{i}",) for i in range(20)])
    rounds = Rounds(db)
    await asyncio.gather(*(rounds.set_message(i + 1, f"msg-{i + 1}") for i in range(20)))
    stored = await db.fetchall("SELECT id, message_id FROM rounds ORDER BY id")
    assert [(row[0], row[1]) for row in stored] == [(i + 1, f"msg-{i + 1}") for i in range(20)]
    await db.close()
