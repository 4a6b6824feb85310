"""The weekly digest in the console: the real `quizbot run` prints the digest and the path of
its chart, a PNG written under ``digests/`` beside the database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from tests.chat.test_console import run_console

pytestmark = pytest.mark.sqlite_only  # the database is the SQLite file whose folder holds digests/

ROUND = "/quiz now\n:as alice\nC\n:as bob\nA\n/quiz close\n"


def test_digest_now_prints_the_week_and_the_path_of_a_png_beside_the_database(tmp_path: Path) -> None:
    result = run_console(tmp_path, ROUND + "/quiz digest now\n")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Weekly digest: ")))
    assert lines[start + 1:start + 4] == ["Leaderboard: this week in this channel",
                                          "   1. alice: 10 pts (1/1, 100%)", "   2. bob: 0 pts (0/1, 0%)"]
    assert any(line.startswith("Hardest card: ") for line in lines[start:])
    [chart_line] = [line for line in lines if line.startswith("Chart: ")]
    path = Path(chart_line.removeprefix("Chart: "))
    assert path.parent == tmp_path / "digests" and path.suffix == ".png"
    with Image.open(path) as picture:
        assert picture.format == "PNG" and picture.size == (900, 450)


def test_digest_now_before_anyone_answered_says_so_and_writes_nothing(tmp_path: Path) -> None:
    result = run_console(tmp_path, "/quiz digest now\n")

    assert "Error: No digest: nobody has answered a question in this channel this week." in result.stdout
    assert not (tmp_path / "digests").exists()
