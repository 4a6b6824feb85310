"""A channel is one stored value: written once by its ChannelRef, read back whole."""

from __future__ import annotations

import pytest

from bot.deck.generate import AskedQuestion
from bot.store.channels import ChannelRef
from bot.store.db import Database
from bot.store.stores import Stores

CHANNEL = ChannelRef("discord", "discord:G1", "C1")
QUESTION = AskedQuestion("k", "deck", "card", "text", "Name it", (), None, ("nms",), "NMS", "why", "notes")


async def test_channel_gets_one_row_however_often_it_is_looked_up(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    first = await Stores(db).channels.id_of(CHANNEL)
    again = await Stores(db).channels.id_of(ChannelRef("discord", "discord:G1", "C1"))  # no cache shared
    assert first == again
    assert [tuple(r) for r in await db.fetchall("SELECT key, workspace, platform, native_id FROM channels")] == [
        ("discord:G1:C1", "discord:G1", "discord", "C1")]
    await db.close()


async def test_rounds_schedules_and_sessions_carry_the_channel_as_stored(tmp_path):
    stores = Stores(await Database.open(tmp_path / "q.db"))
    channel_id = await stores.channels.id_of(CHANNEL)
    member_id = await stores.directory.member_id("discord:G1:U1", "ann")
    async with stores.transaction() as tx:
        round_id = await tx.rounds.insert(channel_id=channel_id, question=QUESTION, opened_at=0, closes_at=10,
                                          season_id=None)
    await stores.schedules.add(channel_id, "0 9 * * *", "UTC", (), 600, 100.0, member_id)
    await stores.sessions.start(channel_id, (), 3, 60, 5, member_id, 0.0)
    found = await stores.rounds.get(round_id)
    schedules = await stores.schedules.in_channel(channel_id)
    session = await stores.sessions.active(channel_id)
    assert found is not None and found.channel == CHANNEL
    assert [s.channel for s in schedules] == [CHANNEL]
    assert session is not None and session.channel == CHANNEL
    await stores.db.close()


async def test_answer_mode_set_is_read_in_the_transaction_that_opens_a_round(tmp_path):
    stores = Stores(await Database.open(tmp_path / "q.db"))
    channel_id = await stores.channels.id_of(CHANNEL)
    async with stores.transaction() as tx:
        assert (await tx.channels.round_terms(channel_id, CHANNEL.workspace))[1] is None
    await stores.channels.set_answer_mode(channel_id, "changeable")
    async with stores.transaction() as tx:
        assert (await tx.channels.round_terms(channel_id, CHANNEL.workspace))[1] == "changeable"
    await stores.db.close()


async def test_unknown_answer_mode_is_refused_and_changes_nothing(tmp_path):
    stores = Stores(await Database.open(tmp_path / "q.db"))
    channel_id = await stores.channels.id_of(CHANNEL)
    await stores.channels.set_answer_mode(channel_id, "final")
    with pytest.raises(ValueError, match="unknown answer mode"):
        await stores.channels.set_answer_mode(channel_id, "sometimes")
    async with stores.transaction() as tx:
        assert (await tx.channels.round_terms(channel_id, CHANNEL.workspace))[1] == "final"
    await stores.db.close()


async def test_a_round_is_bound_to_the_workspaces_open_season_read_with_its_answer_mode(tmp_path):
    stores = Stores(await Database.open(tmp_path / "q.db"))
    channel_id = await stores.channels.id_of(CHANNEL)
    async with stores.transaction() as tx:
        assert await tx.channels.round_terms(channel_id, CHANNEL.workspace) == (None, None)  # no season yet
        first, _ = await tx.seasons.current(CHANNEL.workspace, 0.0)
        assert await tx.channels.round_terms(channel_id, CHANNEL.workspace) == (first, None)
    await stores.seasons.start_new(CHANNEL.workspace, 10.0)
    async with stores.transaction() as tx:
        second, number = await tx.seasons.current(CHANNEL.workspace, 20.0)
        assert number == 2 and second != first
        assert await tx.channels.round_terms(channel_id, CHANNEL.workspace) == (second, None)
        assert await tx.channels.round_terms(channel_id, "discord:G2") == (None, None)  # another workspace's
    await stores.db.close()
