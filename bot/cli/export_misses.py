"""``quizbot export misses MEMBER --format csv|yaml [-o FILE]``: a member's missed cards as a file.

Reads through :mod:`bot.store` (SQLite or PostgreSQL, whatever ``run`` would open) and never
changes the database: it is opened without migrating, and an older schema is refused with
the command that upgrades it. The decks (``--decks`` as for ``run``) give each card's text
as it is now. See :mod:`bot.quiz.misses_files` for the two formats.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.options import add_config_option, load

MISSES_HELP = """\
The cards MEMBER last answered wrong (in a closed round, any channel), the most
recent miss first. MEMBER is a member key (slack:T1:U1, discord:GUILD:USER,
console:alice) or a display name that only one member has.
  --format csv   front,back,tags for Anki (its #separator/#columns header lines
                 set up the import) and Quizlet (paste the lines after them)
  --format yaml  a deck of ours, clean under `quizbot decks lint`
Exit 1 (one line on stderr, nothing written) when the member has no missed card;
exit 2 (one line, nothing written) for an unknown or ambiguous member or no database."""


class ExportError(Exception):
    """One line for stderr; exit 2."""


class NothingMissed(Exception):
    """The member has no missed card: one line for stderr; exit 1."""


def register(what: argparse._SubParsersAction) -> None:
    p = what.add_parser("misses", help="a member's missed cards, as CSV (Anki, Quizlet) or a YAML deck",
                        description=MISSES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("member", metavar="MEMBER", help="member key (slack:T1:U1, console:alice) or unique display name")
    p.add_argument("--format", choices=("csv", "yaml"), default="csv", help="csv (default) or yaml")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--db", type=Path, help="SQLite file (default: QUIZBOT_DATABASE_URL, QUIZBOT_DB, ./quizbot.db)")
    p.add_argument("--decks", type=Path, help="deck directory (default: QUIZBOT_DECKS, else ./decks)")
    add_config_option(p)
    p.set_defaults(handler=export_misses_command)


def export_misses_command(args: argparse.Namespace) -> int:
    import asyncio

    from bot.config import ConfigError
    from bot.store.faults import StorageError
    from bot.store.urls import BadDatabaseUrl

    try:
        settings = load(args, db_path=args.db, decks_dir=args.decks)
        target = settings.database
        text, count = asyncio.run(_export(target, settings.decks_dir, args.member, args.format))
    except (ConfigError, BadDatabaseUrl, StorageError, ExportError) as exc:
        print(f"quizbot export: {exc}", file=sys.stderr)
        return 2
    except NothingMissed as exc:
        print(f"quizbot export: {exc}", file=sys.stderr)
        return 1
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        print(f"quizbot export: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"Exported {count} missed card(s) to {args.output}.", file=sys.stderr)
    return 0


async def _export(target: str, decks_dir: Path, who: str, fmt: str) -> tuple[str, int]:
    from bot.deck.library import DeckLibrary
    from bot.quiz import misses_files
    from bot.quiz.misses import misses
    from bot.store.db import LATEST_VERSION, Database
    from bot.store.misses import card_records, find_members
    from bot.store.urls import parse_url

    url = parse_url(target)
    if url.path is not None and url.path != ":memory:" and not Path(url.path).is_file():
        raise ExportError(f"no database at {url.path}")
    db = await Database.open(target, upto=0)  # read only: nothing migrated
    try:
        version, latest = await db.version(), LATEST_VERSION
        if version == 0:
            raise ExportError(f"{url.display} is not a quizbot database (no schema)")
        if version < latest:
            raise ExportError(f"{url.display} is at schema {version}, older than this quizbot ({latest}): "
                              "run `quizbot db upgrade` first")
        found = await find_members(db, who)
        if not found:
            raise ExportError(f"no member {who!r} (give a member key like slack:T1:U1 or a display name)")
        if len(found) > 1:
            keys = ", ".join(f.key for f in found[:5])
            raise ExportError(f"{len(found)} members are called {who!r}; give one key: {keys}")
        records = await card_records(db, found[0].id)
    finally:
        await db.close()
    member = found[0]
    missed = misses(records, DeckLibrary.load(decks_dir))
    if not missed:
        raise NothingMissed(misses_files.none_missed(f"{member.name or member.key} ({member.key})"))
    return misses_files.render_file(missed, fmt, member.name or member.key.rsplit(":", 1)[-1]), len(missed)
