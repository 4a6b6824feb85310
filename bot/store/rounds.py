"""Rounds: one question asked in one channel, from open to close.

At most one round is open per channel (a unique partial index), and a
scheduled slot opens at most one round (``UNIQUE(schedule_id, slot_at)``):
the database, not the process, guarantees both.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection
from dataclasses import dataclass

from bot.deck.generate import AskedQuestion
from bot.store.channels import CHANNEL_COLUMNS, ChannelRef, channel_of
from bot.store.db import Database
from bot.store.errors import ChannelBusy, SlotTaken, refusal
from bot.store.ownership import EVERY_CHANNEL, Ownership
from bot.store.sessions import Sessions
from bot.store.sql import Connection, Record, Violation

UNPOSTED_GRACE_S = 30.0
"""A round whose question has not been posted this long after it opened was left behind
(the process stopped while posting); younger ones may still be on their way."""

_COLUMNS = (
    f"r.id, r.channel_id, {CHANNEL_COLUMNS}, r.question, r.opened_at, "
    "r.closes_at, r.closed_at, r.message_id, r.schedule_id, r.slot_at, r.session_id, r.season_id, "
    "r.allow_change"
)


@dataclass(frozen=True)
class RoundRow:
    id: int
    channel_id: int
    channel: ChannelRef
    question: AskedQuestion
    opened_at: float
    closes_at: float
    closed_at: float | None
    message_id: str | None
    schedule_id: int | None
    slot_at: float | None
    session_id: int | None
    season_id: int | None
    allow_change: bool

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def _row(r: Record) -> RoundRow:
    return RoundRow(
        id=r[0], channel_id=r[1], channel=channel_of(r, 2),
        question=AskedQuestion.from_dict(json.loads(r[5])), opened_at=r[6], closes_at=r[7],
        closed_at=r[8], message_id=r[9], schedule_id=r[10], slot_at=r[11], session_id=r[12],
        season_id=r[13], allow_change=bool(r[14]),
    )


class Rounds:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._messages: list[tuple[str, int, asyncio.Future[None]]] = []
        """Message ids waiting for the next commit (see :meth:`set_message`)."""
        self._writer: asyncio.Task[None] | None = None

    @staticmethod
    async def insert(conn: Connection, *, channel_id: int, question: AskedQuestion,
                     opened_at: float, closes_at: float, season_id: int | None,
                     allow_change: bool = False, schedule_id: int | None = None,
                     slot_at: float | None = None, session_id: int | None = None) -> int:
        """Open a round inside a transaction. Raises :class:`~bot.store.errors.ChannelBusy`
        when the channel already has an open round, :class:`~bot.store.errors.SlotTaken` when
        the schedule slot already has its round (other refusals as their store errors)."""
        try:
            cursor = await conn.execute(
                "INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, closes_at, "
                "schedule_id, slot_at, session_id, season_id, allow_change) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                "RETURNING id",
                (channel_id, question.key, f"{question.deck_id}/{question.card_id}",
                 json.dumps(question.as_dict()), opened_at, closes_at, schedule_id, slot_at, session_id,
                 season_id, int(allow_change)),
            )
        except Violation as exc:  # which unique index said no: the slot, or the channel's open round
            if not exc.unique:
                raise refusal(exc) from exc
            if "slot_at" in exc.text:
                raise SlotTaken(exc.text) from exc
            if "channel_id" in exc.text:
                raise ChannelBusy(exc.text) from exc
            raise refusal(exc) from exc
        row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def withdraw_unseen(self, round_id: int, now: float) -> bool:
        """Delete a round nobody saw (not posted, not closed, not answered); a session it
        belonged to asks again at ``now``. False (nothing changed) when it was seen."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT session_id FROM rounds WHERE id = ? AND message_id IS NULL AND closed_at IS NULL "
                "AND NOT EXISTS (SELECT 1 FROM answers WHERE round_id = ?)", (round_id, round_id)) as cur:
                row = await cur.fetchone()
            if row is None:
                return False
            await conn.execute("DELETE FROM rounds WHERE id = ?", (round_id,))
            if row[0] is not None:
                await Sessions.uncount_question(conn, int(row[0]), now)
        return True

    async def set_message(self, round_id: int, message_id: str) -> None:
        """Record a posted question's message id; returns once it is committed (raises what the
        commit raised). Ids that arrive while a commit runs share the next one (one statement,
        one commit), so a slot posting in thousands of channels costs a few commits, not one
        per question."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._messages.append((message_id, round_id, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write_messages())
        await asyncio.shield(done)

    async def _write_messages(self) -> None:
        while self._messages:
            batch, self._messages = self._messages, []
            try:
                async with self.db.transaction() as conn:
                    await conn.executemany("UPDATE rounds SET message_id = ? WHERE id = ?",
                                           [(message_id, round_id) for message_id, round_id, _ in batch])
            except BaseException as exc:
                closing = not isinstance(exc, Exception)
                waiting = batch + (self._messages if closing else [])
                for *_, done in waiting:
                    if not done.done():
                        done.set_exception(RuntimeError("the database is closing") if closing else exc)
                if closing:
                    self._messages = []
                    raise
                continue
            for *_, done in batch:
                if not done.done():
                    done.set_result(None)

    async def get(self, round_id: int) -> RoundRow | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id WHERE r.id = ?",
            (round_id,))
        return _row(row) if row else None

    async def open_in(self, channel_id: int) -> RoundRow | None:
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.channel_id = ? AND r.closed_at IS NULL", (channel_id,))
        return _row(row) if row else None

    async def last_closed_in(self, channel_id: int) -> RoundRow | None:
        """The channel's most recently closed round (what ``/quiz report`` is about)."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.channel_id = ? AND r.closed_at IS NOT NULL ORDER BY r.closed_at DESC, r.id DESC LIMIT 1",
            (channel_id,))
        return _row(row) if row else None

    async def due(self, now: float, owned: Ownership = EVERY_CHANNEL) -> list[RoundRow]:
        """Rounds of ``owned`` channels past their deadline that people saw: posted, or answered
        (the post went out but its id was lost). A round nobody saw is not revealed; see
        ``unposted``."""
        where, params = owned.where("c")
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.closed_at IS NULL AND r.closes_at <= ? AND (r.message_id IS NOT NULL "
            f"OR EXISTS (SELECT 1 FROM answers a WHERE a.round_id = r.id)) AND {where} ORDER BY r.closes_at",
            (now, *params))
        return [_row(r) for r in rows]

    async def unposted(self, opened_before: float, owned: Ownership = EVERY_CHANNEL) -> list[RoundRow]:
        """Open rounds of ``owned`` channels, opened before ``opened_before``, whose question was
        never posted (no message, and nobody answered it)."""
        where, params = owned.where("c")
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.closed_at IS NULL AND r.message_id IS NULL AND r.opened_at < ? "
            f"AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.round_id = r.id) AND {where} ORDER BY r.id",
            (opened_before, *params))
        return [_row(r) for r in rows]

    async def reveals_due(self, now: float, since: float, owned: Ownership = EVERY_CHANNEL) -> list[RoundRow]:
        """Closed rounds of ``owned`` channels, closed after ``since``, whose reveal has not
        reached the channel and whose reveal lease has run out (oldest first)."""
        where, params = owned.where("c")
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id "
            "WHERE r.closed_at IS NOT NULL AND r.revealed_at IS NULL AND r.closed_at >= ? "
            f"AND COALESCE(r.reveal_next_at, r.closed_at) <= ? AND {where} ORDER BY r.closed_at",
            (since, now, *params))
        return [_row(r) for r in rows]

    async def next_reveal(self, since: float, owned: Ownership = EVERY_CHANNEL) -> float | None:
        """When the next reveal of an ``owned`` channel is to be tried."""
        if owned.everything:
            row = await self.db.fetchone(
                "SELECT MIN(COALESCE(reveal_next_at, closed_at)) FROM rounds WHERE closed_at IS NOT NULL "
                "AND revealed_at IS NULL AND closed_at >= ?", (since,))
        else:
            where, params = owned.where("c")
            row = await self.db.fetchone(
                "SELECT MIN(COALESCE(r.reveal_next_at, r.closed_at)) FROM rounds r JOIN channels c "
                "ON c.id = r.channel_id WHERE r.closed_at IS NOT NULL AND r.revealed_at IS NULL "
                f"AND r.closed_at >= ? AND {where}", (since, *params))
        return float(row[0]) if row and row[0] is not None else None

    async def take_reveal(self, round_id: int, now: float, lease_s: float) -> bool:
        """Take the right to send this round's reveal for ``lease_s`` (compare-and-set):
        True for exactly one taker among processes and coroutines."""
        async with self.db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE rounds SET reveal_next_at = ? WHERE id = ? AND revealed_at IS NULL "
                "AND COALESCE(reveal_next_at, closed_at) <= ?", (now + lease_s, round_id, now))
            return cursor.rowcount == 1

    async def reveal_done(self, round_id: int, now: float) -> None:
        await self.db.execute("UPDATE rounds SET revealed_at = ? WHERE id = ?", (now, round_id))

    async def reveal_failed(self, round_id: int, now: float, first_s: float, max_s: float) -> tuple[int, float]:
        """Count a failed reveal and schedule the next attempt after a back-off that doubles
        from ``first_s`` up to ``max_s``; returns (attempts so far, the wait)."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE rounds SET reveal_attempts = reveal_attempts + 1 WHERE id = ?", (round_id,))
            async with conn.execute("SELECT reveal_attempts FROM rounds WHERE id = ?", (round_id,)) as cur:
                row = await cur.fetchone()
            attempts = int(row[0]) if row else 1
            wait = min(first_s * 2 ** (attempts - 1), max_s)
            await conn.execute("UPDATE rounds SET reveal_next_at = ? WHERE id = ?", (now + wait, round_id))
        return attempts, wait

    async def next_deadline(self, exclude: Collection[int] = (), unposted: bool = True,
                            owned: Ownership = EVERY_CHANNEL) -> float | None:
        """The next deadline of a posted round of an ``owned`` channel, or (with ``unposted``)
        when an unposted one should be looked at; rounds in ``exclude`` are left out."""
        marks = ",".join("?" * len(exclude))
        where, params = owned.where("c")
        join = "" if owned.everything else " JOIN channels c ON c.id = r.channel_id"
        row = await self.db.fetchone(
            "SELECT MIN(CASE WHEN r.message_id IS NULL THEN r.opened_at + ? ELSE r.closes_at END) "
            f"FROM rounds r{join} WHERE r.closed_at IS NULL AND r.id NOT IN ({marks}) "
            f"AND (r.message_id IS NOT NULL OR ? = 1) AND {where}",
            (UNPOSTED_GRACE_S, *exclude, int(unposted), *params))
        return float(row[0]) if row and row[0] is not None else None

    @staticmethod
    async def mark_closed(conn: Connection, round_id: int, now: float, lease_s: float) -> bool:
        """True only for the one caller that actually closed it (closing is idempotent); that
        caller also holds the reveal lease for ``lease_s``."""
        cursor = await conn.execute(
            "UPDATE rounds SET closed_at = ?, reveal_next_at = ? WHERE id = ? AND closed_at IS NULL",
            (now, now + lease_s, round_id))
        return cursor.rowcount == 1

    async def last_asked(self, channel_id: int) -> dict[str, float]:
        """When each card was last asked in this channel (card_key -> opened_at)."""
        rows = await self.db.fetchall(
            "SELECT card_key, MAX(opened_at) FROM rounds WHERE channel_id = ? GROUP BY card_key",
            (channel_id,))
        return {str(r[0]): float(r[1]) for r in rows}
