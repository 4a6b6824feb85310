"""What a write can be refused for, in store terms rather than a database library's.

The store turns every constraint violation into one of these before it leaves
``bot/store``, so callers catch a domain exception instead of parsing an engine's
error message, and a second engine (PostgreSQL) only has to map its own errors
here. A refused write changes nothing: the transaction (or, in a grouped commit,
the piece's savepoint) that raised it is rolled back.

Storage faults (disk full, a deleted file) are not refusals: they are
:class:`~bot.store.faults.StorageError`.
"""

from __future__ import annotations

from bot.store.sql import Violation


class StoreError(Exception):
    """A write the store refused because of what is already stored."""


class AlreadyExists(StoreError):
    """The row would duplicate one already stored (a unique or primary key)."""


class Conflict(StoreError):
    """The row contradicts what is stored: it points at a row that is not there (a foreign
    key), or breaks a rule of the schema (``CHECK``, ``NOT NULL``)."""


class ChannelBusy(AlreadyExists):
    """The channel already has an open round (at most one per channel)."""


class SlotTaken(AlreadyExists):
    """The schedule slot already has its round (at most one round per slot)."""


class GroupExists(AlreadyExists):
    """The workspace already has a group of that name."""


class SessionRunning(AlreadyExists):
    """The channel already has a session running (at most one per channel)."""


def refusal(exc: Violation) -> StoreError:
    """The store exception for an engine's constraint violation: :class:`AlreadyExists` for
    a unique or primary key, :class:`Conflict` for anything else. Only code inside
    ``bot/store`` calls this (:mod:`bot.store.sql` has already told which kind it was)."""
    if exc.unique:
        return AlreadyExists(exc.text)
    return Conflict(exc.text)
