"""``quizbot decks lint|list|import``: check, list and make decks."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.deck.load import DeckError, deck_files, load_deck_file, load_decks, name_clashes
from bot.deck.notes import FORMATS, Imported, NoteError, import_note
from bot.deck.notes.clashes import folder_clashes
from bot.deck.notes.merge import MergeReport, merge_decks
from bot.deck.notes.report import import_report_lines
from bot.deck.notes.write import render_checked, write_deck

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
    lint.add_argument("paths", nargs="*", type=Path, default=[Path("decks")])
    lint.add_argument("--json", action="store_true", help="print the findings as one JSON object")
    lint.set_defaults(handler=run_lint)
    show = dsub.add_parser("list", help="list the decks and their card counts")
    show.add_argument("paths", nargs="*", type=Path, default=[Path("decks")])
    show.set_defaults(handler=run_list)
    imp = dsub.add_parser("import", help="make decks from notes (Markdown, HTML, CSV/TSV, Red trivia)",
                          description=IMPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="note files to import")
    imp.add_argument("-o", "--output", type=Path, metavar="OUT", help="deck file, or directory for several decks")
    imp.add_argument("--format", choices=("auto", *FORMATS), default="auto",
                     help="input format (default: auto, from the suffix, else the content)")
    imp.add_argument("--merge", action="store_true",
                     help="update an existing OUT deck from the note, keeping hand edits")
    imp.set_defaults(handler=run_import)


def run_lint(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    files = deck_files([p for p in args.paths if p.exists()])
    result = load_decks(files)
    result.problems.extend(name_clashes(result.decks))
    empty = [str(p) for p in args.paths if p.is_dir() and not deck_files([p])]
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
    result = load_decks(args.paths)
    for deck in result.decks:
        print(f"{deck.id:28} {len(deck.cards):4} cards  {deck.title}")
    for problem in result.errors:
        print(f"skipped: {problem}")
    return 0


class _ImportFailed(Exception):
    """One-line reason the import stops before anything is written."""


@dataclass
class _Planned:
    note: Path
    imported: Imported
    target: Path | None
    text: str = ""
    merge: MergeReport | None = None
    clashes: tuple[str, ...] = ()


def _targets(args: argparse.Namespace, results: list[tuple[Path, Imported]]) -> list[_Planned]:
    out: Path | None = args.output
    if out is None:
        if len(results) > 1:
            raise _ImportFailed("several files need -o DIR (one deck file per note)")
        if args.merge:
            raise _ImportFailed("--merge needs -o OUT, the deck to update")
        return [_Planned(note, imported, None) for note, imported in results]
    as_dir = len(results) > 1 or out.is_dir() or str(args.output).endswith(("/", "\\"))
    if as_dir and out.exists() and not out.is_dir():
        raise _ImportFailed(f"{out}: is a file; several decks need a directory")
    plans = [_Planned(note, imported, out / f"{imported.deck.id}.yaml" if as_dir else out)
             for note, imported in results]
    seen: dict[Path, Path] = {}
    for plan in plans:
        assert plan.target is not None
        if plan.target in seen:
            raise _ImportFailed(f"{plan.note} and {seen[plan.target]} both make deck {plan.target}")
        seen[plan.target] = plan.note
    return plans


def _prepare(plan: _Planned, merge: bool) -> None:
    """Merge into an existing target when asked, then render and prove the deck loads."""
    deck = plan.imported.deck
    target = plan.target
    if target is not None and target.exists():
        if not merge:
            raise _ImportFailed(f"{target} already exists; use --merge to update it (hand edits are kept) "
                                "or choose another -o")
        if not target.is_file():
            raise _ImportFailed(f"{target}: not a deck file")
        try:
            existing, _ = load_deck_file(target)
        except DeckError as exc:
            raise _ImportFailed(f"cannot merge into {exc.problems[0]}") from None
        plan.merge = merge_decks(existing, deck)
        deck = plan.merge.deck
    try:
        plan.text = render_checked(deck, str(target or "<stdout>"))
    except DeckError as exc:  # a bug in an importer: say so, write nothing
        raise _ImportFailed(f"{plan.note}: the deck made from it does not load: {exc.problems[0]}") from None


def _report(plan: _Planned, stream: object) -> None:
    imported = plan.imported
    where = str(plan.target) if plan.target is not None else "stdout"
    lines: list[str] = []
    if plan.merge is not None:
        m = plan.merge
        lines.append(f"{plan.note} -> {where}: merged: {m.summary()}")
        lines.extend(m.lines())
    else:
        lines.append(f"{plan.note} -> {where}: {len(imported.deck.cards)} card(s)")
    lines.extend(import_report_lines(imported))
    lines.extend(f"  warning: {clash}" for clash in plan.clashes)
    print("\n".join(lines), file=stream)  # type: ignore[call-overload]


def _note_label(path: Path) -> Path:
    """The path recorded as a card's source: relative to the working directory when inside it.

    So ``./notes/x.md``, ``notes/x.md`` and ``/abs/repo/notes/x.md`` record the
    same source, and a re-import from another spelling does not "update" every card.
    """
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return path


def run_import(args: argparse.Namespace) -> int:
    """Import every FILE, or write nothing: all inputs are read and checked first."""
    try:
        results: list[tuple[Path, Imported]] = []
        for note in args.files:
            try:
                data = note.read_bytes()
            except OSError as exc:
                raise _ImportFailed(f"{note}: cannot read: {exc.strerror or exc}") from None
            try:
                results.append((note, import_note(_note_label(note), data, args.format)))
            except NoteError as exc:
                raise _ImportFailed(f"{note}: {exc}") from None
        plans = _targets(args, results)
        for index, plan in enumerate(plans):
            _prepare(plan, args.merge)
            if plan.target is not None:
                plan.clashes = tuple(folder_clashes(plan.imported.deck, plan.target, [
                    (p.target, p.imported.deck) for p in plans[:index] if p.target is not None]))
    except _ImportFailed as exc:
        print(f"quizbot decks import: error: {exc}", file=sys.stderr)
        return 2
    for plan in plans:
        if plan.target is None:
            sys.stdout.write(plan.text)
            _report(plan, sys.stderr)
        else:
            write_deck(plan.target, plan.text)
            _report(plan, sys.stdout)
    return 0
