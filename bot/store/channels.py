"""Channels: one stored value, :class:`ChannelRef`, and its row id.

A channel is written through :meth:`Channels.id_of` and read back through
:func:`channel_of` over :data:`CHANNEL_COLUMNS`; rounds, schedules and sessions
carry a whole :class:`ChannelRef`, so nothing rebuilds one from loose columns.
The row's ``key`` column is :attr:`ChannelRef.key`, unique per channel.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database
from bot.store.sql import Connection

CHANNEL_COLUMNS = "c.platform, c.workspace, c.native_id"
"""The columns of ``channels c`` that :func:`channel_of` reads, in its order."""

ANSWER_MODES = ("final", "changeable")


@dataclass(frozen=True)
class ChannelRef:
    """A channel. ``key`` is platform-qualified (``discord:G1:C1``); ``workspace``
    (``discord:G1``) groups the channels of one Slack workspace or Discord server."""

    platform: str
    workspace: str
    native_id: str

    @property
    def key(self) -> str:
        return f"{self.workspace}:{self.native_id}"


def channel_of(row: Sequence[Any], at: int) -> ChannelRef:
    """The channel stored in ``row[at:at + 3]`` (selected as :data:`CHANNEL_COLUMNS`)."""
    return ChannelRef(str(row[at]), str(row[at + 1]), str(row[at + 2]))


async def round_terms(conn: Connection, channel_id: int, workspace: str) -> tuple[int | None, str | None]:
    """What a round opened in the channel now is bound by, read in one statement (this runs in
    every round's opening, inside its transaction): the id of the workspace's open season (None
    before its first round) and the channel's answer mode (``final``/``changeable``; None when
    never set)."""
    rows = await conn.execute_fetchall(
        "SELECT (SELECT id FROM seasons WHERE workspace = ? AND ended_at IS NULL), answer_mode "
        "FROM channels WHERE id = ?", (workspace, channel_id))
    row = next(iter(rows), None)
    if row is None:
        return None, None
    return (int(row[0]) if row[0] is not None else None), (str(row[1]) if row[1] else None)


class Channels:
    """Channel rows by :class:`ChannelRef`. Ids are cached after the first lookup (only ids
    that were committed)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._ids: dict[str, int] = {}

    def know(self, channel: ChannelRef, channel_id: int) -> None:
        """Remember a channel id read elsewhere (a schedule row carries it), saving a lookup."""
        self._ids[channel.key] = channel_id

    async def id_of(self, channel: ChannelRef) -> int:
        """The channel's row id, stored on first use."""
        cached = self._ids.get(channel.key)
        if cached:
            return cached
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO channels(key, workspace, platform, native_id, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO NOTHING",
                (channel.key, channel.workspace, channel.platform, channel.native_id, time.time()),
            )
            async with conn.execute("SELECT id FROM channels WHERE key = ?", (channel.key,)) as cur:
                row = await cur.fetchone()
        assert row is not None
        self._ids[channel.key] = int(row[0])
        return int(row[0])

    async def set_answer_mode(self, channel_id: int, mode: str) -> None:
        """Set how answers count in rounds opened from now on. Raises ``ValueError`` for a
        mode other than :data:`ANSWER_MODES` (nothing is written)."""
        if mode not in ANSWER_MODES:
            raise ValueError(f"unknown answer mode {mode!r}")
        await self.db.execute("UPDATE channels SET answer_mode = ? WHERE id = ?", (mode, channel_id))
