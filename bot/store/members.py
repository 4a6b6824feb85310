"""Members: platform-qualified keys to row ids (channels: :mod:`bot.store.channels`).

Ids are cached in memory after the first lookup; the database stays the truth
(the cache only ever holds ids that were committed).
"""

from __future__ import annotations

import time

from bot.store.db import Database
from bot.store.sql import Connection


class Directory:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._members: dict[str, tuple[int, str]] = {}
        self._pending: dict[str, tuple[int, str]] = {}

    async def member_id(self, key: str, name: str) -> int:
        """The row id of a member, created (or renamed) as needed."""
        cached = self._members.get(key)
        if cached and cached[1] == name:
            return cached[0]
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO members(key, name, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET name = excluded.name WHERE members.name != excluded.name",
                (key, name, time.time()),
            )
            async with conn.execute("SELECT id FROM members WHERE key = ?", (key,)) as cur:
                row = await cur.fetchone()
        assert row is not None
        self._members[key] = (int(row[0]), name)
        return int(row[0])

    def cached(self, key: str, name: str) -> int | None:
        """The member's id when known and the name unchanged; else None (no I/O)."""
        hit = self._members.get(key)
        return hit[0] if hit and hit[1] == name else None

    async def resolve_in(self, conn: Connection, members: list[tuple[str, str]]) -> dict[str, int]:
        """Create or rename members inside the caller's transaction; key -> id.

        Used by the answer writer so a first-time member and their answer share one commit.
        The cache is filled by the caller only after that commit succeeds (see ``remember``).
        """
        if not members:
            return {}
        unique = dict(members)
        now = time.time()
        await conn.executemany(
            "INSERT INTO members(key, name, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET name = excluded.name WHERE members.name != excluded.name",
            [(k, n, now) for k, n in unique.items()],
        )
        out: dict[str, int] = {}
        keys = list(unique)
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            async with conn.execute(f"SELECT key, id FROM members WHERE key IN ({marks})", chunk) as cur:
                for key, ident in await cur.fetchall():
                    out[str(key)] = int(ident)
        self._pending.update({k: (out[k], unique[k]) for k in out})
        return out

    def remember_pending(self) -> None:
        """Cache the ids resolved by ``resolve_in`` once their transaction committed."""
        self._members.update(self._pending)
        self._pending.clear()

    def forget_pending(self) -> None:
        self._pending.clear()

    async def member_ids(self, members: list[tuple[str, str]]) -> dict[str, int]:
        """Many members at once (one transaction for the ones not cached yet)."""
        out: dict[str, int] = {}
        missing = []
        for key, name in members:
            cached = self._members.get(key)
            if cached and cached[1] == name:
                out[key] = cached[0]
            else:
                missing.append((key, name))
        if missing:
            now = time.time()
            async with self.db.transaction() as conn:
                await conn.executemany(
                    "INSERT INTO members(key, name, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET name = excluded.name WHERE members.name != excluded.name",
                    [(k, n, now) for k, n in missing],
                )
                keys = [k for k, _ in missing]
                for start in range(0, len(keys), 500):
                    chunk = keys[start:start + 500]
                    marks = ",".join("?" * len(chunk))
                    async with conn.execute(f"SELECT key, id FROM members WHERE key IN ({marks})", chunk) as cur:
                        for key, ident in await cur.fetchall():
                            out[key] = int(ident)
            for key, name in dict(missing).items():
                self._members[key] = (out[key], name)
        return out

    async def name_of(self, member_id: int) -> str:
        row = await self.db.fetchone("SELECT name FROM members WHERE id = ?", (member_id,))
        return str(row[0]) if row else "?"
