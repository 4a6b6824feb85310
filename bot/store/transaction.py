"""A store-owned transaction: the aggregates' writes that must commit together.

``async with stores.transaction() as tx:`` (or ``stores.grouped(work)``) hands
the caller a :class:`Transaction` whose attributes are the store aggregates
bound to that one open transaction (``tx.rounds.insert(...)``,
``tx.schedules.advance(...)``). Callers never see the connection, a cursor or
SQL: what can run inside a commit is exactly the methods below, so a second
engine is a change here and in the aggregates, not in ``bot/quiz``.

Guarantees: everything done through one ``tx`` commits together or not at
all (the whole transaction, or in a grouped commit the piece's savepoint, is
rolled back when the block raises); refusals arrive as
:mod:`bot.store.errors` exceptions, storage faults as
:class:`~bot.store.faults.StorageError`.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.deck.generate import AskedQuestion
from bot.store import channels, leaderboards, reviews
from bot.store.answers import StoredAnswer, stored_answers
from bot.store.hints import Hints
from bot.store.leaderboards import ScoredAnswer, Seasons
from bot.store.review_questions import ReviewQuestionsInTx
from bot.store.reviews import StateRow
from bot.store.rounds import Rounds
from bot.store.schedules import Schedules
from bot.store.sessions import Sessions
from bot.store.sql import Connection


class RoundsInTx:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def insert(self, *, channel_id: int, question: AskedQuestion, opened_at: float, closes_at: float,
                     season_id: int | None, allow_change: bool = False, schedule_id: int | None = None,
                     slot_at: float | None = None, session_id: int | None = None) -> int:
        """Open a round; raises :class:`~bot.store.errors.ChannelBusy` or
        :class:`~bot.store.errors.SlotTaken` (see :meth:`Rounds.insert`)."""
        return await Rounds.insert(
            self._conn, channel_id=channel_id, question=question, opened_at=opened_at, closes_at=closes_at,
            season_id=season_id, allow_change=allow_change, schedule_id=schedule_id, slot_at=slot_at,
            session_id=session_id)

    async def mark_closed(self, round_id: int, now: float, lease_s: float) -> bool:
        """True only for the one caller that closed it; that caller holds the reveal lease."""
        return await Rounds.mark_closed(self._conn, round_id, now, lease_s)


class AnswersInTx:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def of_round(self, round_id: int) -> list[StoredAnswer]:
        return await stored_answers(self._conn, round_id)


class HintsInTx:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def takers(self, round_id: int) -> set[int]:
        return await Hints.takers(self._conn, round_id)

    async def set_points(self, round_id: int, points: dict[int, int]) -> None:
        await Hints.set_points(self._conn, round_id, points)


class ScoresInTx:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def add(self, scopes: Iterable[str], periods: Iterable[str], answers: Iterable[ScoredAnswer]) -> None:
        """Add a closed round's answers to every (scope, period) they count for."""
        await leaderboards.add_scores(self._conn, scopes, periods, answers)

    async def prune_closed(self, oldest_week: str, oldest_month: str) -> None:
        """Drop week and month rows older than those kept (see ``oldest_kept_periods``)."""
        await leaderboards.prune_closed_periods(self._conn, oldest_week, oldest_month)

    async def update_streaks(self, channel_id: int, right: set[int]) -> None:
        await leaderboards.update_streaks(self._conn, channel_id, right)


class ReviewsInTx:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def load(self, card_key: str, member_ids: list[int]) -> dict[int, str]:
        return await reviews.load_states(self._conn, card_key, member_ids)

    async def save(self, card_key: str, states: Iterable[StateRow]) -> None:
        await reviews.save_states(self._conn, card_key, states)


class SeasonsInTx:
    def __init__(self, conn: Connection, seasons: Seasons) -> None:
        self._conn = conn
        self._seasons = seasons

    async def current(self, workspace: str, now: float) -> tuple[int, int]:
        """(id, number) of the open season, starting season 1 on first use."""
        return await self._seasons.current(self._conn, workspace, now)


class SchedulesInTx:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def advance(self, schedule_id: int, expected: float, next_run_at: float) -> bool:
        """Move the schedule's next slot on, only if nobody else did (compare-and-set)."""
        return await Schedules.advance(self._conn, schedule_id, expected, next_run_at)


class SessionsInTx:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def count_question(self, session_id: int, asked: int) -> bool:
        return await Sessions.count_question(self._conn, session_id, asked)

    async def round_closed(self, session_id: int, now: float) -> None:
        await Sessions.round_closed(self._conn, session_id, now)


class ChannelsInTx:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def round_terms(self, channel_id: int, workspace: str) -> tuple[int | None, str | None]:
        """(open season id or None, answer mode or None): see :func:`bot.store.channels.round_terms`."""
        return await channels.round_terms(self._conn, channel_id, workspace)


class Transaction:
    """The store aggregates bound to one open transaction (see the module docstring)."""

    def __init__(self, conn: Connection, seasons: Seasons) -> None:
        self.rounds = RoundsInTx(conn)
        self.answers = AnswersInTx(conn)
        self.hints = HintsInTx(conn)
        self.scores = ScoresInTx(conn)
        self.reviews = ReviewsInTx(conn)
        self.review_questions = ReviewQuestionsInTx(conn)
        self.seasons = SeasonsInTx(conn, seasons)
        self.schedules = SchedulesInTx(conn)
        self.sessions = SessionsInTx(conn)
        self.channels = ChannelsInTx(conn)
