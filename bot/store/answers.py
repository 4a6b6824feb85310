"""Answers, written in groups: many members answering at once share one commit.

:meth:`AnswerBook.record` queues an answer and returns only after the
transaction holding it has committed, so a member is told "recorded" only for
an answer that is on disk. While one batch commits, the next one gathers; no
timer adds latency when the bot is quiet.

Guarantees:
- at most one answer per member per round (``UNIQUE(round_id, member_id)``):
  the first counts, or the latest before the close where the round allows
  changing answers;
- an answer for a closed round is refused, checked inside the same
  transaction that would store it, so it cannot slip in after the close;
- when the batch's commit fails on the file (disk full, read-only, the file
  deleted), :meth:`AnswerBook.record` raises
  :class:`~bot.store.faults.StorageError` for every answer in it: none is
  stored, and the caller must tell the member so, never "recorded".

Display names learnt after an answer (:meth:`AnswerBook.rename`) ride in the same group
commits: during a burst of first-time members they cost no commit of their own, so they
never queue fsyncs in front of the answers.
"""

from __future__ import annotations

import asyncio
import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database
from bot.store.members import Directory
from bot.store.sql import Connection

GATHER_PASSES = 64
_CHUNK = 400  # rows per INSERT statement (8 values each, well under SQLite's variable limit)


StoredAnswer = tuple[int, int | None, bool, int, float]
"""(member_id, choice, correct, points, answered_at) of one stored answer."""


@dataclass(frozen=True)
class PastAnswer:
    """One answer of a member to a closed round, with the round's question as stored."""

    correct: bool
    points: int
    question: dict[str, Any]


_ROUND_ANSWERS = "SELECT member_id, choice, correct, points, answered_at FROM answers WHERE round_id = ?"


def _stored(rows: Iterable[Sequence[Any]]) -> list[StoredAnswer]:
    return [(int(r[0]), None if r[1] is None else int(r[1]), bool(r[2]), int(r[3]), float(r[4])) for r in rows]


async def stored_answers(conn: Connection, round_id: int) -> list[StoredAnswer]:
    """The round's answers, inside the caller's transaction (the close scores what it reads)."""
    return _stored(await conn.execute_fetchall(_ROUND_ANSWERS, (round_id,)))


class Outcome(enum.Enum):
    RECORDED = "recorded"
    CHANGED = "changed"
    DUPLICATE = "duplicate"
    CLOSED = "closed"


@dataclass(frozen=True)
class AnswerIn:
    """One answer to store. ``member_id`` may be None for a member seen for the first
    time: the writer then creates the member from ``member_key``/``member_name`` in the
    same transaction as the answer (one commit for both, however many arrive at once)."""

    round_id: int
    member_id: int | None
    choice: int | None
    text: str | None
    correct: bool
    points: int
    answered_at: float
    member_key: str = ""
    member_name: str = ""

    def values(self, member_id: int) -> tuple[object, ...]:
        return (self.round_id, member_id, self.choice, self.text, int(self.correct), self.points,
                self.answered_at)


class AnswerBook:
    """The write path for answers. Call :meth:`close` to flush and stop."""

    def __init__(self, db: Database, directory: Directory | None = None) -> None:
        self.db = db
        self.directory = directory or Directory(db)
        self._queue: list[tuple[AnswerIn, asyncio.Future[Outcome]]] = []
        self._renames: list[tuple[str, str, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._idle = asyncio.Event()
        self._idle.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="answer-book")

    async def record(self, answer: AnswerIn) -> Outcome:
        """Store one answer; returns once it is committed (or refused). Raises
        :class:`~bot.store.faults.StorageError` when the commit failed: nothing was stored."""
        if self._closing:
            return Outcome.CLOSED
        if answer.member_id is None and not answer.member_key:
            raise ValueError("an answer needs a member id or a member key")
        self.start()
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._queue.append((answer, future))
        self._idle.clear()
        self._wake.set()
        return await future

    async def rename(self, member_key: str, name: str) -> None:
        """Record a member's display name in the next group commit; returns once committed.
        After :meth:`close` the name is written on its own."""
        if self._closing:
            await self.directory.member_id(member_key, name)
            return
        self.start()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._renames.append((member_key, name, future))
        self._idle.clear()
        self._wake.set()
        await future

    async def flush(self) -> None:
        """Wait until everything queued so far is committed."""
        while not self._idle.is_set():
            await self._idle.wait()

    async def close(self) -> None:
        """Refuse new answers, commit the queued ones, stop the writer."""
        self._closing = True
        await self.flush()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._gather()
            while self._queue or self._renames:
                batch, self._queue = self._queue, []
                renames, self._renames = self._renames, []
                try:
                    outcomes = await self._write([a for a, _ in batch], [(k, n) for k, n, _ in renames])
                    self.directory.remember_pending()
                except Exception as exc:  # the members are told; the writer keeps going
                    self.directory.forget_pending()
                    for future in [f for _, f in batch] + [f for _, _, f in renames]:
                        if not future.done():
                            future.set_exception(exc)
                else:
                    for (_, future), outcome in zip(batch, outcomes, strict=True):
                        if not future.done():
                            future.set_result(outcome)
                    for _, _, renamed in renames:
                        if not renamed.done():
                            renamed.set_result(None)
            if not self._queue and not self._renames:
                self._idle.set()

    async def _gather(self) -> None:
        """Let a burst finish arriving before it is written: yield to the loop while the
        queue keeps growing (answers already on their way join this batch). Each yield is
        one pass of the event loop, so a lone answer is not delayed measurably."""
        for _ in range(GATHER_PASSES):
            size = len(self._queue)
            await asyncio.sleep(0)
            if len(self._queue) == size:
                return

    async def _write(self, batch: list[AnswerIn], renames: list[tuple[str, str]] | None = None) -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(batch)
        round_ids = sorted({a.round_id for a in batch})
        async with self.db.transaction() as conn:
            if not batch:
                await self.directory.resolve_in(conn, renames or [])
                return []
            open_rounds: dict[int, tuple[float, bool]] = {}
            for start in range(0, len(round_ids), 500):
                chunk = round_ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                async with conn.execute(
                    f"SELECT id, closes_at, allow_change FROM rounds WHERE id IN ({marks}) "
                    "AND closed_at IS NULL", chunk) as cur:
                    for rid, closes_at, allow in await cur.fetchall():
                        open_rounds[int(rid)] = (float(closes_at), bool(allow))
            live = [i for i, a in enumerate(batch)
                    if a.round_id in open_rounds and a.answered_at <= open_rounds[a.round_id][0]]
            ids = await self.directory.resolve_in(
                conn, [(batch[i].member_key, batch[i].member_name) for i in live if batch[i].member_id is None])
            member_of = [a.member_id if a.member_id is not None else ids.get(a.member_key) for a in batch]
            firsts: dict[tuple[int, int], int] = {}
            lasts: dict[tuple[int, int], int] = {}
            changed_in_batch: dict[tuple[int, int], bool] = {}
            for i, answer in enumerate(batch):
                state = open_rounds.get(answer.round_id)
                member_id = member_of[i]
                if state is None or answer.answered_at > state[0] or member_id is None:
                    outcomes[i] = Outcome.CLOSED
                    continue
                pair = (answer.round_id, member_id)
                if state[1]:
                    if pair in lasts:  # an earlier answer in this batch, replaced by this one
                        outcomes[lasts[pair]] = Outcome.RECORDED
                        changed_in_batch[pair] = True
                    lasts[pair] = i
                elif pair in firsts:
                    outcomes[i] = Outcome.DUPLICATE
                else:
                    firsts[pair] = i
            stored = await _insert(conn, [(batch[i], pair[1]) for pair, i in firsts.items()], change=False)
            for pair, i in firsts.items():
                outcomes[i] = Outcome.RECORDED if pair in stored else Outcome.DUPLICATE
            earlier = await _existing(conn, list(lasts))
            await _insert(conn, [(batch[i], pair[1]) for pair, i in lasts.items()], change=True)
            for pair, i in lasts.items():
                outcomes[i] = Outcome.CHANGED if pair in earlier or changed_in_batch.get(pair) else Outcome.RECORDED
            await self.directory.resolve_in(conn, renames or [])  # after the answers: a learnt name wins
        return [o or Outcome.DUPLICATE for o in outcomes]

    async def count(self, round_id: int) -> int:
        row = await self.db.fetchone("SELECT COUNT(*) FROM answers WHERE round_id = ?", (round_id,))
        return int(row[0]) if row else 0

    async def of_round(self, round_id: int) -> list[StoredAnswer]:
        """The round's stored answers (committed ones)."""
        return _stored(await self.db.fetchall(_ROUND_ANSWERS, (round_id,)))

    async def history(self, member_id: int, workspace: str) -> list[PastAnswer]:
        """The member's answers to closed rounds in the workspace's channels (``/quiz stats``)."""
        rows = await self.db.fetchall(
            "SELECT a.correct, a.points, r.question FROM answers a JOIN rounds r ON r.id = a.round_id "
            "JOIN channels c ON c.id = r.channel_id WHERE a.member_id = ? AND c.workspace = ? "
            "AND r.closed_at IS NOT NULL", (member_id, workspace))
        return [PastAnswer(bool(r[0]), int(r[1]), json.loads(r[2])) for r in rows]


async def _existing(conn: object, pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (round, member) pairs among ``pairs`` that already have an answer."""
    found: set[tuple[int, int]] = set()
    for start in range(0, len(pairs), 400):
        chunk = pairs[start:start + 400]
        where = " OR ".join(["(round_id = ? AND member_id = ?)"] * len(chunk))
        async with conn.execute(  # type: ignore[attr-defined]
            f"SELECT round_id, member_id FROM answers WHERE {where}", [v for pair in chunk for v in pair]) as cur:
            for rid, mid in await cur.fetchall():
                found.add((int(rid), int(mid)))
    return found


async def _insert(conn: object, rows: list[tuple[AnswerIn, int]], *, change: bool) -> set[tuple[int, int]]:
    """Insert rows; returns the (round, member) pairs that this call stored."""
    stored: set[tuple[int, int]] = set()
    conflict = (
        "DO UPDATE SET choice = excluded.choice, text = excluded.text, correct = excluded.correct, "
        "points = excluded.points, answered_at = excluded.answered_at"
        if change else "DO NOTHING"
    )
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        marks = ",".join(["(?,?,?,?,?,?,?)"] * len(chunk))
        params = [v for row, member_id in chunk for v in row.values(member_id)]
        async with conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO answers(round_id, member_id, choice, text, correct, points, answered_at) "
            f"VALUES {marks} ON CONFLICT(round_id, member_id) {conflict} RETURNING round_id, member_id",
            params,
        ) as cur:
            for rid, mid in await cur.fetchall():
                stored.add((int(rid), int(mid)))
    return stored
