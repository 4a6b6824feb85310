"""Which channels this process runs the clock for, as a value the store can turn into SQL.

Several processes may share one database, each connected to part of a platform (Discord
shards). Every process still answers every click and command it receives (all of that is in
the database), but only one of them may act on its own timer for a channel: post scheduled
questions, close rounds at their deadline, send reveals, pace sessions. :class:`Ownership`
says which channels that is, and every clock query filters by it in SQL
(:meth:`Ownership.where`), so a process never reads, and never wakes up for, another
process's work.

The split is by workspace number: a platform's workspaces are spread over ``count`` shards
as ``(number >> shift) % count`` (Discord: ``(guild_id >> 22) % shard_count``, which the
Discord adapter supplies; the store knows no platform). A workspace without a number (a
direct message) is on shard 0. Channels of platforms that are not split (Slack, the console)
are owned by every process, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.channels import ChannelRef

_MAX_DIGITS = 19
"""Workspace numbers up to 19 digits (a signed 64-bit integer, as every snowflake is) are
split by number; a longer one counts as "no number" (shard 0), in Python and SQL alike."""


@dataclass(frozen=True)
class WorkspaceShards:
    """One platform's workspaces split over ``count`` shards; this process holds ``mine``.

    A workspace is ``"<platform>:<number>"``; its shard is ``(number >> shift) % count``,
    shard 0 when it has no number. Raises ValueError for an empty ``mine``, a count below 1
    or a shard outside it."""

    platform: str
    count: int
    mine: frozenset[int]
    shift: int = 0

    def __post_init__(self) -> None:
        if self.count < 1 or not self.mine or any(not 0 <= s < self.count for s in self.mine):
            raise ValueError(f"shards {sorted(self.mine)} do not fit a count of {self.count}")
        if self.shift < 0:
            raise ValueError("shift must be 0 or more")

    @property
    def prefix(self) -> str:
        return f"{self.platform}:"

    def number(self, workspace: str) -> int | None:
        """The workspace's number, or None (a DM, another platform's workspace)."""
        if not workspace.startswith(self.prefix):
            return None
        digits = workspace[len(self.prefix):]
        if not digits or len(digits) > _MAX_DIGITS or not all("0" <= d <= "9" for d in digits):
            return None
        return int(digits)

    def shard_of(self, workspace: str) -> int:
        number = self.number(workspace)
        return 0 if number is None else (number >> self.shift) % self.count

    def owns(self, channel: ChannelRef) -> bool:
        """True for a channel of another platform, or one of a workspace on a shard of ``mine``."""
        return channel.platform != self.platform or self.shard_of(channel.workspace) in self.mine

    def where(self, alias: str) -> tuple[str, tuple[str, ...]]:
        """The SQL condition of :meth:`owns` on the ``channels`` row ``alias`` and its parameters.

        Portable SQL (SQLite and PostgreSQL): ``LTRIM(x, '0123456789') = ''`` tests for digits;
        integers are written into the text (they come from settings, typed as int)."""
        start = len(self.prefix) + 1
        number = f"SUBSTR({alias}.workspace, {start})"
        has_number = (f"SUBSTR({alias}.workspace, 1, {start - 1}) = ? AND LENGTH({alias}.workspace) "
                      f"BETWEEN {start} AND {start + _MAX_DIGITS - 1} AND LTRIM({number}, '0123456789') = ''")
        shard = (f"CASE WHEN {has_number} THEN ((CAST({number} AS BIGINT) >> {int(self.shift)}) "
                 f"% {int(self.count)}) ELSE 0 END")
        mine = ", ".join(str(int(s)) for s in sorted(self.mine))
        return f"({alias}.platform <> ? OR {shard} IN ({mine}))", (self.platform, self.prefix)


@dataclass(frozen=True)
class Ownership:
    """The channels whose clock this process runs: all of them, except on the platforms listed
    in ``shards``, where only those of its own shards. ``Ownership()`` owns every channel."""

    shards: tuple[WorkspaceShards, ...] = ()

    @property
    def everything(self) -> bool:
        return not self.shards

    def owns(self, channel: ChannelRef) -> bool:
        return all(share.owns(channel) for share in self.shards)

    def where(self, alias: str = "c") -> tuple[str, tuple[str, ...]]:
        """``AND``-able SQL over the ``channels`` row ``alias`` (``"1 = 1"`` when it owns all)."""
        if not self.shards:
            return "1 = 1", ()
        parts = [share.where(alias) for share in self.shards]
        return " AND ".join(sql for sql, _ in parts), tuple(p for _, params in parts for p in params)


EVERY_CHANNEL = Ownership()
"""A process without shards: today's behaviour, it runs the clock for every channel."""
