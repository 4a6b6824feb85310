"""Migration 0008: a database at the schema before it keeps every board, row for row."""

import random
from zoneinfo import ZoneInfo

import pytest

from bot.quiz.scoring import period_keys
from bot.store.channels import ChannelRef, Channels
from bot.store.db import Database
from bot.store.faults import StorageError
from bot.store.groups import Groups
from bot.store.leaderboards import Leaderboards, ScoredAnswer, Seasons, add_scores
from bot.store.members import Directory
from bot.store.score_keys import period_code

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)

BEFORE = 7
START = 1_795_000_000.0  # Wednesday 2026-11-18: three weeks later is December, two seasons
UTC = ZoneInfo("UTC")

V7_ADD_SCORES = (
    # What add_scores wrote at schema 7 (before score rows were keyed by integers), verbatim.
    "INSERT INTO scores(scope, period, member_id, points, correct, answered, accuracy, reached_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, 1, ?5, ?6) "
    "ON CONFLICT(scope, period, member_id) DO UPDATE SET "
    "points = points + excluded.points, correct = correct + excluded.correct, "
    "answered = answered + 1, accuracy = (correct + excluded.correct) * 1.0 / (answered + 1), "
    "reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE reached_at END"
)
V7_TOP = (
    # The schema-7 board query, with the group filter always present (NULL group: every member).
    "SELECT s.member_id, m.name, s.points, s.correct, s.answered FROM scores s "
    "JOIN members m ON m.id = s.member_id WHERE s.scope = ? AND s.period = ? "
    "AND (?3 IS NULL OR s.member_id IN (SELECT member_id FROM group_members WHERE group_id = ?3)) "
    "ORDER BY s.points DESC, s.accuracy DESC, s.reached_at ASC"
)


async def fill_at_schema_7(db: Database, rng: random.Random) -> list[int | None]:
    """Members, channels, groups, two seasons and 400 scored answers over five weeks in two
    workspaces, written as schema 7 wrote them. Returns the group ids (and None: no group)."""
    directory, groups, seasons, channel_rows = Directory(db), Groups(db), Seasons(db), Channels(db)
    members = [await directory.member_id(f"test:W{i % 2}:u{i}", f"user{i}") for i in range(24)]
    channels = [(await channel_rows.id_of(ChannelRef("test", f"test:W{w}", f"C{c}")), f"test:W{w}")
                for w in range(2) for c in range(2)]
    group_ids: list[int | None] = [None]
    for w in range(2):
        group = await groups.create(f"test:W{w}", "owls", members[w])
        for m in members[w::3]:
            await groups.join(group.id, m)
        group_ids.append(group.id)
    now = START
    for answer in range(400):
        now += rng.uniform(600, 8000)
        if answer == 200:
            await seasons.start_new("test:W0", now)
        channel, workspace = rng.choice(channels)
        async with db.transaction() as conn:
            season, _ = await seasons.current(conn, workspace, now)
            correct = rng.random() < 0.6
            points = rng.choice([10, 10, 15]) if correct else 0  # equal points: accuracy and time decide
            await conn.executemany(V7_ADD_SCORES, [
                (scope, period, rng.choice(members), points, int(correct), now)
                for scope in (f"channel:{channel}", f"workspace:{workspace}")
                for period in period_keys(now - 30, UTC, season)])
    return group_ids


async def v7_boards(db: Database, group_ids: list[int | None]) -> dict[tuple[str, str, int | None], list[tuple]]:
    boards = {}
    for scope, period in await db.fetchall("SELECT DISTINCT scope, period FROM scores"):
        for group in group_ids:
            rows = await db.fetchall(V7_TOP, (scope, period, group))
            boards[(scope, period, group)] = [tuple(r) for r in rows]
    return boards


async def test_every_board_is_unchanged_by_the_migration(tmp_path):
    path = tmp_path / "old.db"
    old = await Database.open(path, upto=BEFORE)
    group_ids = await fill_at_schema_7(old, random.Random(13))
    before = await v7_boards(old, group_ids)
    kinds = {period.split(":")[0] for _, period, _ in before}
    assert kinds == {"all", "season", "month", "week"}
    assert {scope.split(":")[0] for scope, _, _ in before} == {"channel", "workspace"}
    assert sum(1 for board in before.values() if board) > 50
    await old.close()

    db = await Database.open(path)
    boards = Leaderboards(db)
    for (scope, period, group), rows in before.items():
        after = await boards.top(scope, period, limit=1000, group_id=group)
        assert [(r.member_id, r.name, r.points, r.correct, r.answered) for r in after] == rows, (scope, period, group)
        for place, (member_id, *_rest) in enumerate(rows, 1):
            mine = await boards.rank_of(scope, period, member_id, group)
            assert mine is not None and mine[0] == place
    await db.close()


async def test_rounds_close_into_migrated_rows_rather_than_new_ones(tmp_path):
    path = tmp_path / "old.db"
    old = await Database.open(path, upto=BEFORE)
    await fill_at_schema_7(old, random.Random(5))
    scope, period, member_id, points, answered = await old.fetchone(
        "SELECT scope, period, member_id, points, answered FROM scores WHERE period = 'all' LIMIT 1")
    rows = (await old.fetchone("SELECT COUNT(*) FROM scores"))[0]
    await old.close()
    db = await Database.open(path)
    async with db.transaction() as conn:
        await add_scores(conn, [scope], [period], [ScoredAnswer(member_id, True, 10, START * 2)])
    mine = await Leaderboards(db).rank_of(scope, period, member_id)
    assert mine is not None and (mine[1].points, mine[1].answered) == (points + 10, answered + 1)
    assert (await db.fetchone("SELECT COUNT(*) FROM scores"))[0] == rows
    await db.close()


async def test_a_score_row_with_an_unknown_period_stops_the_upgrade_and_changes_nothing(tmp_path):
    path = tmp_path / "old.db"
    old = await Database.open(path, upto=BEFORE)
    member = await Directory(old).member_id("test:W1:u1", "u1")
    await old.execute(V7_ADD_SCORES, ("channel:1", "fortnight:7", member, 10, 1, START))
    await old.close()
    with pytest.raises(StorageError):
        await Database.open(path)
    again = await Database.open(path, upto=BEFORE)
    assert await again.version() == BEFORE
    assert tuple(await again.fetchone("SELECT scope, period, points FROM scores")) == ("channel:1", "fortnight:7", 10)
    await again.close()


def test_period_codes_keep_the_order_of_their_periods():
    weeks = ["week:2026-W09", "week:2026-W10", "week:2026-W52", "week:2026-W53", "week:2027-W01"]
    assert sorted(weeks, key=period_code) == weeks
    assert [period_code(w).kind for w in weeks] == [period_code(weeks[0]).kind] * len(weeks)
    assert period_code("month:2026-12") < period_code("month:2027-01")
    assert len({period_code(p).kind for p in ("all", "season:3", "month:2026-12", "week:2026-W49")}) == 4


@pytest.mark.parametrize("key", ["", "week", "week:2026-49", "month:2026-1", "season:", "season:x", "All", "all "])
def test_a_key_that_is_not_a_period_is_refused(key):
    with pytest.raises(ValueError, match="not a leaderboard period"):
        period_code(key)
