"""Which guilds' clocks a Discord process runs, from its shard settings.

Discord delivers a guild's events on shard ``(guild_id >> 22) % shard_count`` (direct
messages on shard 0). Several ``quizbot run`` processes, each with its own
``DISCORD_SHARD_IDS`` and the same ``DISCORD_SHARD_COUNT``, share one database: each runs the
clock (scheduled questions, deadlines, reveals, sessions) only for the channels of guilds on
its own shards, so every timer fires in exactly one process. Clicks and commands need no such
split: everything they use is in the database, so whichever process receives one handles it.

The core gets this as a platform-free value (:class:`~bot.quiz.ports.WorkspaceShards` over the
channel's workspace ``discord:<guild_id>``); it never sees discord.py.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.quiz.ports import WorkspaceShards

PLATFORM = "discord"
SNOWFLAKE_SHIFT = 22
"""A snowflake's low 22 bits are worker, process and increment; the shard hashes the rest."""


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """The shard Discord delivers a guild's events on; shard 0 for a DM (no guild)."""
    return 0 if guild_id is None else (guild_id >> SNOWFLAKE_SHIFT) % shard_count


def clock_shards(shard_count: int | None, shard_ids: Collection[int]) -> WorkspaceShards | None:
    """The Discord channels this process runs the clock for; None when it runs every shard
    (no shard settings, or no ``DISCORD_SHARD_IDS``, or all of them listed), which owns every
    Discord channel as an unsharded bot does. Raises ValueError for ids outside the count."""
    if shard_count is None or not shard_ids or set(shard_ids) == set(range(shard_count)):
        return None
    return WorkspaceShards(PLATFORM, shard_count, frozenset(shard_ids), shift=SNOWFLAKE_SHIFT)
