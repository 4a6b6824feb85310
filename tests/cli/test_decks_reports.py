"""``quizbot decks reports`` and the report marks of ``quizbot decks lint``, as subprocesses
over a real SQLite file written by the store."""

from __future__ import annotations

import json
from pathlib import Path

from bot.store.db import Database
from bot.store.members import Directory
from bot.store.reports import ReportIn, Reports
from tests.process import clean_env, quizbot

NOON = 1_795_000_000.0  # 2026-11-18T11:06:40Z


async def report(db_path: Path, *reports: tuple[str, str, str, str, float]) -> None:
    """Store (member, deck, card, reason, time) reports through the store, as the bot does."""
    db = await Database.open(db_path)
    try:
        directory, store = Directory(db), Reports(db)
        for name, deck, card, reason, at in reports:
            member_id = await directory.member_id(f"test:W1:{name}", name)
            await store.record(ReportIn(member_id, deck, card, "0123456789ab", reason, at))
    finally:
        await db.close()


async def test_reports_list_each_card_with_its_file_line_newest_first(decks_dir: Path) -> None:
    await report(decks_dir.parent / "quizbot.db", ("alice", "vision", "nms", "threshold is 0.5", NOON),
                 ("bob", "vision", "max-pooling", "", NOON + 60), ("carol", "vision", "nms", "", NOON + 120))

    proc = quizbot("decks", "reports", cwd=decks_dir.parent)

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "decks/vision.yaml:5 vision/nms (Non-maximum suppression): 2 open",
        "  #3 2026-11-18T11:08:40Z carol, deck 0123456789ab: (no reason)",
        "  #1 2026-11-18T11:06:40Z alice, deck 0123456789ab: 'threshold is 0.5'",
        "decks/vision.yaml:10 vision/max-pooling (Max pooling): 1 open",
        "  #2 2026-11-18T11:07:40Z bob, deck 0123456789ab: (no reason)",
    ]


async def test_reports_json_is_one_object_and_all_includes_resolved_ones(decks_dir: Path) -> None:
    db_path = decks_dir.parent / "q.db"
    await report(db_path, ("alice", "vision", "nms", "typo", NOON), ("bob", "gone", "card", "", NOON + 1))
    db = await Database.open(db_path)
    await Reports(db).resolve(2, 1, NOON + 5)
    await db.close()

    open_only = quizbot("decks", "reports", "--json", "--db", str(db_path), cwd=decks_dir.parent)
    everything = quizbot("decks", "reports", "--json", "--all", "--db", str(db_path), cwd=decks_dir.parent)

    cards = json.loads(open_only.stdout)["cards"]
    assert [(c["deck"], c["card"], c["path"], c["line"], c["open"]) for c in cards] == [
        ("vision", "nms", "decks/vision.yaml", 5, 1)]
    assert cards[0]["reports"] == [{"id": 1, "member": "alice", "reason": "typo", "deck_version": "0123456789ab",
                                    "reported_at": "2026-11-18T11:06:40Z", "resolved_at": None}]
    all_cards = json.loads(everything.stdout)["cards"]
    assert [(c["deck"], c["path"], c["open"]) for c in all_cards] == [
        ("gone", None, 0), ("vision", "decks/vision.yaml", 1)]
    assert all_cards[0]["reports"][0]["resolved_at"] == "2026-11-18T11:06:45Z"


def test_reports_without_a_database_exit_2_with_one_line_and_create_nothing(decks_dir: Path) -> None:
    proc = quizbot("decks", "reports", cwd=decks_dir.parent)

    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == "quizbot decks reports: no database at quizbot.db"
    assert not (decks_dir.parent / "quizbot.db").exists()


async def test_lint_warns_at_each_card_with_open_reports_from_the_configured_database(decks_dir: Path) -> None:
    db_path = decks_dir.parent / "data" / "bot.db"
    await report(db_path, ("alice", "vision", "nms", "threshold is 0.5", NOON), ("bob", "vision", "nms", "", NOON))

    proc = quizbot("decks", "lint", cwd=decks_dir.parent, env=clean_env(QUIZBOT_DB=str(db_path)))

    assert proc.returncode == 0, proc.stdout + proc.stderr  # a warning, not an error
    assert proc.stdout.splitlines()[0] == (
        "warning: decks/vision.yaml:5:1 card nms has 2 open reports: 'threshold is 0.5'")


def test_lint_without_a_database_has_no_report_marks_and_creates_none(decks_dir: Path) -> None:
    proc = quizbot("decks", "lint", cwd=decks_dir.parent)

    assert proc.returncode == 0 and "open report" not in proc.stdout
    assert not (decks_dir.parent / "quizbot.db").exists()
