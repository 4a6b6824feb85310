"""``quizbot decks lint|list|import``: check, list and make decks."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot.deck.load import deck_files, load_decks


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("decks", help="lint, list or import decks")
    dsub = p.add_subparsers(dest="decks_command", required=True, metavar="ACTION")
    lint = dsub.add_parser("lint", help="validate deck files; exit 1 on errors")
    lint.add_argument("paths", nargs="*", type=Path, default=[Path("decks")])
    lint.add_argument("--json", action="store_true", help="print the findings as one JSON object")
    lint.set_defaults(handler=run_lint)
    show = dsub.add_parser("list", help="list the decks and their card counts")
    show.add_argument("paths", nargs="*", type=Path, default=[Path("decks")])
    show.set_defaults(handler=run_list)


def run_lint(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    files = deck_files([p for p in args.paths if p.exists()])
    result = load_decks(files)
    if args.json:
        print(json.dumps({
            "files": [str(f) for f in files],
            "decks": [{"deck": d.id, "cards": len(d.cards), "path": d.path} for d in result.decks],
            "errors": [p.as_dict() for p in result.errors] + [
                {"path": m, "line": 0, "column": 0, "field": "", "message": "no such file or directory",
                 "severity": "error"} for m in missing],
            "warnings": [p.as_dict() for p in result.warnings],
        }))
    else:
        for m in missing:
            print(f"{m}: no such file or directory")
        for problem in result.problems:
            print(f"{problem.severity}: {problem}")
        cards = sum(len(d.cards) for d in result.decks)
        print(f"{len(files)} file(s), {len(result.decks)} deck(s), {cards} card(s): "
              f"{len(result.errors) + len(missing)} error(s), {len(result.warnings)} warning(s)")
    return 1 if result.errors or missing or not files else 0


def run_list(args: argparse.Namespace) -> int:
    result = load_decks(args.paths)
    for deck in result.decks:
        print(f"{deck.id:28} {len(deck.cards):4} cards  {deck.title}")
    for problem in result.errors:
        print(f"skipped: {problem}")
    return 0
