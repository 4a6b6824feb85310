"""Spaced-repetition state (FSRS) per member per card, and what is due."""

from __future__ import annotations

from collections.abc import Iterable

import aiosqlite

from bot.store.db import Database


async def load_states(conn: aiosqlite.Connection, card_key: str, member_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(member_ids), 500):
        chunk = member_ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        async with conn.execute(
            f"SELECT member_id, state FROM reviews WHERE card_key = ? AND member_id IN ({marks})",
            (card_key, *chunk)) as cur:
            for mid, state in await cur.fetchall():
                out[int(mid)] = str(state)
    return out


async def save_states(conn: aiosqlite.Connection, card_key: str,
                      states: Iterable[tuple[int, str, float]]) -> None:
    """Upsert (member_id, state json, due_at) rows for one card."""
    await conn.executemany(
        "INSERT INTO reviews(member_id, card_key, state, due_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(member_id, card_key) DO UPDATE SET state = excluded.state, due_at = excluded.due_at",
        [(mid, card_key, state, due) for mid, state, due in states])


class Reviews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def due_in_channel(self, channel_id: int, now: float) -> dict[str, int]:
        """card_key -> how many members who play in this channel have it due."""
        rows = await self.db.fetchall(
            "SELECT card_key, COUNT(*) FROM reviews WHERE due_at <= ? AND member_id IN ("
            " SELECT DISTINCT a.member_id FROM answers a JOIN rounds r ON r.id = a.round_id"
            " WHERE r.channel_id = ?) GROUP BY card_key", (now, channel_id))
        return {str(r[0]): int(r[1]) for r in rows}
