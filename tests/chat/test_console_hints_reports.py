"""Hints and card reports in the console: a transcript through piped stdin of the real `quizbot run`."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)

ONE_CARD_DECK = """\
deck: one
title: One Card
source: notes/one.md
cards:
  - id: nms
    term: Non-maximum suppression
    definition: >-
      Removes duplicate boxes in object detection by keeping the most confident proposal
      and dropping overlapping ones.
"""
"""One card and no distractors: every question is free text."""


def run_console(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    decks = tmp_path / "decks"
    decks.mkdir(exist_ok=True)
    (decks / "one.yaml").write_text(ONE_CARD_DECK, encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QUIZBOT_CONFIG": str(tmp_path / "none.yaml")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--console", "--db", str(tmp_path / "demo.db"),
         "--decks", str(decks), "--seed", "1"],
        input=script, capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env,
    )


def test_console_hint_masks_the_answer_and_halves_only_the_hinted_members_points(tmp_path):
    script = ("/quiz now\n:as alice\n/quiz hint\n/quiz hint\nNon-maximum suppression\n/quiz hint\n"
              ":as bob\nnon maximum suppression\n/quiz close\n/quiz hint\n")
    result = run_console(tmp_path, script)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines.count("Hint: N__-m______ s__________") == 2
    assert "Error: You already answered this round; hints are for before you answer." in lines
    assert "   1. bob: 10 pts (1/1, 100%)" in lines and "   2. alice: 5 pts (1/1, 100%)" in lines
    assert lines[-1] == "Error: This round is closed; the answer has been revealed."


def test_console_report_list_and_resolve_the_last_revealed_card(tmp_path):
    script = ("/quiz report\n/quiz now\n/quiz close\n:as alice\n/quiz report it's too \"vague\"\n"
              "/quiz report\n/quiz reports\n/quiz reports resolve 1\n/quiz reports\n")
    result = run_console(tmp_path, script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Error: No question has been revealed here yet.")
    assert "Thanks, reported: Non-maximum suppression." in out
    assert "Thanks, your report of Non-maximum suppression is updated." in out
    assert "#1 one/nms (Non-maximum suppression): 1 open, newest " in out
    assert "“it's too \"vague\"”" in out
    assert "Resolved 1 report(s) of one/nms (Non-maximum suppression)." in out
    assert out.rstrip().endswith("No open card reports.")
    db = sqlite3.connect(tmp_path / "demo.db")
    row = db.execute("SELECT deck_id, card_id, reason, length(deck_version), resolved_at IS NOT NULL "
                     "FROM card_reports").fetchall()
    assert row == [("one", "nms", "it's too \"vague\"", 12, 1)]
