"""The suite's own database plumbing (tests/engines.py): schema templates and the no_store guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store.db import Database
from bot.store.migrate import BASELINE, LATEST_VERSION


async def test_a_new_database_starts_at_the_latest_schema_without_the_rows_of_another(tmp_path: Path) -> None:
    first = await Database.open(tmp_path / "a.db")
    async with first.transaction() as conn:
        await conn.execute("INSERT INTO members(key, name, created_at) VALUES ('m', 'm', 0)")
    await first.close()
    second = await Database.open(tmp_path / "b.db")
    try:
        assert await second.version() == LATEST_VERSION
        assert tuple(await second.fetchone("SELECT COUNT(*) FROM members")) == (0,)
    finally:
        await second.close()


async def test_opening_a_new_database_at_an_older_schema_still_gives_that_schema(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "old.db", upto=BASELINE)
    try:
        assert await db.version() == BASELINE
    finally:
        await db.close()


@pytest.mark.no_store
async def test_a_test_marked_no_store_that_opens_a_database_fails(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="no_store"):
        await Database.open(tmp_path / "q.db")
