"""``quizbot db backup PATH``: an online copy of the SQLite file, safe while the bot runs.

The copy is made with SQLite's backup API in one step, inside one read
transaction: it is a consistent snapshot even while another process keeps
writing (WAL lets the writer go on meanwhile). The source is opened read-only,
never migrated or created. The copy is written next to ``PATH`` under a
temporary name, checked, switched out of WAL mode (so it is one self-contained
file) and only then renamed into place: a half-written backup never carries
the final name.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.db_copy import register_copy
from bot.cli.db_upgrade import register_upgrade
from bot.cli.options import add_config_option, load, sqlite_file
from bot.config import ConfigError

if TYPE_CHECKING:
    import sqlite3

BUSY_TIMEOUT_S = 10.0


class DbError(Exception):
    """The database cannot be read or copied; the message says why."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="database maintenance (backup, upgrade, copy)")
    db_sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    b = db_sub.add_parser("backup", help="copy the database to PATH while the bot keeps running")
    b.add_argument("path", type=Path, metavar="PATH", help="where to write the copy")
    b.add_argument("--db", type=Path, help="SQLite file to copy (default: QUIZBOT_DB, else ./quizbot.db)")
    b.add_argument("--force", action="store_true", help="replace PATH if it exists")
    add_config_option(b)
    b.set_defaults(handler=backup_command)
    register_upgrade(db_sub)
    register_copy(db_sub)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open an existing, whole database (``quick_check``) without the right to change it.
    Raises :class:`DbError`."""
    import sqlite3  # here, not at the top: `quizbot define` builds this parser and needs no SQLite

    from bot.store.faults import StorageError
    from bot.store.integrity import check_file

    if not path.is_file():
        raise DbError(f"no database at {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DbError(f"{path} is not a readable SQLite database: {exc}") from None
    if not version:
        conn.close()
        raise DbError(f"{path} is not a quizbot database (no schema version)")
    try:
        check_file(conn, path)
    except StorageError as exc:
        conn.close()
        raise DbError(str(exc)) from None
    return conn


def backup(source: Path, target: Path, *, force: bool = False) -> int:
    """Copy ``source`` to ``target``; returns the number of pages copied. Raises :class:`DbError`."""
    import sqlite3

    if target.exists() and not force:
        raise DbError(f"{target} exists; pass --force to replace it")
    if target.resolve() == source.resolve():
        raise DbError("the backup must not be the database itself")
    if target.is_dir():
        raise DbError(f"{target} is a directory; give the backup a file name, e.g. {target}/quizbot.db")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DbError(f"cannot create {target.parent}: {exc.strerror}") from None
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    src = connect_readonly(source)
    try:
        dest = sqlite3.connect(partial)
        try:
            src.backup(dest)  # pages=-1: all pages in one step, one consistent snapshot
            dest.execute("PRAGMA journal_mode = DELETE")
            check = dest.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise DbError(f"the copy failed its integrity check: {check}")
            pages = int(dest.execute("PRAGMA page_count").fetchone()[0])
        finally:
            dest.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise DbError(f"backup failed: {exc}") from None
    except OSError as exc:
        raise DbError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        src.close()
        partial.unlink(missing_ok=True)
    return pages


def backup_command(args: argparse.Namespace) -> int:
    try:
        settings = load(args, db_path=args.db)
        source = sqlite_file(settings, "use pg_dump for PostgreSQL")
        pages = backup(source, args.path, force=args.force)
    except (ConfigError, DbError) as exc:
        print(f"quizbot db backup: {exc}", file=sys.stderr)
        return 2
    print(f"Backed up {source} to {args.path} ({pages} pages).")
    return 0
