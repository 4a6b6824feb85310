"""``/quiz misses`` in the console: the file is written beside the database and its path printed."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.process import quizbot

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)

DECKS = Path(__file__).resolve().parents[2] / "decks"


def test_quiz_misses_writes_the_file_beside_the_database_and_prints_its_path(tmp_path):
    (tmp_path / "data").mkdir()
    script = "/quiz now\n" + "".join(f":as {who}\n{letter}\n" for who, letter in
                                     (("alice", "A"), ("bob", "B"), ("carol", "C"), ("dave", "D")))
    script += "/quiz close\n" + "".join(f":as {who}\n/quiz misses\n" for who in ("alice", "bob", "carol", "dave"))
    script += "/quiz misses yaml\n"
    result = quizbot("run", "--console", "--db", "data/q.db", "--decks", DECKS, "--seed", "1", cwd=tmp_path,
                     stdin=script)
    assert result.returncode == 0, result.stderr
    written = re.findall(r"Written to (\S+)", result.stdout)
    csv_files = sorted(Path(p) for p in written if p.endswith(".csv"))
    assert len(csv_files) == 3, result.stdout  # the one member who picked the answer missed nothing
    assert "You have no missed cards yet" in result.stdout
    assert all(p.parent == (tmp_path / "data").resolve() for p in csv_files)
    rows = [r for r in csv.reader(csv_files[0].open(encoding="utf-8")) if not r[0].startswith("#")]
    assert len(rows) == 1 and len(rows[0]) == 3


def test_quiz_misses_with_an_unknown_format_is_refused(tmp_path):
    result = quizbot("run", "--console", "--db", "q.db", "--decks", DECKS, cwd=tmp_path, stdin="/quiz misses pdf\n")
    assert "Error: Use /quiz misses (CSV for Anki and Quizlet)" in result.stdout
    assert not list(tmp_path.glob("misses-*"))
