"""``quizbot decks lint [PATH...] [--json]``: exit 0 when clean, 1 on errors; warnings for weak cards."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main

Quizbot = Callable[..., subprocess.CompletedProcess[str]]
ROOT = Path(__file__).resolve().parents[2]
PROBLEM_KEYS = ["path", "line", "column", "field", "message", "severity"]

BROKEN = """deck: broken
title: Broken
cards:
  - id: cat
    term: Cat
    aliases: 3
    definition: A small furry animal that purrs and hunts mice.
"""
WEAK = """deck: weak
title: Weak
cards:
  - id: iou
    term: IOU
    definition: Box overlap over union.
"""


def test_clean_decks_exit_0_with_json(decks_dir: Path, quizbot: Quizbot) -> None:
    proc = quizbot("decks", "lint", "--json", cwd=decks_dir.parent)  # default PATH: ./decks
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == {
        "files": ["decks/vision.yaml"],
        "decks": [{"deck": "vision", "cards": 4, "path": "decks/vision.yaml"}],
        "errors": [],
        "warnings": [],
    }


def test_errors_exit_1_and_json_names_line_column_and_field(decks_dir: Path, quizbot: Quizbot) -> None:
    (decks_dir / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    (decks_dir / "weak.yaml").write_text(WEAK, encoding="utf-8")
    proc = quizbot("decks", "lint", "decks", "--json", cwd=decks_dir.parent)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert list(data) == ["files", "decks", "errors", "warnings"]
    assert data["files"] == ["decks/broken.yaml", "decks/vision.yaml", "decks/weak.yaml"]
    assert [d["deck"] for d in data["decks"]] == ["vision", "weak"]
    assert data["errors"] == [{
        "path": "decks/broken.yaml", "line": 6, "column": 14, "field": "cards[0].aliases",
        "message": "expected a list of strings, got 3", "severity": "error",
    }]
    assert [list(w) for w in data["warnings"]] == [PROBLEM_KEYS, PROBLEM_KEYS]
    assert [(w["path"], w["line"], w["column"], w["field"]) for w in data["warnings"]] == [
        ("decks/weak.yaml", 4, 5, "cards[0]"), ("decks/weak.yaml", 4, 5, "cards[0].definition")]
    assert [w["message"].split(";")[0] for w in data["warnings"]] == [
        "acronym term 'IOU' has no expansion among its aliases", "definition is under 5 words"]


def test_warnings_alone_exit_0(tmp_path: Path, quizbot: Quizbot) -> None:
    (tmp_path / "weak.yaml").write_text(WEAK, encoding="utf-8")
    proc = quizbot("decks", "lint", "weak.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines() == [
        "warning: weak.yaml:4:5 cards[0]: acronym term 'IOU' has no expansion among its aliases",
        ("warning: weak.yaml:4:5 cards[0].definition: definition is under 5 words; "
        "a question from it will be weak"),
        "1 file(s), 1 deck(s), 1 card(s): 0 error(s), 2 warning(s)",
    ]


def test_text_report_lists_each_error_and_a_summary(
    decks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = decks_dir / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    assert main(["decks", "lint", str(broken), str(decks_dir / "vision.yaml")]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"error: {broken}:6:14 cards[0].aliases: expected a list of strings, got 3",
        "2 file(s), 1 deck(s), 4 card(s): 1 error(s), 0 warning(s)",
    ]


def test_unsafe_tag_is_a_lint_error_not_executed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "pwned"
    deck = tmp_path / "evil.yaml"
    deck.write_text(f"!!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    assert main(["decks", "lint", str(deck), "--json"]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(1, 1)]
    assert "unsupported YAML tag" in errors[0]["message"]
    assert not marker.exists()


def test_missing_path_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["decks", "lint", str(missing), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["errors"] == [{
        "path": str(missing), "line": 0, "column": 0, "field": "",
        "message": "no such file or directory", "severity": "error",
    }]


def test_folder_without_decks_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "lint", str(tmp_path)]) == 1
    assert capsys.readouterr().out == (f"{tmp_path}: no deck files (*.yaml, *.yml) here\n"
                                       "0 file(s), 0 deck(s), 0 card(s): 1 error(s), 0 warning(s)\n")


def test_shipped_decks_lint_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decks", "lint", str(ROOT / "decks")]) == 0
    assert capsys.readouterr().out.endswith(": 0 error(s), 0 warning(s)\n")


def test_a_term_claimed_by_cards_of_two_decks_is_a_lint_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    for deck_id in ("first", "second"):
        (tmp_path / f"{deck_id}.yaml").write_text(
            f"deck: {deck_id}\ntitle: {deck_id}\ncards:\n  - id: nms\n    term: Non-maximum suppression\n"
            "    definition: Removes duplicate boxes in object detection, keeping the most confident one.\n")
    assert main(["decks", "lint", str(tmp_path), "--json"]) == 1
    [error] = json.loads(capsys.readouterr().out)["errors"]
    assert error["path"].endswith("second.yaml") and "deck 'first'" in error["message"]
