"""``quizbot decks import``: draft decks from notes, or merge notes into a deck; all or nothing.

Imported only when that command runs (the note parsers are the heaviest part of the deck code).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.deck.load import DeckError, load_deck_file
from bot.deck.notes import Imported, NoteError, import_note
from bot.deck.notes.clashes import folder_clashes
from bot.deck.notes.merge import MergeReport, merge_decks
from bot.deck.notes.report import import_report_lines
from bot.deck.notes.write import render_checked, write_deck


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


def import_notes(args: argparse.Namespace) -> int:
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
    written: list[str] = []
    for plan in plans:
        if plan.target is None:
            sys.stdout.write(plan.text)
            _report(plan, sys.stderr)
            continue
        try:
            write_deck(plan.target, plan.text)
        except OSError as exc:  # a read-only folder, a file where a folder should be, a full disk
            done = f" (already written: {', '.join(written)})" if written else ""
            print(f"quizbot decks import: error: cannot write {plan.target}: {exc.strerror or exc}{done}",
                  file=sys.stderr)
            return 2
        written.append(str(plan.target))
        _report(plan, sys.stdout)
    return 0
