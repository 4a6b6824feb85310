"""Private reviews (``/quiz review``): what a member has due, and their one open review question.

The open question is a row, not memory, so a review survives a restart: the buttons of the
question a member was shown still find it. A member has at most one open review question
(``member_id`` is unique); asking the next one replaces it, so a click on an older question
finds nothing (:meth:`ReviewQuestionsInTx.take` returns None) and changes nothing.

Nothing here writes ``scores``: a review never touches a leaderboard.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.deck.generate import AskedQuestion
from bot.store.db import Database
from bot.store.sql import Connection


@dataclass(frozen=True)
class ReviewQuestion:
    """A review question shown to one member and not answered yet."""

    id: int
    member_id: int
    card_key: str
    question: AskedQuestion
    asked_at: float
    hinted: bool


_COLUMNS = "id, member_id, card_key, question, asked_at, hinted"


def _row(r: Sequence[Any]) -> ReviewQuestion:
    return ReviewQuestion(int(r[0]), int(r[1]), str(r[2]), AskedQuestion.from_dict(json.loads(r[3])),
                          float(r[4]), bool(r[5]))


class ReviewQuestions:
    """A member's due cards (most overdue first) and their open review question."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def most_overdue(self, member_id: int, now: float, limit: int,
                           after: tuple[float, str] | None = None) -> list[tuple[float, str]]:
        """(due_at, card key) of cards due for ``member_id`` at ``now``, the longest overdue first,
        from just ``after`` such a pair (the last of the previous page). Index
        ``reviews_member_due``: reads about ``limit`` rows, however many the member has."""
        since, key = after if after is not None else (float("-inf"), "")
        rows = await self.db.fetchall(
            "SELECT due_at, card_key FROM reviews WHERE member_id = ? AND due_at <= ?"
            " AND (due_at > ? OR (due_at = ? AND card_key > ?)) ORDER BY due_at, card_key LIMIT ?",
            (member_id, now, since, since, key, limit))
        return [(float(r[0]), str(r[1])) for r in rows]

    async def get(self, question_id: int) -> ReviewQuestion | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM review_questions WHERE id = ?", (question_id,))
        return _row(row) if row else None

    async def open_for(self, member_id: int) -> ReviewQuestion | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM review_questions WHERE member_id = ?", (member_id,))
        return _row(row) if row else None

    async def open_id_of(self, member_key: str) -> int | None:
        """The id of the open review question of the member keyed ``member_key``: a read only,
        so a plain line in the console costs no write when the member has no review open."""
        row = await self.db.fetchone("SELECT q.id FROM review_questions q JOIN members m ON m.id = q.member_id"
                                     " WHERE m.key = ?", (member_key,))
        return int(row[0]) if row else None

    async def ask(self, member_id: int, question: AskedQuestion, asked_at: float) -> int:
        """Make ``question`` the member's open review question (replacing any other); its id."""
        async with self.db.transaction() as conn:
            await conn.run("DELETE FROM review_questions WHERE member_id = ?", (member_id,))
            row = await (await conn.run(
                "INSERT INTO review_questions(member_id, card_key, question, asked_at, hinted) "
                "VALUES (?, ?, ?, ?, 0) RETURNING id",
                (member_id, f"{question.deck_id}/{question.card_id}", json.dumps(question.as_dict()),
                 asked_at))).fetchone()
        assert row is not None
        return int(row[0])

    async def mark_hinted(self, question_id: int) -> None:
        await self.db.execute("UPDATE review_questions SET hinted = 1 WHERE id = ?", (question_id,))

    async def stop(self, member_id: int) -> bool:
        """End the member's review; False when none was open."""
        return await self.db.execute("DELETE FROM review_questions WHERE member_id = ?", (member_id,)) > 0


class ReviewQuestionsInTx:
    """The open review question inside a transaction (the answer and its rating commit together)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def take(self, question_id: int, member_id: int) -> bool:
        """Remove the member's open question ``question_id``; False when it is not (any more)
        their open question: answered already, replaced, stopped, or someone else's."""
        cur = await self._conn.run(
            "DELETE FROM review_questions WHERE id = ? AND member_id = ? RETURNING id", (question_id, member_id))
        return await cur.fetchone() is not None
