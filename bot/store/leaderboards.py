"""Scores per scope and period, streaks and seasons.

Scores are summed when a round closes, in the closing transaction, into one
row per (scope, period, member): a leaderboard is then an index range scan, not
an aggregate over every answer ever given. Scopes are ``channel:<id>`` and
``workspace:<key>``; periods are ``all``, ``week:YYYY-Www``, ``month:YYYY-MM``
and ``season:<id>`` (stored as integers: :mod:`bot.store.score_keys`). Ranking:
points, then accuracy, then who got there first.

Rows of closed weeks and months are removed (:func:`prune_closed_periods`) once no
command can show them, which keeps the table to a few rows per member and scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.store.db import Database
from bot.store.score_keys import MONTH, SCOPE_ID, WEEK, period_code, scope_ids
from bot.store.sql import Connection


@dataclass(frozen=True)
class ScoreRow:
    member_id: int
    name: str
    points: int
    correct: int
    answered: int


@dataclass(frozen=True)
class ScoredAnswer:
    member_id: int
    correct: bool
    points: int
    answered_at: float


async def add_scores(conn: Connection, scopes: Iterable[str], periods: Iterable[str],
                     answers: Iterable[ScoredAnswer]) -> None:
    """Add a closed round's answers to every (scope, period) they count for.
    Raises ValueError for a period key that is not one (before anything is written)."""
    codes = [period_code(p) for p in periods]
    answers = list(answers)
    if not answers or not codes:
        return
    ids = await scope_ids(conn, list(scopes))
    rows = [
        (code.kind, code.number, scope, a.member_id, a.points, int(a.correct), float(a.correct), a.answered_at)
        for a in answers for scope in ids for code in codes
    ]
    if not rows:
        return
    await conn.executemany(
        "INSERT INTO scores(kind, period, scope_id, member_id, points, correct, answered, accuracy, reached_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) "
        "ON CONFLICT(kind, period, scope_id, member_id) DO UPDATE SET "
        "points = scores.points + excluded.points, correct = scores.correct + excluded.correct, "
        "answered = scores.answered + 1, "
        "accuracy = (scores.correct + excluded.correct) * 1.0 / (scores.answered + 1), "
        "reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE scores.reached_at END",
        rows,
    )


async def prune_closed_periods(conn: Connection, oldest_week: str, oldest_month: str) -> int:
    """Delete the rows of every week before ``oldest_week`` and every month before
    ``oldest_month`` (period keys, e.g. ``week:2026-W47``, ``month:2026-10``); all-time and
    season rows are never touched. Returns the rows deleted. Cheap when there is nothing to
    delete (one seek per kind), so it can run in every closing transaction. The caller
    decides what is still viewable (:func:`bot.quiz.scoring.oldest_kept_periods`)."""
    week, month = period_code(oldest_week), period_code(oldest_month)
    if week.kind != WEEK or month.kind != MONTH:
        raise ValueError(f"not a week and a month: {oldest_week!r}, {oldest_month!r}")
    deleted = 0
    for kind, number in (week, month):
        cursor = await conn.execute("DELETE FROM scores WHERE kind = ? AND period < ?", (kind, number))
        deleted += max(cursor.rowcount, 0)
    return deleted


async def update_streaks(conn: Connection, channel_id: int, right: set[int]) -> None:
    """After a scheduled round: +1 for who got it right, back to 0 for everyone else."""
    await conn.executemany(
        "INSERT INTO streaks(channel_id, member_id, current, best) VALUES (?, ?, 1, 1) "
        "ON CONFLICT(channel_id, member_id) DO UPDATE SET current = streaks.current + 1, "
        "best = CASE WHEN streaks.best > streaks.current + 1 THEN streaks.best ELSE streaks.current + 1 END",
        [(channel_id, m) for m in sorted(right)],
    )
    if not right:
        await conn.execute("UPDATE streaks SET current = 0 WHERE channel_id = ?", (channel_id,))
        return
    marks = ",".join("?" * len(right))
    await conn.execute(
        f"UPDATE streaks SET current = 0 WHERE channel_id = ? AND member_id NOT IN ({marks})",
        (channel_id, *sorted(right)),
    )


class Leaderboards:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def top(self, scope: str, period: str, limit: int = 10,
                  group_id: int | None = None) -> list[ScoreRow]:
        """The first ``limit`` rows of a board, best first (an index range scan).
        Raises ValueError for a period key that is not one."""
        code = period_code(period)
        group_filter = ("AND s.member_id IN (SELECT member_id FROM group_members WHERE group_id = ?)"
                        if group_id is not None else "")
        params: tuple[object, ...] = (code.kind, code.number, scope) + (
            (group_id,) if group_id is not None else ()) + (limit,)
        rows = await self.db.fetchall(
            "SELECT s.member_id, m.name, s.points, s.correct, s.answered FROM scores s "
            f"JOIN members m ON m.id = s.member_id WHERE s.kind = ? AND s.period = ? AND s.scope_id = {SCOPE_ID} "
            f"{group_filter} ORDER BY s.points DESC, s.accuracy DESC, s.reached_at ASC LIMIT ?",
            params,
        )
        return [ScoreRow(int(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]

    async def rank_of(self, scope: str, period: str, member_id: int,
                      group_id: int | None = None) -> tuple[int, ScoreRow] | None:
        """A member's own place and row, for "you are #37"."""
        code = period_code(period)
        me = await self.db.fetchone(
            "SELECT s.points, s.accuracy, s.reached_at, m.name, s.correct, s.answered, s.scope_id FROM scores s "
            f"JOIN members m ON m.id = s.member_id WHERE s.kind = ? AND s.period = ? AND s.scope_id = {SCOPE_ID} "
            "AND s.member_id = ?",
            (code.kind, code.number, scope, member_id))
        if me is None:
            return None
        group_filter = ("AND member_id IN (SELECT member_id FROM group_members WHERE group_id = ?)"
                        if group_id is not None else "")
        params: tuple[object, ...] = (code.kind, code.number, me[6], me[0], me[0], me[1], me[0], me[1], me[2])
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM scores WHERE kind = ? AND period = ? AND scope_id = ? AND (points > ? OR "
            "(points = ? AND accuracy > ?) OR (points = ? AND accuracy = ? AND reached_at < ?)) "
            f"{group_filter}", params + ((group_id,) if group_id is not None else ()))
        rank = int(row[0]) + 1 if row else 1
        return rank, ScoreRow(member_id, str(me[3]), int(me[0]), int(me[4]), int(me[5]))

    async def streak(self, channel_id: int | None, member_id: int) -> tuple[int, int]:
        """(current, best) in one channel, or the best over all channels when None."""
        if channel_id is None:
            row = await self.db.fetchone(
                "SELECT COALESCE(MAX(current), 0), COALESCE(MAX(best), 0) FROM streaks WHERE member_id = ?",
                (member_id,))
        else:
            row = await self.db.fetchone(
                "SELECT current, best FROM streaks WHERE channel_id = ? AND member_id = ?",
                (channel_id, member_id))
        return (int(row[0]), int(row[1])) if row else (0, 0)


class Seasons:
    """Numbered seasons per workspace; the open one is where new rounds count."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def current(self, conn: Connection, workspace: str, now: float) -> tuple[int, int]:
        """(id, number) of the open season, starting season 1 on first use."""
        rows = await conn.execute_fetchall(  # one round trip: this runs in every round's opening
            "SELECT id, number FROM seasons WHERE workspace = ? AND ended_at IS NULL", (workspace,))
        row = next(iter(rows), None)
        if row:
            return int(row[0]), int(row[1])
        cursor = await conn.execute(
            "INSERT INTO seasons(workspace, number, started_at) VALUES (?, 1, ?) RETURNING id", (workspace, now))
        row = await cursor.fetchone()
        return int(row[0]) if row else 0, 1

    async def start_new(self, workspace: str, now: float) -> int:
        """End the open season and start the next; returns the new season's number."""
        async with self.db.transaction() as conn:
            _, number = await self.current(conn, workspace, now)
            await conn.execute(
                "UPDATE seasons SET ended_at = ? WHERE workspace = ? AND ended_at IS NULL", (now, workspace))
            await conn.execute(
                "INSERT INTO seasons(workspace, number, started_at) VALUES (?, ?, ?)",
                (workspace, number + 1, now))
        return number + 1

    async def find(self, workspace: str, number: int | None) -> tuple[int, int] | None:
        """(id, number) of season ``number``, or of the open one when None."""
        if number is None:
            row = await self.db.fetchone(
                "SELECT id, number FROM seasons WHERE workspace = ? AND ended_at IS NULL", (workspace,))
        else:
            row = await self.db.fetchone(
                "SELECT id, number FROM seasons WHERE workspace = ? AND number = ?", (workspace, number))
        return (int(row[0]), int(row[1])) if row else None

    async def all(self, workspace: str) -> list[tuple[int, float, float | None]]:
        rows = await self.db.fetchall(
            "SELECT number, started_at, ended_at FROM seasons WHERE workspace = ? ORDER BY number",
            (workspace,))
        return [(int(r[0]), float(r[1]), r[2]) for r in rows]
