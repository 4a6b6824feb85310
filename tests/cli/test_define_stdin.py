"""``quizbot define`` with no TERM (or ``-``): queries from stdin, one JSON object per line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.process import LineReader, clean_env, quizbot, start_quizbot


def test_each_stdin_line_gets_one_json_line_in_order(decks_dir: Path) -> None:
    proc = quizbot("define", "--decks", decks_dir, cwd=decks_dir.parent, stdin="nms\npoolng\nqwertyuiop\n")
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["query"], r["match"] and r["match"]["card_id"]) for r in lines] == [
        ("nms", "nms"), ("poolng", None), ("qwertyuiop", None)]
    assert all(list(r) == ["query", "match", "suggestions"] for r in lines)


def test_a_dash_reads_stdin_too(decks_dir: Path) -> None:
    proc = quizbot("define", "-", "--decks", decks_dir, cwd=decks_dir.parent, stdin="max pooling\n")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["match"]["card_id"] == "max-pooling"


def test_the_object_per_line_is_the_json_contract(decks_dir: Path) -> None:
    single = quizbot("define", "NMS", "--json", "--decks", decks_dir, cwd=decks_dir.parent)
    piped = quizbot("define", "--decks", decks_dir, cwd=decks_dir.parent, stdin="NMS\n")
    assert json.loads(piped.stdout) == json.loads(single.stdout)


@pytest.mark.parametrize(("stdin", "code"), [("nms\nmax pooling\n", 0), ("nms\nqwertyuiop\n", 1)])
def test_exit_code_is_zero_only_when_every_query_matched(decks_dir: Path, stdin: str, code: int) -> None:
    assert quizbot("define", "--decks", decks_dir, cwd=decks_dir.parent, stdin=stdin).returncode == code


def test_blank_lines_are_skipped(decks_dir: Path) -> None:
    proc = quizbot("define", "--decks", decks_dir, cwd=decks_dir.parent, stdin="\n  \nnms\n\n")
    assert [json.loads(line)["query"] for line in proc.stdout.splitlines()] == ["nms"]


def test_a_query_over_200_characters_gets_an_error_line_and_the_next_is_answered(decks_dir: Path) -> None:
    proc = quizbot("define", "--decks", decks_dir, cwd=decks_dir.parent, stdin="x" * 201 + "\nnms\n")
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert first == {"query": "x" * 200, "match": None, "suggestions": [],
                     "error": "a query is at most 200 characters (this one has 201)"}
    assert second["match"]["card_id"] == "nms"
    assert "Traceback" not in proc.stderr


def test_each_answer_is_flushed_before_the_next_query_arrives(decks_dir: Path) -> None:
    env = clean_env()
    env.pop("PYTHONUNBUFFERED")  # a pipe is block-buffered unless the command flushes
    proc = start_quizbot("define", "--decks", decks_dir, cwd=decks_dir.parent, env=env)
    assert proc.stdin is not None
    try:
        out = LineReader(proc.stdout)
        proc.stdin.write("nms\n")
        proc.stdin.flush()
        assert json.loads(out.wait_for(lambda lines: len(lines) == 1)[0])["match"]["card_id"] == "nms"
        proc.stdin.write("mean pooling\n")
        proc.stdin.flush()
        assert json.loads(out.wait_for(lambda lines: len(lines) == 2)[1])["match"]["card_id"] == "mean-pooling"
        proc.stdin.close()
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
