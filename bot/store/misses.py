"""A member's answers card by card, for the misses export (``quizbot export misses``, ``/quiz misses``).

Reads only; portable SQL (SQLite and PostgreSQL). Only answers to closed rounds count: an
open round's answer is not graded for the member yet, and showing it early would give the
answer away.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database


@dataclass(frozen=True)
class KnownMember:
    id: int
    key: str
    name: str


@dataclass(frozen=True)
class CardRecord:
    """One member's record on one card, across every channel and workspace."""

    deck_id: str
    card_id: str
    latest_correct: bool
    latest_at: float
    """When the member last answered the card (UTC epoch seconds)."""
    right: int
    wrong: int
    question: dict[str, Any]
    """The latest round's stored question (its answer and explanation, should the card be gone)."""


async def find_members(db: Database, who: str) -> list[KnownMember]:
    """The member whose key is ``who``; else every member whose display name is ``who``
    (ignoring case). More than one means the name is ambiguous."""
    rows = await db.fetchall("SELECT id, key, name FROM members WHERE key = ?", (who,))
    if not rows:
        rows = await db.fetchall("SELECT id, key, name FROM members WHERE lower(name) = lower(?) ORDER BY key",
                                 (who,))
    return [KnownMember(int(r[0]), str(r[1]), str(r[2])) for r in rows]


async def card_records(db: Database, member_id: int) -> list[CardRecord]:
    """Every card the member answered in a closed round, the most recently answered first."""
    rows = await db.fetchall(
        "SELECT r.card_key, a.correct, a.answered_at, r.question FROM answers a "
        "JOIN rounds r ON r.id = a.round_id WHERE a.member_id = ? AND r.closed_at IS NOT NULL "
        "ORDER BY a.answered_at DESC, a.id DESC", (member_id,))
    latest: dict[str, CardRecord] = {}
    tally: dict[str, list[int]] = {}
    for card_key, correct, answered_at, question in rows:
        key = str(card_key)
        counts = tally.setdefault(key, [0, 0])
        counts[0 if correct else 1] += 1
        if key not in latest:
            data = json.loads(question)
            latest[key] = CardRecord(str(data.get("deck_id", "")), str(data.get("card_id", "")), bool(correct),
                                     float(answered_at), 0, 0, data)
    return [CardRecord(r.deck_id, r.card_id, r.latest_correct, r.latest_at, tally[k][0], tally[k][1], r.question)
            for k, r in latest.items()]
