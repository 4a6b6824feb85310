"""The SQLite file: pragmas, migrations, transactions."""

import sqlite3

import pytest

from bot.store.db import LATEST_VERSION, Database, migrations
from bot.store.errors import AlreadyExists


@pytest.mark.sqlite_only
async def test_new_database_is_at_latest_version_with_wal_and_foreign_keys(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    assert await db.version() == LATEST_VERSION
    assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
    assert (await db.fetchone("PRAGMA busy_timeout"))[0] > 0
    await db.close()


@pytest.mark.sqlite_only
async def test_old_database_is_migrated_to_latest_schema_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    old = await Database.open(path, upto=1)
    assert await old.version() == 1
    await old.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                      "VALUES ('slack:T1:C1', 'slack:T1', 'slack', 'C1', 0)")
    await old.close()
    db = await Database.open(path)
    assert await db.version() == LATEST_VERSION
    row = await db.fetchone("SELECT key, allow_change, window_s FROM channels")
    assert tuple(row) == ("slack:T1:C1", 0, None)
    # Alembic's 0009 dropped the table nothing used since version 6
    assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'processed_events'") is None
    await db.close()


async def test_migrations_are_numbered_without_gaps():
    versions = [v for v, _ in migrations()]
    assert versions == list(range(1, len(versions) + 1))


async def test_transaction_that_raises_is_rolled_back(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO members(key, name, created_at) VALUES ('a', 'A', 0)")
            raise RuntimeError("boom")
    assert (await db.fetchone("SELECT COUNT(*) FROM members"))[0] == 0
    await db.close()


async def test_second_open_round_in_a_channel_is_refused_by_the_schema(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    await db.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) VALUES ('c','w','t','c',0)")
    insert = ("INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, closes_at) "
              "VALUES (1, 'k', 'd/c', '{}', 0, 10)")
    await db.execute(insert)
    with pytest.raises(AlreadyExists):
        await db.execute(insert)
    await db.close()


@pytest.mark.sqlite_only
async def test_backup_copies_a_database_in_use(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    await db.execute("INSERT INTO members(key, name, created_at) VALUES ('a', 'A', 0)")
    await db.backup(tmp_path / "copy.db")
    await db.close()
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT key FROM members").fetchall() == [("a",)]
    copy.close()
