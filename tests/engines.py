"""Running the suite on PostgreSQL as well as SQLite.

``make test`` runs the suite twice: once as written (every database a SQLite file under
the test's ``tmp_path``), and once with ``QUIZBOT_TEST_ENGINE=postgresql``. In that pass
every :meth:`Database.open` of a SQLite path opens a PostgreSQL database on the run's
server instead (see :mod:`tests.postgres`): one database per path, so a test that
"restarts" by opening the same path again finds its data, as it would in the file.
The database is dropped when the test ends.

Tests about the SQLite file itself (its header, a corrupt or deleted file, the legacy
schema files, the CLI's read-only file access), and tests that run the real ``quizbot``
command on a SQLite file or do not touch the store at all, are marked ``sqlite_only``: the
PostgreSQL pass leaves them out (deselected with ``-m "not sqlite_only"``, never skipped),
since running them again would test nothing new. The PostgreSQL pass covers the
directories named in the Makefile (``PG_TESTS``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.store.db import Database
from tests.postgres import drop_database, new_database_url

ENGINE_VARIABLE = "QUIZBOT_TEST_ENGINE"


def engine() -> str:
    """``sqlite`` (the default) or ``postgresql``: which engine this pass runs on."""
    return os.environ.get(ENGINE_VARIABLE, "sqlite") or "sqlite"


@pytest.fixture(autouse=True)
def database_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Every test: in the PostgreSQL pass, SQLite paths given to :meth:`Database.open` become
    PostgreSQL databases (one per path, dropped after the test)."""
    name = engine()
    if name != "postgresql" or request.node.get_closest_marker("sqlite_only"):
        yield name
        return
    urls: dict[str, str] = {}
    real_open: Any = Database.open.__func__  # type: ignore[attr-defined]

    async def open_on_postgresql(cls: type[Database], target: str | Path, *, upto: int | None = None) -> Database:
        text = str(target)
        if "://" not in text and text != ":memory:":
            key = str(Path(text).resolve())
            if key not in urls:
                urls[key] = new_database_url()
            text = urls[key]
        return await real_open(cls, text, upto=upto)

    monkeypatch.setattr(Database, "open", classmethod(open_on_postgresql))
    try:
        yield name
    finally:
        for url in urls.values():
            drop_database(url)


async def read_committed(path: str | Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """``sql``'s rows read over a second connection to the database at ``path`` (on the pass's
    engine): what another process would see, so only what is committed."""
    other = await Database.open(path)
    try:
        return [tuple(row) for row in await other.fetchall(sql, params)]
    finally:
        await other.close()
