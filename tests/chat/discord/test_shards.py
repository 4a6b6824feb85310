"""Which guilds' clocks a Discord process runs: ``(guild_id >> 22) % shard_count``, DMs on 0."""

from __future__ import annotations

import pytest

from bot.app import clock_ownership
from bot.chat.discord.adapter import DiscordAdapter
from bot.chat.discord.shards import clock_shards, shard_of
from bot.quiz.ports import ChannelRef, Ownership

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)

GUILD_ON_0 = 81_384_788_765_712_384  # Discord API's own server: (id >> 22) is even
GUILD_ON_1 = 1_000_000_000_000_000_000  # (id >> 22) is odd
DM = ChannelRef("discord", "discord:dm", "555")


def in_guild(guild_id: int, channel: str = "1") -> ChannelRef:
    return ChannelRef("discord", f"discord:{guild_id}", channel)


def test_guild_shard_is_the_id_without_its_low_22_bits_modulo_the_count() -> None:
    assert (shard_of(GUILD_ON_0, 2), shard_of(GUILD_ON_1, 2)) == (0, 1)
    assert shard_of(GUILD_ON_1 + (1 << 22), 2) == 0
    same_moment = (GUILD_ON_1 >> 22) << 22
    assert shard_of(same_moment, 2) == shard_of(same_moment + (1 << 22) - 1, 2) == 1, "low 22 bits never count"


def test_dm_is_on_shard_zero() -> None:
    assert shard_of(None, 4) == 0


def test_each_process_owns_the_guilds_of_its_own_shards_only() -> None:
    first, second = clock_shards(2, (0,)), clock_shards(2, (1,))
    assert first is not None and second is not None
    assert first.owns(in_guild(GUILD_ON_0)) and not first.owns(in_guild(GUILD_ON_1))
    assert second.owns(in_guild(GUILD_ON_1)) and not second.owns(in_guild(GUILD_ON_0))


def test_dm_channel_belongs_to_the_process_running_shard_zero() -> None:
    first, second = clock_shards(2, (0,)), clock_shards(2, (1,))
    assert first is not None and second is not None
    assert first.owns(DM) and not second.owns(DM)


def test_slack_and_console_channels_are_owned_by_every_shard_process() -> None:
    second = clock_shards(2, (1,))
    assert second is not None
    assert second.owns(ChannelRef("slack", "slack:T1", "C1"))
    assert second.owns(ChannelRef("console", "console:local", "console"))


@pytest.mark.parametrize(("count", "ids"), [(None, ()), (2, ()), (2, (0, 1)), (1, (0,))])
def test_process_running_every_shard_owns_every_channel(count: int | None, ids: tuple[int, ...]) -> None:
    assert clock_shards(count, ids) is None
    assert clock_ownership([]) == Ownership()
    assert all(Ownership().owns(c) for c in (in_guild(GUILD_ON_0), in_guild(GUILD_ON_1), DM))


def test_adapter_hands_its_shards_to_the_root() -> None:
    sharded = DiscordAdapter(None, "token", shard_count=2, shard_ids=(1,))  # type: ignore[arg-type]
    unsharded = DiscordAdapter(None, "token")  # type: ignore[arg-type]
    owned = clock_ownership([sharded, unsharded])  # type: ignore[list-item]
    assert owned.owns(in_guild(GUILD_ON_1)) and not owned.owns(in_guild(GUILD_ON_0))
    assert clock_ownership([unsharded]).everything  # type: ignore[list-item]
