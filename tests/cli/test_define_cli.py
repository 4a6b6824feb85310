"""``quizbot define QUERY [--json]``: the card, or suggestions; ``--json`` is a contract."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main

Quizbot = Callable[..., subprocess.CompletedProcess[str]]


def only_json_object(stdout: str) -> dict[str, object]:
    lines = stdout.splitlines()
    assert len(lines) == 1, stdout
    data = json.loads(lines[0])
    assert isinstance(data, dict)
    return data


def test_json_hit_follows_the_contract(decks_dir: Path, quizbot: Quizbot) -> None:
    proc = quizbot("define", "nms", "--json", cwd=decks_dir.parent)
    assert proc.returncode == 0, proc.stderr
    data = only_json_object(proc.stdout)
    assert data == {
        "query": "nms",
        "match": {
            "term": "Non-maximum suppression",
            "aliases": ["NMS"],
            "definition": "Keeps the highest scoring box and drops the boxes that overlap it too much.",
            "deck": "vision",
            "card_id": "nms",
            "source": {"note": "notes/vision.md", "heading": "Detection"},
        },
        "suggestions": [],
    }


def test_json_miss_has_a_null_match_and_suggestions(decks_dir: Path, quizbot: Quizbot) -> None:
    proc = quizbot("define", "poolng", "--json", "--decks", str(decks_dir), cwd=decks_dir.parent)
    assert proc.returncode == 1
    data = only_json_object(proc.stdout)
    assert list(data) == ["query", "match", "suggestions"]
    assert data["query"] == "poolng" and data["match"] is None
    suggestions = data["suggestions"]
    assert isinstance(suggestions, list) and 1 <= len(suggestions) <= 3
    for suggestion in suggestions:
        assert list(suggestion) == ["term", "deck", "card_id", "score"]
        assert isinstance(suggestion["term"], str) and suggestion["term"].endswith("pooling")
        assert suggestion["deck"] == "vision"
        assert isinstance(suggestion["card_id"], str)
        assert isinstance(suggestion["score"], float)


def test_json_query_over_200_characters_is_refused(decks_dir: Path, quizbot: Quizbot) -> None:
    proc = quizbot("define", "x" * 201, "--json", cwd=decks_dir.parent)
    assert proc.returncode == 2
    data = only_json_object(proc.stdout)
    assert data["match"] is None and data["suggestions"] == []
    assert data["error"] == "a query is at most 200 characters (this one has 201)"
    assert "Traceback" not in proc.stderr


def test_text_query_over_200_characters_is_refused_on_stderr(
    decks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["define", "y" * 300, "--decks", str(decks_dir)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "quizbot define: a query is at most 200 characters (this one has 300)\n"


def test_json_unknown_term_has_no_match_and_no_suggestions(
    decks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["define", "qwertyuiop", "--json", "--decks", str(decks_dir)]) == 1
    assert json.loads(capsys.readouterr().out) == {"query": "qwertyuiop", "match": None, "suggestions": []}


def test_text_hit_prints_term_aliases_definition_deck_and_source(
    decks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["define", "non", "maximum", "suppression", "--decks", str(decks_dir)]) == 0
    assert capsys.readouterr().out == (
        "Non-maximum suppression (NMS)\n"
        "Keeps the highest scoring box and drops the boxes that overlap it too much.\n"
        "— Computer Vision, notes/vision.md § Detection\n"
    )


def test_text_hit_without_card_source_shows_the_deck_source(
    decks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["define", "max pooling", "--decks", str(decks_dir)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "— Computer Vision, notes/vision.md"


def test_text_miss_lists_did_you_mean(decks_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["define", "poolng", "--decks", str(decks_dir)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("No card for 'poolng'. Did you mean: ")
    assert out.count("pooling") == 3


def test_text_unknown_term_gets_a_helpful_reply(decks_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["define", "qwertyuiop", "--decks", str(decks_dir)]) == 1
    assert capsys.readouterr().out == (
        "No card for 'qwertyuiop', and nothing close. Try a shorter query or an acronym.\n")


def test_broken_deck_is_skipped_with_a_note_on_stderr(
    decks_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = decks_dir / "broken.yaml"
    broken.write_text("deck: broken\ntitle: [\n", encoding="utf-8")
    assert main(["define", "NMS", "--json", "--decks", str(decks_dir)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["match"]["card_id"] == "nms"
    assert err == (f"quizbot define: skipped 1 broken deck file(s) ({broken}); "
                   "see `quizbot decks lint`\n")


def test_missing_decks_folder_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["define", "nms", "--decks", str(tmp_path / "nowhere")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"quizbot define: no deck loaded from {tmp_path / 'nowhere'} (no such directory)\n"


def test_define_text_marks_a_card_written_for_the_deck(capsys) -> None:
    from pathlib import Path

    decks = Path(__file__).resolve().parents[2] / "decks"
    assert main(["define", "Mask R-CNN", "--decks", str(decks)]) == 0
    assert "(written for the deck, not from the notes)" in capsys.readouterr().out
