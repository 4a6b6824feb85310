"""Schema migrations: Alembic revisions over both engines, with today's schema as their base.

History: up to schema version 8 the SQLite schema grew through numbered SQL files
(``migrations/0001..0008``, recorded in ``PRAGMA user_version``). Alembic's first
revision, ``0008``, is that schema: on SQLite it applies whichever of those files a
database still lacks (a new file: all of them; a file from an older release: the rest;
today's files: none), on PostgreSQL it runs ``schema/postgresql.sql``. Later revisions
(``alembic/versions/0009_*.py`` on) are ordinary Alembic migrations for both engines,
in batch mode on SQLite ("move and copy", since SQLite cannot alter most of a table).

Guarantees: on an existing database each step (a legacy file or an Alembic revision) is
applied in its own transaction together with the version it records, so an interrupted
upgrade resumes where it stopped; a new, empty one gets all its steps in one transaction,
so it is either whole or still empty; opening a database applies what is missing (``quizbot db upgrade``
does the same without starting the bot); versions are whole numbers, the revision ids.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.store.sql import SQLITE, Connection

_LEGACY = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BASELINE = 8
"""The schema version Alembic starts from (revision ``0008``)."""
SCRIPTS = Path(__file__).with_name("alembic")


@functools.cache
def legacy_steps() -> tuple[tuple[int, str], ...]:
    """The SQLite schema files before Alembic, as ``(version, sql)``, in order (read once)."""
    folder = resources.files("bot.store") / "migrations"
    found = []
    for item in folder.iterdir():
        match = _LEGACY.match(item.name)
        if match:
            found.append((int(match.group(1)), item.read_text(encoding="utf-8")))
    found.sort()
    return tuple(found)


def postgresql_baseline() -> str:
    return (resources.files("bot.store") / "schema" / "postgresql.sql").read_text(encoding="utf-8")


@functools.cache
def scripts() -> ScriptDirectory:
    """Alembic's view of ``alembic/versions``, made once per process: building it imports every
    revision file again, which cost a new database about half of its opening time."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    return ScriptDirectory.from_config(config)


def revisions() -> list[int]:
    """Every Alembic revision, oldest first, as schema versions."""
    return sorted(int(rev.revision) for rev in scripts().walk_revisions())


LATEST_VERSION = revisions()[-1]


def statements(sql: str) -> Iterable[str]:
    """Split a schema file on ';' at line ends (they hold no triggers or functions)."""
    for chunk in re.split(r";\s*\n", sql):
        lines = [ln for ln in chunk.splitlines() if not ln.strip().startswith("--")]
        statement = "\n".join(lines).strip().rstrip(";")
        if statement:
            yield statement


async def current_version(conn: Connection) -> int:
    """Alembic's revision when it has run; before that SQLite's ``user_version`` (0 when new)."""
    if await _has_table(conn, "alembic_version"):
        row = await (await conn.run("SELECT version_num FROM alembic_version")).fetchone()
        if row is not None:
            return int(row[0])
    if conn.dialect.name == SQLITE:
        row = await (await conn.run("PRAGMA user_version")).fetchone()
        return int(row[0]) if row else 0
    return 0


async def upgrade(conn: Connection, upto: int | None = None) -> list[int]:
    """Bring the schema to ``upto`` (default: the latest revision); returns the versions applied.
    ``upto`` below the baseline is for tests that make old SQLite files.

    A new, empty database gets every step in one transaction (one commit, not one per step:
    a bot's first start, and every test's database, is a third faster); interrupted, it is
    still empty and starts again from nothing. An existing one gets a transaction per step."""
    target = LATEST_VERSION if upto is None else upto
    current = await current_version(conn)
    steps = _steps(conn.dialect.name, current, target)
    if current == 0 and steps:
        await _in_transaction(conn, _all(step for _, step in steps))
    else:
        for _, step in steps:
            await _in_transaction(conn, step)
    return [version for version, _ in steps]


def _steps(dialect: str, current: int, target: int) -> list[tuple[int, Any]]:
    """The (version, step) pairs that take a database at ``current`` to ``target``, in order."""
    steps: list[tuple[int, Any]] = []
    if dialect == SQLITE and current < BASELINE:
        for version, sql in legacy_steps():
            if current < version <= min(target, BASELINE):
                steps.append((version, _legacy_step(sql, version)))
        current = max([current, *(v for v, _ in steps)])
    for version in revisions():
        if current < version <= target:
            steps.append((version, _revision(version)))
    return steps


def _all(steps: Iterable[Any]) -> Any:
    async def step(conn: Connection) -> None:
        for one in steps:
            await one(conn)
    return step


def _legacy_step(sql: str, version: int) -> Any:
    async def step(conn: Connection) -> None:
        for statement in statements(sql):
            await conn.run(statement)
        await conn.run(f"PRAGMA user_version = {version}")
    return step


def _revision(version: int) -> Any:
    async def step(conn: Connection) -> None:
        await conn.sa.run_sync(_apply, version)
    return step


def _apply(sync_conn: Any, version: int) -> None:
    """Run one Alembic revision's ``upgrade()`` on ``sync_conn`` and record it."""
    script = scripts().get_revision(f"{version:04d}")
    assert script is not None and script.module is not None
    context = MigrationContext.configure(sync_conn, opts={"render_as_batch": True})
    with Operations.context(context):
        script.module.upgrade()
    context.stamp(scripts(), script.revision)
    if sync_conn.dialect.name == SQLITE:  # kept equal, so tools that read the file's header still see the version
        sync_conn.exec_driver_sql(f"PRAGMA user_version = {version}")


async def _in_transaction(conn: Connection, step: Any) -> None:
    await conn.run(conn.dialect.begin)
    try:
        await step(conn)
        await conn.run("COMMIT")
    except BaseException:
        await conn.run("ROLLBACK")
        raise


async def _has_table(conn: Connection, name: str) -> bool:
    if conn.dialect.name == SQLITE:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        sql = "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
    return await (await conn.run(sql, (name,))).fetchone() is not None
