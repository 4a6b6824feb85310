"""Migration 0005: schedules made before it list their cron as their words and keep running."""

import pytest

from bot.store.db import Database
from bot.store.schedules import Schedules

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)


async def test_schedule_from_before_0005_keeps_running_and_lists_its_cron(tmp_path):
    db = await Database.open(tmp_path / "old.db", upto=4)
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                           "VALUES ('test:W1:C1', 'test:W1', 'test', 'C1', 0)")
        await conn.execute("INSERT INTO schedules(channel_id, cron, tz, decks, window_s, next_run_at, created_at) "
                           "VALUES (1, '30 9 * * 1-5', 'UTC', '[]', 600, 100, 0)")
    assert 5 in await db.migrate()
    [row] = await Schedules(db).due(100)
    assert (row.spec, row.paused) == ("30 9 * * 1-5", False)
    await db.close()
