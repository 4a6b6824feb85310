"""``quizbot decks lint|list|reports|import``: check, list, review reports of and make decks."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.cli.options import add_config_option, load

NOTE_FORMATS = ("markdown", "html", "csv", "red-trivia")
"""``bot.deck.notes.FORMATS``, written out so that building the parser imports no note parser
(tests/cli/test_startup.py checks the two agree)."""

IMPORT_HELP = """\
Turn notes into YAML decks: Markdown (.md, front matter allowed), HTML exports
(.html), term/definition tables as exported by Quizlet or Anki (.csv, .tsv,
.txt) and Red-DiscordBot trivia lists (.yaml). Every heading or bold lead term
with text becomes a card; the deck id is the slug of the file name.

Where the decks go:
  one FILE, no -o       the deck is printed on stdout (the report on stderr)
  one FILE, -o OUT      written to OUT, or to OUT/<deck-id>.yaml when OUT is an
                        existing directory or ends with '/'
  several FILEs         -o DIR is required; one DIR/<deck-id>.yaml per file

An existing deck file is never overwritten: without --merge the import stops
(exit 2). With --merge, cards are matched by id, then by term or alias, then by
the note heading they came from. A card's definition is replaced only when the
note text behind it changed since the last import (each card records a short
fingerprint of that text; a hand-curated card without one keeps its definition
and gets one). Every hand-made field (id, aliases, questions, tags) is kept;
cards written for the deck (from_notes: false) are never touched; a heading the
deck already covers with its own cards adds nothing; cards whose heading is gone
from the note are kept and reported as orphaned. The file's leading comment
block is kept; comments further down and the layout are not.

Nothing is written unless every FILE imports cleanly. Exit codes: 0 done,
2 bad input (unreadable, binary, empty, unknown format, no cards) or an
output that exists without --merge.
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("decks", help="lint, list or import decks")
    dsub = p.add_subparsers(dest="decks_command", required=True, metavar="ACTION")
    lint = dsub.add_parser("lint", help="validate deck files; exit 1 on errors")
    lint.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                      help="deck files or directories (default: the deck directory: QUIZBOT_DECKS, else ./decks)")
    lint.add_argument("--json", action="store_true", help="print the findings as one JSON object")
    add_config_option(lint)
    lint.set_defaults(handler=run_lint)
    show = dsub.add_parser("list", help="list the decks and their card counts; exit 1 if a PATH is missing")
    show.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                      help="deck files or directories (default: the deck directory: QUIZBOT_DECKS, else ./decks)")
    add_config_option(show)
    show.set_defaults(handler=run_list)
    reports = dsub.add_parser(
        "reports", help="cards members reported as wrong, with file:line",
        description="Cards members reported as wrong (the Report button, /quiz report), newest first, each "
                    "with its deck file and line, the reports' members, times, deck versions (a short hash "
                    "of the deck file when reported) and reasons. The database is opened read-only. Exit 2 "
                    "(one line on stderr) when there is no quizbot database at the path.")
    reports.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help="deck files or directories to find the cards in (default: the deck directory)")
    reports.add_argument("--json", action="store_true", help="print one JSON object: {\"cards\": [...]}")
    reports.add_argument("--all", action="store_true", help="resolved reports too (default: open ones only)")
    reports.add_argument("--db", type=Path, help="SQLite file (default: QUIZBOT_DB, else ./quizbot.db)")
    add_config_option(reports)
    reports.set_defaults(handler=run_reports)
    imp = dsub.add_parser("import", help="make decks from notes (Markdown, HTML, CSV/TSV, Red trivia)",
                          description=IMPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="note files to import")
    imp.add_argument("-o", "--output", type=Path, metavar="OUT", help="deck file, or directory for several decks")
    imp.add_argument("--format", choices=("auto", *NOTE_FORMATS), default="auto",
                     help="input format (default: auto, from the suffix, else the content)")
    imp.add_argument("--merge", action="store_true",
                     help="update an existing OUT deck from the note, keeping hand edits")
    imp.set_defaults(handler=run_import)


def _paths(args: argparse.Namespace) -> list[Path]:
    """The PATHs given, else the configured deck directory (the one `quizbot run` loads)."""
    return list(args.paths) or [load(args).decks_dir]


def _unusable(paths: list[Path]) -> list[tuple[str, str]]:
    """(path, reason) for every PATH that holds no deck file: missing, or a directory without one."""
    from bot.deck.load import deck_files

    found: list[tuple[str, str]] = []
    for path in paths:
        if not path.exists():
            found.append((str(path), "no such file or directory"))
        elif path.is_dir() and not deck_files([path]):
            found.append((str(path), "no deck files (*.yaml, *.yml) here"))
    return found


def run_lint(args: argparse.Namespace) -> int:
    """Deck problems, plus a warning at each card with open reports when the configured
    database exists (:func:`bot.cli.decks_reports.lint_marks`)."""
    from bot.cli.decks_reports import lint_marks
    from bot.deck.load import deck_files, load_decks, name_clashes

    settings = load(args)
    paths = list(args.paths) or [settings.decks_dir]
    unusable = _unusable(paths)
    missing = [p for p, reason in unusable if reason == "no such file or directory"]
    empty = [p for p, reason in unusable if reason != "no such file or directory"]
    files = deck_files([p for p in paths if p.exists()])
    result = load_decks(files)
    result.problems.extend(name_clashes(result.decks))
    result.problems.extend(lint_marks(settings.db_path, result.decks))
    if args.json:
        print(json.dumps({
            "files": [str(f) for f in files],
            "decks": [{"deck": d.id, "cards": len(d.cards), "path": d.path} for d in result.decks],
            "errors": [p.as_dict() for p in result.errors] + [
                {"path": m, "line": 0, "column": 0, "field": "", "message": "no such file or directory",
                 "severity": "error"} for m in missing] + [
                {"path": e, "line": 0, "column": 0, "field": "", "message": "no deck files (*.yaml, *.yml) here",
                 "severity": "error"} for e in empty],
            "warnings": [p.as_dict() for p in result.warnings],
        }))
    else:
        for m in missing:
            print(f"{m}: no such file or directory")
        for e in empty:
            print(f"{e}: no deck files (*.yaml, *.yml) here")
        for problem in result.problems:
            print(f"{problem.severity}: {problem}")
        cards = sum(len(d.cards) for d in result.decks)
        print(f"{len(files)} file(s), {len(result.decks)} deck(s), {cards} card(s): "
              f"{len(result.errors) + len(missing) + len(empty)} error(s), {len(result.warnings)} warning(s)")
    return 1 if result.errors or missing or not files else 0


def run_list(args: argparse.Namespace) -> int:
    """Exit 1, like ``lint``, when a PATH is missing or holds no deck file; broken decks are
    listed as skipped and do not change the exit code (the bot runs without them)."""
    from bot.deck.load import load_decks

    paths = _paths(args)
    unusable = _unusable(paths)
    for path, reason in unusable:
        print(f"{path}: {reason}")
    result = load_decks([p for p in paths if p.exists()])
    for deck in result.decks:
        print(f"{deck.id:28} {len(deck.cards):4} cards  {deck.title}")
    for problem in result.errors:
        print(f"skipped: {problem}")
    return 1 if unusable else 0


def run_reports(args: argparse.Namespace) -> int:
    from bot.cli.decks_reports import run_reports as run

    return run(args)


def run_import(args: argparse.Namespace) -> int:
    from bot.cli.decks_import import import_notes

    return import_notes(args)


