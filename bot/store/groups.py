"""Study groups: named sets of members within one workspace."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.store.db import Database
from bot.store.errors import AlreadyExists, GroupExists


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    members: int


class Groups:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, workspace: str, name: str, member_id: int) -> Group:
        """Create a group and put its creator in it. Raises :class:`GroupExists`."""
        now = time.time()
        try:
            async with self.db.transaction() as conn:
                cursor = await conn.execute(
                    "INSERT INTO groups(workspace, name, created_by, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                    (workspace, name, member_id, now))
                row = await cursor.fetchone()
                gid = int(row[0]) if row else 0
                await conn.execute(
                    "INSERT INTO group_members(group_id, member_id, joined_at) VALUES (?, ?, ?)",
                    (gid, member_id, now))
        except AlreadyExists:
            raise GroupExists(name) from None
        return Group(gid, name, 1)

    async def find(self, workspace: str, name: str) -> Group | None:
        row = await self.db.fetchone(
            "SELECT g.id, g.name, COUNT(gm.member_id) FROM groups g "
            "LEFT JOIN group_members gm ON gm.group_id = g.id WHERE g.workspace = ? AND lower(g.name) = lower(?) "
            "GROUP BY g.id", (workspace, name))
        return Group(int(row[0]), str(row[1]), int(row[2])) if row else None

    async def join(self, group_id: int, member_id: int) -> bool:
        """True when the member was not in the group yet."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO group_members(group_id, member_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (group_id, member_id, time.time()))
            return cursor.rowcount == 1

    async def leave(self, group_id: int, member_id: int) -> bool:
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "DELETE FROM group_members WHERE group_id = ? AND member_id = ?", (group_id, member_id))
            return cursor.rowcount == 1

    async def has_member(self, group_id: int, member_id: int) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM group_members WHERE group_id = ? AND member_id = ?", (group_id, member_id))
        return row is not None

    async def delete(self, group_id: int) -> None:
        await self.db.execute("DELETE FROM groups WHERE id = ?", (group_id,))

    async def list(self, workspace: str) -> list[Group]:
        rows = await self.db.fetchall(
            "SELECT g.id, g.name, COUNT(gm.member_id) FROM groups g "
            "LEFT JOIN group_members gm ON gm.group_id = g.id WHERE g.workspace = ? "
            "GROUP BY g.id ORDER BY lower(g.name), g.name", (workspace,))
        return [Group(int(r[0]), str(r[1]), int(r[2])) for r in rows]
