"""Score rows in the store: integer keys behind period and scope names, and pruning by period."""

import pytest

from bot.store.db import Database
from bot.store.leaderboards import Leaderboards, ScoredAnswer, add_scores, prune_closed_periods
from bot.store.members import Directory

PERIODS = ["all", "season:1", "month:2026-10", "month:2026-11", "week:2026-W45", "week:2026-W46", "week:2026-W47"]


@pytest.fixture
async def db(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    alice = await Directory(db).member_id("test:W1:alice", "alice")
    async with db.transaction() as conn:
        await add_scores(conn, ["channel:1", "workspace:test:W1"], PERIODS, [ScoredAnswer(alice, True, 10, 1.0)])
    yield db
    await db.close()


async def periods_left(db: Database) -> list[str]:
    boards = Leaderboards(db)
    return [p for p in PERIODS if await boards.top("channel:1", p)]


async def test_board_of_a_scope_nobody_scored_in_is_empty_and_stores_nothing(db):
    scopes = (await db.fetchone("SELECT COUNT(*) FROM score_scopes"))[0]
    assert await Leaderboards(db).top("channel:99", "all") == []
    assert await Leaderboards(db).rank_of("channel:99", "all", 1) is None
    assert (await db.fetchone("SELECT COUNT(*) FROM score_scopes"))[0] == scopes == 2


async def test_pruning_removes_only_weeks_and_months_before_the_oldest_kept(db):
    async with db.transaction() as conn:
        deleted = await prune_closed_periods(conn, "week:2026-W46", "month:2026-11")
    assert deleted == 2 * 2  # W45 and October, in both scopes
    assert await periods_left(db) == ["all", "season:1", "month:2026-11", "week:2026-W46", "week:2026-W47"]


async def test_pruning_with_keys_that_are_not_a_week_and_a_month_is_refused_and_deletes_nothing(db):
    for week, month in [("month:2026-11", "month:2026-11"), ("week:2026-W46", "all"), ("week:46", "month:2026-11")]:
        with pytest.raises(ValueError):
            async with db.transaction() as conn:
                await prune_closed_periods(conn, week, month)
    assert await periods_left(db) == PERIODS


async def test_scores_under_a_key_that_is_not_a_period_are_refused_before_anything_is_written(db):
    with pytest.raises(ValueError, match="not a leaderboard period"):
        async with db.transaction() as conn:
            await add_scores(conn, ["channel:7"], ["all", "yesterday"], [ScoredAnswer(1, True, 10, 2.0)])
    assert await Leaderboards(db).top("channel:7", "all") == []
