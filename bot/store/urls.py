"""Database URLs: which engine, where, and how to say it without the password.

``QUIZBOT_DATABASE_URL`` takes ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``
or ``postgresql://user:password@host:port/database`` (``postgres://`` and an explicit
``+asyncpg`` driver are accepted too). A bare path (``QUIZBOT_DB``) is a SQLite file.
Anything else is refused with one line naming what is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.store.sql import POSTGRESQL, SQLITE

CONNECT_TIMEOUT_S = 10
ACCEPTED = "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"


class BadDatabaseUrl(ValueError):
    """A database URL quizbot cannot use; ``str()`` is one line."""


@dataclass(frozen=True)
class DatabaseUrl:
    engine: str
    """``sqlite`` or ``postgresql``."""
    driver_url: URL
    """The URL with its async driver, as SQLAlchemy takes it."""
    path: str | None
    """The SQLite file (``:memory:`` for none); None on PostgreSQL."""

    @property
    def display(self) -> str:
        """For messages and logs: the path, or the URL with its password hidden."""
        if self.path is not None:
            return self.path
        return self.driver_url.set(drivername=POSTGRESQL).render_as_string(hide_password=True)

    def connect_args(self) -> dict[str, Any]:
        if self.engine == POSTGRESQL:
            return {"connect_args": {"timeout": CONNECT_TIMEOUT_S}}
        return {}


def parse_url(target: str | Path) -> DatabaseUrl:
    """The :class:`DatabaseUrl` for a path or URL; raises :class:`BadDatabaseUrl`."""
    text = str(target)
    if "://" not in text:
        return _sqlite(text)
    try:
        url = make_url(text)
    except ArgumentError:
        raise BadDatabaseUrl(f"{_hide(text)} is not a database URL; use {ACCEPTED}") from None
    backend, _, driver = url.drivername.partition("+")
    if backend == SQLITE and driver in ("", "aiosqlite"):
        if not url.database:
            raise BadDatabaseUrl(f"{text} names no file; use sqlite:///PATH (three slashes, then the path)")
        return _sqlite(url.database)
    if backend in (POSTGRESQL, "postgres") and driver in ("", "asyncpg"):
        if not url.database:
            raise BadDatabaseUrl(f"{_hide(text)} names no database; end it with /DATABASE")
        return DatabaseUrl(POSTGRESQL, url.set(drivername="postgresql+asyncpg"), None)
    raise BadDatabaseUrl(f"{url.drivername!r} databases are not supported; use {ACCEPTED}")


def _sqlite(path: str) -> DatabaseUrl:
    return DatabaseUrl(SQLITE, URL.create("sqlite+aiosqlite", database=path), path)


def _hide(text: str) -> str:
    """``text`` with anything between ``://user:`` and ``@`` replaced, for error messages."""
    head, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{head}://{user}:***@{host}" if ":" in creds else text
