"""Checks made before a database file is trusted: is it a readable, whole SQLite file?

Every command that opens the database (``quizbot run``, ``db backup``,
``export``) runs them first, so a bad file ends the command with one line on
stderr and exit 2 instead of a traceback, a hang, or a bot that starts and then
fails every answer.

The check is ``PRAGMA quick_check``, not ``integrity_check``: both read every
page and every record (a truncated file, a garbage page, a broken b-tree or a
malformed record are found by both), but ``integrity_check`` also proves that
each index holds exactly its table's rows, which costs a lookup per row and
index, several times the time of ``quick_check`` on a large file
(``bench/bench_open_check.py`` measures both). A wrong index is rare and
cannot lose an answer; a run-time write still reports it as a fault. Only the
first problem is asked for (``quick_check(1)``): one line is what we print.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.store.faults import CANNOT_OPEN, CORRUPT, StorageError, reason_of

QUICK_CHECK = "PRAGMA quick_check(1)"


def preflight(path: Path) -> None:
    """Refuse a path no database can be at, before SQLite tries it: a directory, an
    unreadable file, a parent that cannot be created. Raises :class:`StorageError`."""
    if path.is_dir():
        raise StorageError(CANNOT_OPEN, f"{path} is a directory, not a database file")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise StorageError(CANNOT_OPEN, f"{path} cannot be read and written (permissions)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(CANNOT_OPEN, f"cannot create the folder of {path}: {exc.strerror or exc}") from None


def verdict(rows: Sequence[Sequence[Any]]) -> str | None:
    """The first problem ``quick_check`` reported, on one line; None when the file is whole."""
    first = str(rows[0][0]) if rows else "no answer"
    if first == "ok":
        return None
    lines = [ln.strip() for ln in first.splitlines() if ln.strip() and not ln.startswith("***")]
    return "; ".join(lines) or first.strip()


def check_failed(path: str | Path, problem: str) -> StorageError:
    return StorageError(CORRUPT, f"{path} is corrupt ({problem}); restore a backup "
                                 "(see docs/deployment.md)")


def open_failure(path: str | Path, exc: BaseException) -> StorageError:
    """A one-line :class:`StorageError` for what SQLite said while opening or checking ``path``."""
    reason = reason_of(exc)
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == 26:  # SQLITE_NOTADB
        return StorageError(CORRUPT, f"{path} is not a SQLite database (or its header is damaged)")
    if reason == CORRUPT:
        return check_failed(path, str(exc))
    return StorageError(reason or CANNOT_OPEN, f"cannot open {path}: {exc}")  # e.g. locked by another writer


def check_file(conn: sqlite3.Connection, path: str | Path) -> None:
    """Run the check on a synchronous connection (the CLI's read-only one).
    Raises :class:`StorageError`."""
    try:
        problem = verdict(conn.execute(QUICK_CHECK).fetchall())
    except sqlite3.DatabaseError as exc:
        raise open_failure(path, exc) from None
    if problem is not None:
        raise check_failed(path, problem)
