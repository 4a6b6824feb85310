"""Running the suite on PostgreSQL as well as SQLite.

``make test`` runs the suite twice: once as written (every database a SQLite file under
the test's ``tmp_path``), and once with ``QUIZBOT_TEST_ENGINE=postgresql``. In that pass
every :meth:`Database.open` of a SQLite path opens a PostgreSQL database on the run's
server instead (see :mod:`tests.postgres`): one database per path, so a test that
"restarts" by opening the same path again finds its data, as it would in the file.
The database is dropped when the test ends.

**Schema templates.** Migrating a new database costs a test about 40 ms on SQLite and 100 ms
on PostgreSQL, and most tests only need today's schema. So in both passes a new database
starts as a copy of one migrated once by the real code: on SQLite a template file per worker
(copied to a path that does not exist yet), on PostgreSQL a template database per run
(``CREATE DATABASE ... TEMPLATE``, built by the controller before the workers start). A test
that opens with ``upto=`` (an old schema) gets an empty database as before, and tests about
building or upgrading a schema are marked ``real_migrations``: all their databases start
empty, so each one is migrated from nothing.

Tests about the SQLite file itself (its header, a corrupt or deleted file, the legacy
schema files, the CLI's read-only file access), and tests that run the real ``quizbot``
command on a SQLite file or do not touch the store at all, are marked ``sqlite_only``: the
PostgreSQL pass leaves them out (deselected with ``-m "not sqlite_only"``, never skipped),
since running them again would test nothing new. Tests that open no database in the test's
process (rendering, grading, parsing) are marked ``no_store`` and left out the same way; in
the SQLite pass such a test fails if it opens one, so the marker cannot hide a store test from
the PostgreSQL pass. The PostgreSQL pass covers the directories named in the Makefile
(``PG_TESTS``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.store.db import Database
from tests.postgres import drop_database, new_database_url

ENGINE_VARIABLE = "QUIZBOT_TEST_ENGINE"
TEMPLATE_VARIABLE = "TESTS_POSTGRES_TEMPLATE"
"""The run's migrated PostgreSQL template database (set by the controller, inherited by workers)."""
_sqlite_template: Path | None = None
"""This worker's migrated SQLite template file, made on its first use."""


def engine() -> str:
    """``sqlite`` (the default) or ``postgresql``: which engine this pass runs on."""
    return os.environ.get(ENGINE_VARIABLE, "sqlite") or "sqlite"


def real_migrations(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("real_migrations") is not None


@pytest.fixture(autouse=True)
def database_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Every test: in the PostgreSQL pass, SQLite paths given to :meth:`Database.open` become
    PostgreSQL databases (one per path, dropped after the test); in both passes a new database
    starts from the schema template (see the module doc)."""
    name = engine()
    real_open: Any = Database.open.__func__  # type: ignore[attr-defined]
    if request.node.get_closest_marker("no_store"):
        monkeypatch.setattr(Database, "open", classmethod(_refused))
        yield name
        return
    if name != "postgresql" or request.node.get_closest_marker("sqlite_only"):
        if not real_migrations(request):
            monkeypatch.setattr(Database, "open", classmethod(_sqlite_from_template(real_open, tmp_path_factory)))
        yield name
        return
    urls: dict[str, str] = {}
    template = None if real_migrations(request) else os.environ.get(TEMPLATE_VARIABLE)

    async def open_on_postgresql(cls: type[Database], target: str | Path, *, upto: int | None = None) -> Database:
        text = str(target)
        if "://" not in text and text != ":memory:":
            key = str(Path(text).resolve())
            if key not in urls:
                urls[key] = new_database_url(template=template if upto is None else None)
            text = urls[key]
        return await real_open(cls, text, upto=upto)

    monkeypatch.setattr(Database, "open", classmethod(open_on_postgresql))
    try:
        yield name
    finally:
        for url in urls.values():
            drop_database(url)


async def _refused(cls: type[Database], target: str | Path, *, upto: int | None = None) -> Database:
    raise AssertionError("a test marked no_store opened a database: remove the marker, so the "
                         "PostgreSQL pass runs it too")


def _sqlite_from_template(real_open: Any, factory: pytest.TempPathFactory) -> Any:
    """``Database.open`` that first copies this worker's template file to a SQLite path that
    does not exist yet (when no ``upto`` asks for an older schema)."""
    async def open_sqlite(cls: type[Database], target: str | Path, *, upto: int | None = None) -> Database:
        global _sqlite_template
        text = str(target)
        path = Path(text)
        if upto is None and "://" not in text and text != ":memory:" and not path.exists() and path.parent.is_dir():
            if _sqlite_template is None:
                made = factory.mktemp("schema-template") / "template.db"
                await (await real_open(cls, made)).close()
                _sqlite_template = made
            with contextlib.suppress(OSError):  # a path nothing can be written to: the real open says so
                shutil.copyfile(_sqlite_template, path)
        return await real_open(cls, target, upto=upto)
    return open_sqlite


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """In the controller of a PostgreSQL pass, after :mod:`tests.postgres` started the server:
    the run's template database, migrated once by the real code."""
    if hasattr(config, "workerinput") or engine() != "postgresql":
        return
    url = new_database_url()

    async def migrate() -> None:
        await (await Database.open(url)).close()
    asyncio.run(migrate())
    os.environ[TEMPLATE_VARIABLE] = url.rsplit("/", 1)[1]


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        os.environ.pop(TEMPLATE_VARIABLE, None)  # the database goes with the server


async def read_committed(path: str | Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """``sql``'s rows read over a second connection to the database at ``path`` (on the pass's
    engine): what another process would see, so only what is committed."""
    other = await Database.open(path)
    try:
        return [tuple(row) for row in await other.fetchall(sql, params)]
    finally:
        await other.close()
