"""The store aggregates over one database, and the transactions that span them.

:class:`Stores` is what the quiz core holds: each aggregate for its own reads
and single writes, :meth:`Stores.transaction` and :meth:`Stores.grouped` for
writes across aggregates that must commit together. Nothing outside
``bot/store`` needs the database library.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from bot.store.answers import AnswerBook
from bot.store.channels import Channels
from bot.store.db import Database
from bot.store.deliveries import Deliveries
from bot.store.digests import Digests
from bot.store.groups import Groups
from bot.store.hints import Hints
from bot.store.leaderboards import Leaderboards, Seasons
from bot.store.members import Directory
from bot.store.reports import Reports
from bot.store.review_questions import ReviewQuestions
from bot.store.reviews import Reviews
from bot.store.rounds import Rounds
from bot.store.schedules import Schedules
from bot.store.sessions import Sessions
from bot.store.sql import Connection
from bot.store.transaction import Transaction
from bot.store.web import WebStore

T = TypeVar("T")


class Stores:
    """The store aggregates over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.directory = Directory(db)
        self.channels = Channels(db)
        self.rounds = Rounds(db)
        self.answers = AnswerBook(db, self.directory)
        self.leaderboards = Leaderboards(db)
        self.seasons = Seasons(db)
        self.groups = Groups(db)
        self.schedules = Schedules(db)
        self.sessions = Sessions(db)
        self.reviews = Reviews(db)
        self.review_questions = ReviewQuestions(db)
        self.hints = Hints(db)
        self.reports = Reports(db)
        self.digests = Digests(db)
        self.web = WebStore(db)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One transaction over the aggregates (``BEGIN IMMEDIATE`` ... ``COMMIT``): all of
        it commits, or none of it when the block raises. Raises what
        :meth:`Database.transaction` raises (store errors, :class:`StorageError`)."""
        async with self.db.transaction() as conn:
            yield Transaction(conn, self.seasons)

    async def grouped(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run ``work`` in a transaction shared with the other grouped work of the same burst
        (one commit, a savepoint each; see :meth:`Database.grouped` for the guarantees)."""

        async def bound(conn: Connection) -> T:
            return await work(Transaction(conn, self.seasons))

        return await self.db.grouped(bound)

    def deliveries(self, clock: Callable[[], float] = time.time) -> Deliveries:
        """The deliveries already applied (platform retries are claimed there), on ``clock``."""
        return Deliveries(self.db, clock=clock)
