"""``quizbot db upgrade``: bring the database to the latest schema without starting the bot.

The same migrations :meth:`Database.open` applies at every start, run as a deploy step
(before several processes start over one PostgreSQL, say). It prints one line saying
from which schema version to which, naming the database without its password. A SQLite
file that does not exist is refused rather than created: an upgrade of a typo must not
leave an empty database behind.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.options import add_config_option, load


def register_upgrade(db_sub: argparse._SubParsersAction) -> None:
    u = db_sub.add_parser("upgrade", help="apply the missing schema migrations, then stop",
                          description="Apply the schema migrations the database lacks (what `quizbot run` "
                                      "does when it starts) and say from which version to which. The database "
                                      "is QUIZBOT_DATABASE_URL, else the SQLite file of --db / QUIZBOT_DB. "
                                      "Exit 2 (one line) when it cannot be opened.")
    u.add_argument("--db", type=Path, help="SQLite file to upgrade (instead of QUIZBOT_DATABASE_URL / QUIZBOT_DB)")
    add_config_option(u)
    u.set_defaults(handler=upgrade_command)


def upgrade_command(args: argparse.Namespace) -> int:
    import asyncio

    from bot.config import ConfigError
    from bot.store.faults import StorageError
    from bot.store.urls import BadDatabaseUrl, parse_url

    try:
        settings = load(args, db_path=args.db)
        target = settings.database
        url = parse_url(target)
        if url.path is not None and url.path != ":memory:" and not Path(url.path).exists():
            raise ConfigError(f"no database at {url.path}")
        before, after = asyncio.run(upgrade(target))
    except (ConfigError, BadDatabaseUrl, StorageError) as exc:
        print(f"quizbot db upgrade: {exc}", file=sys.stderr)
        return 2
    if before == after:
        print(f"{url.display} is already at schema {after}.")
    else:
        print(f"Upgraded {url.display} from schema {before} to {after}.")
    return 0


async def upgrade(target: str) -> tuple[int, int]:
    """Migrate ``target`` to the latest schema; returns (version before, version after).
    Raises :class:`StorageError` (one line) when it cannot be opened or a step fails."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.db import Database
    from bot.store.faults import UNAVAILABLE, StorageError

    db = await Database.open(target, upto=0)  # upto=0: open and check, migrate nothing yet
    try:
        before = await db.version()
        try:
            await db.migrate()
        except SQLAlchemyError as exc:
            raise StorageError(UNAVAILABLE, f"cannot upgrade {db.url.display}: {' '.join(str(exc).split())}") from None
        return before, await db.version()
    finally:
        await db.close()
