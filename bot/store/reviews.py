"""Spaced-repetition state (FSRS) per member per card, and what is due."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator

from fsrs import State

from bot.store.db import Database
from bot.store.score_keys import ALL, SCOPE_ID
from bot.store.sql import Connection

StateRow = tuple[int, str, float] | tuple[int, str, float, bool]
"""(member_id, state json, due_at[, last answer right]) of one member's review of a card."""

REVIEW_STATE = State.Review.value
"""fsrs's number for long-term review, as ``$.state`` in the stored json (2; written as a literal
in :func:`save_states` and revision 0013)."""
assert REVIEW_STATE == 2


async def load_states(conn: Connection, card_key: str, member_ids: list[int]) -> dict[int, str]:
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


async def save_states(conn: Connection, card_key: str, states: Iterable[StateRow]) -> None:
    """Upsert (member_id, state json, due_at[, correct]) rows for one card.

    Without ``correct`` the last outcome stays what it was (right, for a new row).
    """
    rows = []
    for row in states:
        correct = None if len(row) < 4 else int(bool(row[3]))
        stage = _stage(row[1])
        rows.append((row[0], card_key, row[1], row[2], correct, correct, stage,
                     correct, correct, stage))
    await conn.executemany(
        "INSERT INTO reviews(member_id, card_key, state, due_at, last_correct, weak) "
        "VALUES (?, ?, ?, ?, COALESCE(?, 1), "
        "CASE WHEN COALESCE(?, 1) = 0 OR ? = 2 THEN 1 ELSE 0 END) "
        "ON CONFLICT(member_id, card_key) DO UPDATE SET state = excluded.state, due_at = excluded.due_at, "
        "last_correct = COALESCE(?, reviews.last_correct), "
        "weak = CASE WHEN COALESCE(?, reviews.last_correct) = 0 OR ? = 2 THEN 1 ELSE 0 END", rows)


def _stage(state: str) -> int:
    """fsrs's stage number in a stored json state (0 when it says none)."""
    try:
        return int(json.loads(state).get("state") or 0)
    except (ValueError, TypeError, AttributeError):
        return 0


KEY_CHUNK = 900
"""Card keys per statement when a query is limited to a set of cards (under SQLite's oldest
limit of 999 parameters, far under PostgreSQL's 32,767)."""

PAGE = 200
"""A member's review rows read per statement when looking for their next loaded card."""

CHANNEL_MEMBERS = f"SELECT member_id FROM scores WHERE kind = {ALL} AND period = 0 AND scope_id = {SCOPE_ID}"
"""SQL for the members who play in a channel (parameter: the scope name ``channel:<id>``): those
with an all-time score row there, which every closed round adds for each member who answered it
(right or wrong) and nothing removes. A range of the scores' primary key, not a scan of answers."""


def chunks(keys: Collection[str]) -> Iterator[tuple[list[str], str]]:
    """``keys`` in slices of at most :data:`KEY_CHUNK`, each with its ``?,?,...`` marks."""
    ordered = list(keys)
    for start in range(0, len(ordered), KEY_CHUNK):
        chunk = ordered[start:start + KEY_CHUNK]
        yield chunk, ",".join("?" * len(chunk))


class Reviews:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def due_in_channel(self, channel_id: int, now: float, card_keys: Collection[str]) -> dict[str, int]:
        """card_key -> how many members who play in this channel have it due, for ``card_keys``
        (the cards the pick may ask; others, such as those of removed decks, are not counted).

        A member's card is due when its due date has passed and either their last
        answer to it was wrong or it is in long-term review; a card answered right
        once is only in fsrs's learning steps and waits its turn with the others.

        Read from the partial index ``reviews_card_due`` (revision 0014) card by card: the
        work grows with the due rows of these cards, not with the members' whole history, and
        the index's order is already the grouping's, so nothing is sorted.
        """
        out: dict[str, int] = {}
        for chunk, marks in chunks(card_keys):
            rows = await self.db.fetchall(
                f"SELECT card_key, COUNT(*) FROM reviews INDEXED BY reviews_card_due WHERE card_key IN ({marks})"
                f" AND weak = 1 AND due_at <= ? AND member_id IN ({CHANNEL_MEMBERS}) GROUP BY card_key",
                (*chunk, now, f"channel:{channel_id}"))
            out.update((str(r[0]), int(r[1])) for r in rows)
        return out

    async def due_count(self, member_id: int, now: float, card_keys: Collection[str]) -> int:
        """How many of the member's cards among ``card_keys`` (the loaded decks' cards, best a
        set) are due for review: their due date has passed. Cards of removed decks are not
        counted, since a review would never ask them. One range of ``reviews_member_due``: the
        member's due rows, few, filtered here rather than the library's keys sent to the query."""
        rows = await self.db.fetchall("SELECT card_key FROM reviews WHERE member_id = ? AND due_at <= ?",
                                      (member_id, now))
        return sum(1 for r in rows if r[0] in card_keys)

    async def next_due_at(self, member_id: int, card_keys: Collection[str]) -> float | None:
        """When the member's next card among ``card_keys`` falls due (None: they have no review
        state for any of them). Reads the member's rows in due order, a page at a time, until
        one is a loaded card (usually the first)."""
        since, last = float("-inf"), ""
        while True:
            rows = await self.db.fetchall(
                "SELECT due_at, card_key FROM reviews WHERE member_id = ?"
                " AND (due_at > ? OR (due_at = ? AND card_key > ?)) ORDER BY due_at, card_key LIMIT ?",
                (member_id, since, since, last, PAGE))
            for due_at, key in rows:
                if key in card_keys:
                    return float(due_at)
            if len(rows) < PAGE:
                return None
            since, last = float(rows[-1][0]), str(rows[-1][1])

    async def recent_repeats(self, channel_id: int, window: int) -> int:
        """Of the channel's last ``window`` rounds, how many asked a card the channel had seen before."""
        rows = await self.db.fetchall(
            "SELECT COUNT(*) FROM (SELECT card_key, opened_at FROM rounds WHERE channel_id = ?"
            " ORDER BY opened_at DESC LIMIT ?) r WHERE EXISTS (SELECT 1 FROM rounds p"
            " WHERE p.channel_id = ? AND p.card_key = r.card_key AND p.opened_at < r.opened_at)",
            (channel_id, window, channel_id))
        return int(rows[0][0]) if rows else 0
