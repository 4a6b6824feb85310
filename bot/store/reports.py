"""Reports of wrong cards: who reported which card, when, against which deck version, why.

Guarantees:
- one open report per member per card (a partial unique index): reporting again
  updates the open report (a new reason replaces the old; an empty one keeps it),
  never adds a second;
- resolving closes every open report of a card at once (the card was fixed or
  judged right), so the next report of it starts a new one.

:func:`read_open` works on a plain read-only ``sqlite3`` connection, so the
``quizbot decks`` commands can list reports without the async stack or the right
to change the database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the async stack is not loaded by `quizbot decks`, which only reads
    from bot.store.db import Database


@dataclass(frozen=True)
class ReportIn:
    member_id: int
    deck_id: str
    card_id: str
    deck_version: str
    reason: str
    reported_at: float


@dataclass(frozen=True)
class Report:
    id: int
    deck_id: str
    card_id: str
    member: str
    """The reporting member's display name."""
    deck_version: str
    reason: str
    reported_at: float
    resolved_at: float | None


@dataclass(frozen=True)
class CardReports:
    """The reports of one card, newest first; ``id`` is the newest report's id."""

    deck_id: str
    card_id: str
    reports: tuple[Report, ...]

    @property
    def id(self) -> int:
        return self.reports[0].id

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.reports if r.resolved_at is None)

    @property
    def newest(self) -> float:
        return self.reports[0].reported_at

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.reports if r.reason)


_SELECT = (
    "SELECT r.id, r.deck_id, r.card_id, m.name, r.deck_version, r.reason, r.reported_at, r.resolved_at "
    "FROM card_reports r JOIN members m ON m.id = r.member_id"
)


def _by_card(rows: Iterable[Sequence[Any]]) -> list[CardReports]:
    """Rows (newest first) grouped per card; cards ordered by their newest report."""
    cards: dict[tuple[str, str], list[Report]] = {}
    for r in rows:
        report = Report(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), float(r[6]),
                        None if r[7] is None else float(r[7]))
        cards.setdefault((report.deck_id, report.card_id), []).append(report)
    return [CardReports(deck, card, tuple(reports)) for (deck, card), reports in cards.items()]


def _query(include_resolved: bool) -> str:
    where = "" if include_resolved else " WHERE r.resolved_at IS NULL"
    return f"{_SELECT}{where} ORDER BY r.reported_at DESC, r.id DESC"


def read_open(conn: sqlite3.Connection, include_resolved: bool = False) -> list[CardReports]:
    """The reports per card, newest card first, from a plain (read-only) connection."""
    return _by_card(conn.execute(_query(include_resolved)).fetchall())


class Reports:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, report: ReportIn) -> bool:
        """Store a report, or update the member's open report of the card. True when new."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE card_reports SET reported_at = ?, deck_version = ?, "
                "reason = CASE WHEN ? = '' THEN reason ELSE ? END "
                "WHERE member_id = ? AND deck_id = ? AND card_id = ? AND resolved_at IS NULL",
                (report.reported_at, report.deck_version, report.reason, report.reason, report.member_id,
                 report.deck_id, report.card_id))
            if cursor.rowcount:
                return False
            await conn.execute(
                "INSERT INTO card_reports(member_id, deck_id, card_id, deck_version, reason, reported_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (report.member_id, report.deck_id, report.card_id, report.deck_version, report.reason,
                 report.reported_at))
            return True

    async def open_by_card(self) -> list[CardReports]:
        """Open reports per card, the card with the newest report first."""
        return _by_card(await self.db.fetchall(_query(False)))

    async def resolve(self, report_id: int, member_id: int, now: float) -> CardReports | None:
        """Resolve every open report of the card that report ``report_id`` is about; returns
        what was resolved, or None when that report is unknown or already resolved."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT deck_id, card_id FROM card_reports WHERE id = ? AND resolved_at IS NULL",
                (report_id,)) as cur:
                row = await cur.fetchone()
            if row is None:
                return None
            deck_id, card_id = str(row[0]), str(row[1])
            async with conn.execute(
                f"{_SELECT} WHERE r.deck_id = ? AND r.card_id = ? AND r.resolved_at IS NULL "
                "ORDER BY r.reported_at DESC, r.id DESC", (deck_id, card_id)) as cur:
                resolved = _by_card(list(await cur.fetchall()))
            await conn.execute(
                "UPDATE card_reports SET resolved_at = ?, resolved_by = ? "
                "WHERE deck_id = ? AND card_id = ? AND resolved_at IS NULL", (now, member_id, deck_id, card_id))
        return resolved[0] if resolved else None
