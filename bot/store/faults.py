"""Storage faults: what went wrong with the SQLite file, said once and kept until it is gone.

A write that cannot reach the disk (disk full, read-only file, I/O error) or a
database path that no longer is the file the bot has open (deleted, replaced)
is a *fault*. Writers raise :class:`StorageError`, so a caller can tell a
member "not saved" without knowing any database library; :class:`StorageHealth`
remembers the fault so ``/healthz`` and ``/metrics`` report it.

Guarantees:
- a write fault (disk full, read-only, I/O error) clears itself at the next
  successful commit, whether a member's answer or the periodic probe;
- a file fault (the path deleted or replaced) never clears: the open file is
  no longer the one on disk, whatever is written now is lost at exit, so only
  a restart (which opens the file at the path again) ends it.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass

log = logging.getLogger("bot.store")

# Reasons, as reported in /healthz and the metrics' ``reason`` label.
DELETED = "deleted"
REPLACED = "replaced"
DISK_FULL = "disk_full"
READ_ONLY = "read_only"
IO_ERROR = "io_error"
CORRUPT = "corrupt"
CANNOT_OPEN = "cannot_open"
UNAVAILABLE = "unavailable"
"""The server cannot be reached or dropped the connection (PostgreSQL), or the engine refused."""

FILE_FAULTS = frozenset({DELETED, REPLACED})
"""Faults only a restart clears."""

# SQLite's primary result codes (the low byte of an extended code) that mean the file itself failed.
_REASON_OF_CODE = {
    13: DISK_FULL,     # SQLITE_FULL
    8: READ_ONLY,      # SQLITE_READONLY
    10: IO_ERROR,      # SQLITE_IOERR (RLIMIT_FSIZE, EIO, ...)
    11: CORRUPT,       # SQLITE_CORRUPT
    26: CORRUPT,       # SQLITE_NOTADB
    14: CANNOT_OPEN,   # SQLITE_CANTOPEN
}


class StorageError(Exception):
    """A write did not reach the database file; nothing of it is stored.

    ``reason`` is one of this module's reason names; ``str()`` is a one-line message.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def reason_of(exc: BaseException) -> str | None:
    """The fault behind a SQLite error, or None when it is not the file's fault
    (a constraint, a busy lock, a bug in a statement: those keep their own type)."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.IntegrityError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    return _REASON_OF_CODE.get(int(code) & 0xFF)


@dataclass(frozen=True)
class Fault:
    """One storage fault: why, in words, since when (epoch seconds)."""

    reason: str
    detail: str
    since: float

    @property
    def restart_required(self) -> bool:
        return self.reason in FILE_FAULTS

    def as_dict(self) -> dict[str, object]:
        return {"reason": self.reason, "detail": self.detail, "since": self.since,
                "restart_required": self.restart_required}


class StorageHealth:
    """The current fault of one database, if any. Logs each change once (not every failure)."""

    def __init__(self) -> None:
        self.fault: Fault | None = None

    @property
    def ok(self) -> bool:
        return self.fault is None

    def failed(self, reason: str, detail: str) -> None:
        """Record a fault. A file fault is never replaced by a later write fault: it says more."""
        if self.fault is not None and (self.fault.restart_required or self.fault.reason == reason):
            return
        self.fault = Fault(reason, detail, time.time())
        restart = " restart_required=true" if self.fault.restart_required else ""
        log.error("event=storage_fault reason=%s detail=%r%s", reason, detail, restart)

    def succeeded(self) -> None:
        """A commit reached the file: a write fault is over (a file fault stays)."""
        if self.fault is not None and not self.fault.restart_required:
            log.warning("event=storage_recovered reason=%s", self.fault.reason)
            self.fault = None
