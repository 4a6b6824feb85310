"""``bot.store.copy``: the verification names what differs (what ``db copy`` exits 1 on)."""

from __future__ import annotations

from bot.store.copy import copy_database, verify
from bot.store.db import Database
from tests.cli.test_db_copy import build_deployment


async def test_verification_names_the_table_and_boards_that_differ(tmp_path):
    await build_deployment(tmp_path / "source.db")
    source = await Database.open(tmp_path / "source.db")
    target = await Database.open(tmp_path / "target.db")
    try:
        tables = await copy_database(source, target)
        assert (await verify(source, target, tables)).ok
        await target.execute("DELETE FROM scores WHERE member_id = (SELECT id FROM members WHERE key = 'test:W1:ann')")
        found = await verify(source, target, tables)
        assert not found.ok
        assert found.differing_tables == ["scores"]
        assert len(found.differing_boards) >= 1  # every board ann was on
    finally:
        await source.close()
        await target.close()
