"""The deliveries table: a platform delivery is claimed once, a repeat learns the first reply,
an abandoned claim can be taken again, old rows are pruned."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store.db import Database
from bot.store.deliveries import Claim, Deliveries


class Now:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "d.db")
    yield database
    await database.close()


async def test_first_claim_is_fresh_and_a_repeat_is_not(db: Database) -> None:
    book = Deliveries(db)

    assert await book.claim("slack", "t-1") == Claim(True)
    assert await book.claim("slack", "t-1") == Claim(False, None)  # still running: no reply yet


async def test_repeat_after_settle_gets_the_first_reply(db: Database) -> None:
    book = Deliveries(db)
    await book.claim("slack", "t-1")
    await book.settle("slack", "t-1", "Schedule 1 added.")

    assert await book.claim("slack", "t-1") == Claim(False, "Schedule 1 added.")


async def test_same_id_on_another_platform_is_another_delivery(db: Database) -> None:
    book = Deliveries(db)
    await book.claim("slack", "123")

    assert (await book.claim("discord", "123")).fresh


async def test_claim_holds_across_a_reopened_database(tmp_path: Path) -> None:
    first = await Database.open(tmp_path / "d.db")
    await Deliveries(first).claim("discord", "42")
    await first.close()
    second = await Database.open(tmp_path / "d.db")
    try:
        assert not (await Deliveries(second).claim("discord", "42")).fresh
    finally:
        await second.close()


async def test_unsettled_claim_older_than_stale_after_is_taken_again(db: Database) -> None:
    now = Now()
    book = Deliveries(db, clock=now, stale_after=30.0)
    await book.claim("slack", "t-1")  # its process died before the work committed
    now.t += 29.0
    assert not (await book.claim("slack", "t-1")).fresh
    now.t += 31.0

    assert (await book.claim("slack", "t-1")).fresh


async def test_settled_claim_is_never_taken_again(db: Database) -> None:
    now = Now()
    book = Deliveries(db, clock=now, stale_after=30.0)
    await book.claim("slack", "t-1")
    await book.settle("slack", "t-1", None)
    now.t += 3600.0

    assert await book.claim("slack", "t-1") == Claim(False, None)


async def test_rows_older_than_a_day_are_pruned(db: Database) -> None:
    now = Now()
    book = Deliveries(db, clock=now)
    await book.claim("slack", "old")
    await book.settle("slack", "old", "done")
    now.t += 24 * 3600.0 + 3601.0

    await book.claim("slack", "new")

    assert [tuple(r) for r in await db.fetchall("SELECT delivery_id FROM deliveries")] == [("new",)]


@pytest.mark.parametrize("bad", ["", "x" * 201])
async def test_empty_or_overlong_id_is_refused_and_nothing_is_stored(db: Database, bad: str) -> None:
    with pytest.raises(ValueError, match="1 to 200 characters"):
        await Deliveries(db).claim("slack", bad)
    assert await db.fetchall("SELECT * FROM deliveries") == []
