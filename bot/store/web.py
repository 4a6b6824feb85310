"""What the web pages need from the database: each workspace's secret link, the members
who asked to be left off the pages, and the reads the pages show (channels, groups, a
workspace's card accuracy, one closed round with who got it).

A link is a token from :func:`secrets.token_urlsafe` kept in ``web_links``; a workspace has
at most one (the primary key), and a token belongs to one workspace (unique), so looking a
token up names exactly one workspace or none. Turning the pages off deletes the row: every
page under the old token is then unknown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.store.db import Database


@dataclass(frozen=True)
class WebChannel:
    id: int
    native_id: str


@dataclass(frozen=True)
class CardTally:
    """How a card was answered in a workspace's closed rounds."""

    correct: int
    answered: int


@dataclass(frozen=True)
class RoundAnswer:
    member_id: int
    name: str
    choice: int | None
    correct: bool
    answered_at: float


class WebStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- links ---------------------------------------------------------------

    async def token_of(self, workspace: str) -> str | None:
        row = await self.db.fetchone("SELECT token FROM web_links WHERE workspace = ?", (workspace,))
        return str(row[0]) if row else None

    async def workspace_of(self, token: str) -> str | None:
        row = await self.db.fetchone("SELECT workspace FROM web_links WHERE token = ?", (token,))
        return str(row[0]) if row else None

    async def set_token(self, workspace: str, token: str) -> None:
        """Give ``workspace`` the link ``token``, replacing its old one (which stops working)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO web_links(workspace, token, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT(workspace) DO UPDATE SET token = excluded.token, created_at = excluded.created_at",
                (workspace, token, time.time()))

    async def remove(self, workspace: str) -> bool:
        """Forget the workspace's link; True when it had one."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM web_links WHERE workspace = ?", (workspace,))
            return cursor.rowcount == 1

    # -- hidden members ------------------------------------------------------

    async def set_hidden(self, member_id: int, hidden: bool) -> bool:
        """Hide or show a member on every page; True when that changed something."""
        async with self.db.transaction() as conn:
            if hidden:
                cursor = await conn.execute(
                    "INSERT INTO web_hidden(member_id, hidden_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (member_id, time.time()))
            else:
                cursor = await conn.execute("DELETE FROM web_hidden WHERE member_id = ?", (member_id,))
            return cursor.rowcount == 1

    async def hidden(self) -> frozenset[int]:
        """The ids of every member who asked to be left off the pages (a short list)."""
        rows = await self.db.fetchall("SELECT member_id FROM web_hidden")
        return frozenset(int(r[0]) for r in rows)

    # -- what the pages show ---------------------------------------------------

    async def channels(self, workspace: str) -> list[WebChannel]:
        rows = await self.db.fetchall(
            "SELECT id, native_id FROM channels WHERE workspace = ? ORDER BY id", (workspace,))
        return [WebChannel(int(r[0]), str(r[1])) for r in rows]

    async def card_tallies(self, workspace: str) -> dict[str, CardTally]:
        """Right and total answers per card (``deck/card``) over the workspace's closed rounds."""
        rows = await self.db.fetchall(
            "SELECT r.card_key, SUM(a.correct), COUNT(*) FROM answers a JOIN rounds r ON r.id = a.round_id "
            "JOIN channels c ON c.id = r.channel_id WHERE c.workspace = ? AND r.closed_at IS NOT NULL "
            "GROUP BY r.card_key", (workspace,))
        return {str(r[0]): CardTally(int(r[1] or 0), int(r[2])) for r in rows}

    async def round_workspace(self, round_id: int) -> str | None:
        """The workspace of a closed round, or None (no such round, or still open)."""
        row = await self.db.fetchone(
            "SELECT c.workspace FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.id = ? AND r.closed_at IS NOT NULL", (round_id,))
        return str(row[0]) if row else None

    async def round_answers(self, round_id: int) -> list[RoundAnswer]:
        """The round's answers with each member's display name, in the order they came."""
        rows = await self.db.fetchall(
            "SELECT a.member_id, m.name, a.choice, a.correct, a.answered_at FROM answers a "
            "JOIN members m ON m.id = a.member_id WHERE a.round_id = ? ORDER BY a.answered_at, a.id",
            (round_id,))
        return [RoundAnswer(int(r[0]), str(r[1]), None if r[2] is None else int(r[2]), bool(r[3]), float(r[4]))
                for r in rows]

    async def recent_rounds(self, workspace: str, limit: int = 20) -> list[tuple[int, str, float]]:
        """(round id, question JSON, closed at) of the workspace's latest closed rounds, newest first."""
        rows = await self.db.fetchall(
            "SELECT r.id, r.question, r.closed_at FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE c.workspace = ? AND r.closed_at IS NOT NULL ORDER BY r.closed_at DESC, r.id DESC LIMIT ?",
            (workspace, limit))
        return [(int(r[0]), str(r[1]), float(r[2])) for r in rows]
