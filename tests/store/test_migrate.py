"""Alembic over both engines: a database at today's schema (8) is brought to the latest, keeping its rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import migrate
from bot.store.db import Database
from bot.store.errors import StoreError
from bot.store.faults import StorageError
from bot.store.migrate import BASELINE, LATEST_VERSION, revisions
from bot.store.sql import Violation

pytestmark = pytest.mark.real_migrations  # every database here is migrated from nothing


async def schema_8_with_rows(path: Path) -> None:
    db = await Database.open(path, upto=BASELINE)
    assert await db.version() == BASELINE
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO members(key, name, created_at) VALUES ('slack:T1:U1', 'Ada', 1)")
        await conn.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                           "VALUES ('slack:T1:C1', 'slack:T1', 'slack', 'C1', 1)")
        await conn.execute("INSERT INTO processed_events(event_id, seen_at) VALUES ('Ev1', 1)")
    await db.close()


async def test_a_database_at_schema_8_is_upgraded_to_the_latest_keeping_its_rows(tmp_path: Path) -> None:
    await schema_8_with_rows(tmp_path / "q.db")
    db = await Database.open(tmp_path / "q.db")
    try:
        assert await db.version() == LATEST_VERSION
        assert tuple(await db.fetchone("SELECT key, name FROM members")) == ("slack:T1:U1", "Ada")
        assert tuple(await db.fetchone("SELECT key FROM channels")) == ("slack:T1:C1",)
    finally:
        await db.close()


async def test_revision_0009_drops_the_table_nothing_used(tmp_path: Path) -> None:
    await schema_8_with_rows(tmp_path / "q.db")
    db = await Database.open(tmp_path / "q.db")
    try:
        with pytest.raises(Exception) as missing:  # the engine's own "no such table" / "does not exist"
            await db.fetchone("SELECT COUNT(*) FROM processed_events")
        assert not isinstance(missing.value, (StoreError, StorageError, Violation))
    finally:
        await db.close()


async def test_alembic_records_the_revision_it_reached(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "q.db")
    try:
        assert tuple(await db.fetchone("SELECT version_num FROM alembic_version")) == (f"{LATEST_VERSION:04d}",)
    finally:
        await db.close()


async def test_opening_an_up_to_date_database_applies_nothing(tmp_path: Path) -> None:
    await (await Database.open(tmp_path / "q.db")).close()
    db = await Database.open(tmp_path / "q.db")
    try:
        assert await db.migrate() == []
    finally:
        await db.close()


def test_revisions_are_whole_numbers_from_the_baseline_without_gaps() -> None:
    assert revisions() == list(range(BASELINE, LATEST_VERSION + 1))


async def test_revision_0013_marks_the_reviews_the_channel_pick_counts(tmp_path: Path) -> None:
    old = await Database.open(tmp_path / "q.db", upto=12)
    async with old.transaction() as conn:
        await conn.execute("INSERT INTO members(key, name, created_at) VALUES ('m', 'm', 0)")
        await conn.executemany(
            "INSERT INTO reviews(member_id, card_key, state, due_at, last_correct) VALUES (1, ?, ?, 0, ?)",
            [("d/missed", '{"state": 1}', 0), ("d/learning", '{"state": 1}', 1), ("d/long-term", '{"state": 2}', 1)])
    await old.close()
    db = await Database.open(tmp_path / "q.db")
    try:
        rows = {str(r[0]): int(r[1]) for r in await db.fetchall("SELECT card_key, weak FROM reviews")}
        assert rows == {"d/missed": 1, "d/learning": 0, "d/long-term": 1}
    finally:
        await db.close()


async def open_failing_at(path: Path, failing_version: int) -> None:
    """Open ``path`` with Alembic revision ``failing_version`` raising half-way through the upgrade
    (patched for this open only: the suite's own patches stay)."""
    real = migrate._revision

    def revision(version: int):  # type: ignore[no-untyped-def]
        if version != failing_version:
            return real(version)

        async def step(conn) -> None:  # type: ignore[no-untyped-def]
            raise RuntimeError("the machine went down mid-upgrade")
        return step
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrate, "_revision", revision)
        with pytest.raises(RuntimeError):
            await Database.open(path)


async def test_a_new_database_whose_first_upgrade_fails_is_left_empty_and_built_whole_next_time(
        tmp_path: Path) -> None:
    await open_failing_at(tmp_path / "q.db", LATEST_VERSION)
    empty = await Database.open(tmp_path / "q.db", upto=0)
    assert await empty.version() == 0  # nothing of the earlier steps was kept
    await empty.close()
    db = await Database.open(tmp_path / "q.db")
    try:
        assert await db.version() == LATEST_VERSION
    finally:
        await db.close()


async def test_an_existing_database_keeps_each_step_that_finished_before_one_failed(
        tmp_path: Path) -> None:
    await schema_8_with_rows(tmp_path / "q.db")
    await open_failing_at(tmp_path / "q.db", LATEST_VERSION)
    db = await Database.open(tmp_path / "q.db", upto=LATEST_VERSION - 1)
    try:
        assert await db.version() == LATEST_VERSION - 1
        assert tuple(await db.fetchone("SELECT name FROM members")) == ("Ada",)
    finally:
        await db.close()
