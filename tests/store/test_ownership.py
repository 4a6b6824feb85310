"""The clock's queries filter by :class:`Ownership` in SQL, exactly as its Python ``owns`` says."""

from __future__ import annotations

import random

import pytest

from bot.store.channels import ChannelRef
from bot.store.db import Database
from bot.store.ownership import EVERY_CHANNEL, Ownership, WorkspaceShards
from bot.store.schedules import due_query
from bot.store.stores import Stores

SNOWFLAKE_SHIFT = 22


def channels() -> list[ChannelRef]:
    """Guilds of every size a snowflake has (17-19 digits), spread over shards, and channels the
    split must leave alone or put on shard 0 (Slack, the console, a DM, malformed workspaces)."""
    rng = random.Random(13)
    guilds = [rng.randrange(10**16, 2**63) for _ in range(40)] + [81_384_788_765_712_384, 1 << 22, 0]
    found = [ChannelRef("discord", f"discord:{g}", f"C{i}") for i, g in enumerate(guilds)]
    return [*found, ChannelRef("discord", "discord:dm", "D1"), ChannelRef("discord", "discord:", "D2"),
            ChannelRef("discord", "discord:12x", "D3"), ChannelRef("discord", "discord:" + "9" * 25, "D4"),
            ChannelRef("slack", "slack:T1", "S1"), ChannelRef("console", "console:local", "console")]


OWNERSHIPS = [
    Ownership((WorkspaceShards("discord", 2, frozenset({0}), SNOWFLAKE_SHIFT),)),
    Ownership((WorkspaceShards("discord", 2, frozenset({1}), SNOWFLAKE_SHIFT),)),
    Ownership((WorkspaceShards("discord", 5, frozenset({1, 3}), SNOWFLAKE_SHIFT),)),
]


@pytest.fixture
async def stores(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    stores = Stores(db)
    for channel in channels():
        channel_id = await stores.channels.id_of(channel)
        await stores.schedules.add(channel_id, "0 * * * *", "UTC", (), 600, 1000.0 + channel_id, None)
    yield stores
    await db.close()


@pytest.mark.parametrize("owned", OWNERSHIPS, ids=["0of2", "1of2", "1,3of5"])
async def test_due_schedules_are_those_of_owned_channels_only(stores, owned):
    due = await stores.schedules.due(10_000.0, owned)
    assert {s.channel for s in due} == {c for c in channels() if owned.owns(c)}


async def test_every_channel_is_due_without_shards(stores):
    assert len(await stores.schedules.due(10_000.0, EVERY_CHANNEL)) == len(channels())


@pytest.mark.parametrize("owned", OWNERSHIPS, ids=["0of2", "1of2", "1,3of5"])
async def test_next_run_is_the_earliest_slot_of_an_owned_channel(stores, owned):
    every = await stores.schedules.due(10_000.0)
    expected = min(s.next_run_at for s in every if owned.owns(s.channel))
    assert await stores.schedules.next_run((), owned) == expected


def test_shards_split_the_guilds_between_processes_with_nothing_left_over():
    halves = [{c for c in channels() if owned.owns(c)} for owned in OWNERSHIPS[:2]]
    assert halves[0] | halves[1] == set(channels())
    assert {c.platform for c in halves[0] & halves[1]} == {"slack", "console"}
    assert ChannelRef("discord", "discord:dm", "D1") in halves[0]


@pytest.mark.sqlite_only  # SQLite's plan; PostgreSQL plans its own
async def test_filtered_due_query_still_reads_the_next_run_index(stores):
    sql, params = due_query(OWNERSHIPS[1])
    plan = await stores.db.fetchall(f"EXPLAIN QUERY PLAN {sql}", (0.0, *params))
    details = " ".join(str(row[3]) for row in plan)
    assert "USING INDEX schedules_due" in details, details


@pytest.mark.parametrize(("count", "mine"), [(0, {0}), (2, set()), (2, {2})])
def test_shards_that_do_not_fit_their_count_are_refused(count, mine):
    with pytest.raises(ValueError, match="do not fit"):
        WorkspaceShards("discord", count, frozenset(mine), SNOWFLAKE_SHIFT)
