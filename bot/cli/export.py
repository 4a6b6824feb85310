"""``quizbot export answers``: every recorded answer, one CSV row each (CSV is the default and only format).

Columns: ``answered_at`` (ISO 8601, UTC), ``member_key``, ``member_name``,
``channel_key``, ``round_id``, ``question_key``, ``choice`` (the option letter,
empty for typed answers), ``text`` (the typed answer, empty for choices),
``correct`` (``true``/``false``) and ``points``. Rows are in answer order. The
database is opened read-only, so exporting while the bot runs is safe.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.cli.db import DbError, connect_readonly
from bot.cli.options import add_config_option, load, sqlite_file
from bot.config import ConfigError

if TYPE_CHECKING:
    import sqlite3

ANSWERS_HELP = """\
Every recorded answer as CSV (the default and only format), one row each, in
answer order, after a header row: answered_at (ISO 8601, UTC), member_key,
member_name, channel_key, round_id, question_key, choice (the option letter),
text (the typed answer), correct (true/false), points. The database is opened
read-only, so exporting while the bot runs is safe. Exit 2 (one line on stderr)
when there is no quizbot database at the path."""

COLUMNS = ("answered_at", "member_key", "member_name", "channel_key", "round_id", "question_key",
           "choice", "text", "correct", "points")

_QUERY = """
SELECT a.answered_at, m.key, m.name, c.key, r.id, r.question_key, a.choice, a.text, a.correct, a.points
FROM answers a
JOIN members m ON m.id = a.member_id
JOIN rounds r ON r.id = a.round_id
JOIN channels c ON c.id = r.channel_id
ORDER BY a.answered_at, a.id
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export data (answers as CSV, a member's missed cards)")
    what = p.add_subparsers(dest="export_what", required=True, metavar="WHAT")
    a = what.add_parser("answers", help="every recorded answer, as CSV with a header row",
                        description=ANSWERS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--csv", action="store_true",
                   help="CSV with a header row (the default and only format; accepted for older scripts)")
    a.add_argument("--db", type=Path, help="SQLite file (default: QUIZBOT_DB, else ./quizbot.db)")
    a.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    add_config_option(a)
    a.set_defaults(handler=export_answers_command)
    from bot.cli import export_misses

    export_misses.register(what)


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _choice(value: int | None) -> str:
    from bot.quiz.messages import LABELS

    if value is None:
        return ""
    return LABELS[value] if 0 <= value < len(LABELS) else str(value)


def answer_rows(conn: sqlite3.Connection) -> Iterator[tuple[object, ...]]:
    for answered_at, mkey, mname, ckey, rid, qkey, choice, text, correct, points in conn.execute(_QUERY):
        yield (_iso(answered_at), mkey, mname, ckey, rid, qkey, _choice(choice), text or "",
               "true" if correct else "false", points)


def write_csv(conn: sqlite3.Connection, out: TextIO) -> int:
    """Write the header and every answer; returns the number of answers written."""
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in answer_rows(conn):
        writer.writerow(row)
        count += 1
    return count


def export_answers_command(args: argparse.Namespace) -> int:
    import sqlite3

    try:
        settings = load(args, db_path=args.db)
        conn = connect_readonly(sqlite_file(settings, "on PostgreSQL, query the answers table with psql"))
    except (ConfigError, DbError) as exc:
        print(f"quizbot export: {exc}", file=sys.stderr)
        return 2
    try:
        if args.output is None:
            count = write_csv(conn, sys.stdout)
        else:
            with args.output.open("w", encoding="utf-8", newline="") as out:
                count = write_csv(conn, out)
    except sqlite3.Error as exc:
        print(f"quizbot export: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the output: a read-only folder, a missing one, a full disk
        if args.output is None:  # stdout closed early (`| head`): main() ends quietly
            raise
        print(f"quizbot export: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    if args.output is not None:
        print(f"Exported {count} answer(s) to {args.output}.", file=sys.stderr)
    return 0
