"""``quizbot db copy FROM TO``: move a deployment's data between SQLite and PostgreSQL.

Both sides are opened as the bot opens them (so the source is upgraded first and the
target gets the latest schema), the rows are copied by :mod:`bot.store.copy`, then
verified: equal row counts per table and equal leaderboards. Stop the bot first: rows
written during the copy would be missed (the source is read as one snapshot).

Exit codes: 0 copied and verified; 1 copied but the verification found a difference (the
table or board is named); 2 bad arguments (the same database twice, an unknown scheme, a
source that does not exist, a target that holds data without ``--force``), or a
database that cannot be opened: one line on stderr, nothing written. Passwords are never
printed (URLs show ``***``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store.copy import Verification
    from bot.store.urls import DatabaseUrl

COPY_HELP = """\
Copy every table (ours and slack-sdk's slack_* tables) from FROM to TO, keeping ids, then
check that each table has as many rows on both sides and that every leaderboard is equal.
FROM and TO are database URLs (sqlite:///PATH, postgresql://USER:PASSWORD@HOST:PORT/DATABASE)
or a SQLite file's path. Stop the bot first. TO gets the latest schema; a TO that already
holds data is refused unless --force, which empties it in the same transaction as the copy.
Exit 0 verified, 1 a difference (named), 2 bad arguments or a database that cannot be opened."""


class CopyRefused(Exception):
    """The arguments cannot work; one line, nothing written."""


def register_copy(db_sub: argparse._SubParsersAction) -> None:
    c = db_sub.add_parser("copy", help="copy the data to another database (SQLite <-> PostgreSQL), verified",
                          description=COPY_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("source", metavar="FROM", help="database to copy from (URL or SQLite path)")
    c.add_argument("target", metavar="TO", help="database to copy into (URL or SQLite path)")
    c.add_argument("--force", action="store_true", help="empty TO first if it holds data")
    c.set_defaults(handler=copy_command)


def copy_command(args: argparse.Namespace) -> int:
    import asyncio

    from sqlalchemy.exc import SQLAlchemyError

    from bot.store.copy import TargetNotEmpty
    from bot.store.errors import StoreError
    from bot.store.faults import StorageError
    from bot.store.urls import BadDatabaseUrl

    try:
        source, target = endpoints(args.source, args.target)
        verification, tables = asyncio.run(copy(source, target, replace=args.force))
    except (CopyRefused, BadDatabaseUrl, StorageError, TargetNotEmpty) as exc:
        print(f"quizbot db copy: {exc}", file=sys.stderr)
        return 2
    except (StoreError, SQLAlchemyError) as exc:  # rolled back: the target is as it was
        print(f"quizbot db copy: the copy failed and was rolled back: {' '.join(str(exc).split())[:300]}",
              file=sys.stderr)
        return 1
    print(f"Copied {source.display} to {target.display}.")
    width = max([len("table")] + [len(t) for t in tables])
    print(f"{'table':<{width}}  {'rows':>9}")
    for count in verification.counts:
        note = "" if count.equal else f"  (source has {count.source_rows})"
        print(f"{count.table:<{width}}  {count.target_rows:>9}{note}")
    if not verification.ok:
        what = [f"table {t}" for t in verification.differing_tables] + [
            f"leaderboard {b}" for b in verification.differing_boards]
        print(f"quizbot db copy: verification failed: {', '.join(what[:5])} differ", file=sys.stderr)
        return 1
    print(f"Verified: row counts equal in {len(tables)} tables, {verification.boards_compared} "
          "leaderboards equal.")
    return 0


def endpoints(source_text: str, target_text: str) -> tuple[DatabaseUrl, DatabaseUrl]:
    """Both sides parsed; raises :class:`CopyRefused` or ``BadDatabaseUrl`` (one line)."""
    from bot.store.urls import parse_url

    source, target = parse_url(source_text), parse_url(target_text)
    if _identity(source) == _identity(target):
        raise CopyRefused(f"FROM and TO are the same database ({source.display})")
    if source.path is not None and (source.path == ":memory:" or not Path(source.path).is_file()):
        raise CopyRefused(f"no database at {source.path}")
    return source, target


def _identity(url: DatabaseUrl) -> str:
    if url.path is not None:
        return str(Path(url.path).resolve())
    bare = url.driver_url.set(password=None, username=url.driver_url.username)
    return bare.render_as_string(hide_password=False)


async def copy(source_url: DatabaseUrl, target_url: DatabaseUrl, *, replace: bool) -> tuple[Verification, list[str]]:
    """Open both (migrating them), copy, verify; both are closed whatever happens."""
    from bot.store.copy import copy_database, verify
    from bot.store.db import Database

    source = await Database.open(_target(source_url))
    try:
        target = await Database.open(_target(target_url))
        try:
            tables = await copy_database(source, target, replace=replace)
            return await verify(source, target, tables), tables
        finally:
            await target.close()
    finally:
        await source.close()


def _target(url: DatabaseUrl) -> str:
    """What :meth:`Database.open` takes for ``url`` (the password included)."""
    if url.path is not None:
        return url.path
    return url.driver_url.render_as_string(hide_password=False)
