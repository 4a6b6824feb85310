"""``quizbot decks reports`` and the report marks of ``quizbot decks lint``: what members flagged
as wrong, next to each card's file:line, for the curator.

The database is the one ``quizbot run`` uses (``--db``, else ``QUIZBOT_DB``, ``.env``,
``quizbot.yaml``, else ``./quizbot.db``), opened read-only, so this is safe while the bot runs.
Lint adds its marks only when that database exists: it never needs one, and never creates one.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.deck.model import Deck
    from bot.deck.problems import Problem
    from bot.store.reports import CardReports

MAX_REASONS_IN_LINT = 3


class NoReports(Exception):
    """The database cannot be read for reports; the message says why."""


def read_reports(db_path: Path, include_resolved: bool = False) -> list[CardReports]:
    """The reports per card (open ones only unless ``include_resolved``), newest first.
    Raises :class:`NoReports` when there is no readable quizbot database at ``db_path``."""
    import sqlite3

    from bot.cli.db import DbError, connect_readonly
    from bot.store.reports import read_open

    try:
        conn = connect_readonly(db_path)
    except DbError as exc:
        raise NoReports(str(exc)) from None
    try:
        return read_open(conn, include_resolved)
    except sqlite3.OperationalError as exc:  # a database from before reports existed
        raise NoReports(f"{db_path} has no card reports ({exc}); start the bot once to upgrade it") from None
    finally:
        conn.close()


def _where(decks: list[Deck], deck_id: str, card_id: str) -> tuple[str, int, str] | None:
    """(file, line, term) of a card in the loaded decks, or None when it is not there."""
    for deck in decks:
        if deck.id == deck_id:
            card = deck.card(card_id)
            return (deck.path, card.line, card.term) if card else None
    return None


def report_marks(decks: list[Deck], cards: list[CardReports]) -> list[Problem]:
    """A lint warning at each reported card's line: ``card X has N open reports: ...``."""
    from bot.deck.problems import Problem

    marks = []
    for card in cards:
        found = _where(decks, card.deck_id, card.card_id)
        if found is None or not card.open_count:
            continue
        path, line, _ = found
        reasons = "; ".join(repr(r) for r in card.reasons[:MAX_REASONS_IN_LINT]) or "no reason given"
        extra = len(card.reasons) - MAX_REASONS_IN_LINT
        more = f" (and {extra} more)" if extra > 0 else ""
        count = f"{card.open_count} open report" + ("s" if card.open_count > 1 else "")
        marks.append(Problem(path, line, 1, "", f"card {card.card_id} has {count}: {reasons}{more}", "warning"))
    return marks


def lint_marks(db_path: Path, decks: list[Deck]) -> list[Problem]:
    """Report marks for lint; none when there is no database (lint must work without one)."""
    if not db_path.is_file():
        return []
    try:
        return report_marks(decks, read_reports(db_path))
    except NoReports as exc:
        print(f"quizbot decks lint: report marks skipped: {exc}", file=sys.stderr)
        return []


def _iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def run_reports(args: argparse.Namespace) -> int:
    """Print the reports per card with file:line; exit 2 (one line) without a readable database."""
    from bot.cli.options import load, sqlite_file
    from bot.deck.load import deck_files, load_decks

    settings = load(args, db_path=args.db)
    try:
        cards = read_reports(sqlite_file(settings, "on PostgreSQL, query card_reports with psql"),
                             include_resolved=args.all)
    except NoReports as exc:
        print(f"quizbot decks reports: {exc}", file=sys.stderr)
        return 2
    paths = list(args.paths) or [settings.decks_dir]
    decks = load_decks(deck_files([p for p in paths if p.exists()])).decks
    if args.json:
        print(json.dumps({"cards": [_card_json(decks, card) for card in cards]}))
        return 0
    if not cards:
        print("No open card reports." if not args.all else "No card reports.")
        return 0
    for card in cards:
        found = _where(decks, card.deck_id, card.card_id)
        where = f"{found[0]}:{found[1]}" if found else "(not in the decks)"
        term = f" ({found[2]})" if found else ""
        print(f"{where} {card.deck_id}/{card.card_id}{term}: {card.open_count} open")
        for report in card.reports:
            state = f", resolved {_iso(report.resolved_at)}" if report.resolved_at is not None else ""
            version = f", deck {report.deck_version}" if report.deck_version else ""
            reason = repr(report.reason) if report.reason else "(no reason)"
            print(f"  #{report.id} {_iso(report.reported_at)} {report.member}{version}{state}: {reason}")
    return 0


def _card_json(decks: list[Deck], card: CardReports) -> dict[str, Any]:
    found = _where(decks, card.deck_id, card.card_id)
    return {
        "deck": card.deck_id, "card": card.card_id, "term": found[2] if found else None,
        "path": found[0] if found else None, "line": found[1] if found else None, "open": card.open_count,
        "reports": [{"id": r.id, "member": r.member, "reason": r.reason, "deck_version": r.deck_version,
                     "reported_at": _iso(r.reported_at), "resolved_at": _iso(r.resolved_at)}
                    for r in card.reports],
    }
