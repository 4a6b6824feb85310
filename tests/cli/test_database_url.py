"""``QUIZBOT_DATABASE_URL``: the real ``quizbot run`` on PostgreSQL, and a bad URL refused at start."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.store.db import Database
from tests.helpers import SMALL_DECK
from tests.process import clean_env, quizbot, write_deck

pytestmark = pytest.mark.sqlite_only  # picks its engine itself (tests/engines.py)


async def stored_answers(url: str) -> list[tuple[object, ...]]:
    db = await Database.open(url)
    try:
        return [tuple(r) for r in await db.fetchall(
            "SELECT m.key, a.correct FROM answers a JOIN members m ON m.id = a.member_id")]
    finally:
        await db.close()


def test_console_run_keeps_its_answers_in_postgresql_when_the_url_names_it(tmp_path: Path, postgres_url: str) -> None:
    write_deck(tmp_path / "decks", SMALL_DECK)
    result = quizbot("run", "--console", "--decks", "decks", cwd=tmp_path,
                     env=clean_env(QUIZBOT_DATABASE_URL=postgres_url), stdin="/quiz now\n:as alice\nA\n")
    assert result.returncode == 0, result.stderr
    assert "Answer recorded" in result.stdout
    assert [member for member, _ in asyncio.run(stored_answers(postgres_url))] == ["console:alice"]
    assert not (tmp_path / "quizbot.db").exists()  # nothing went to the default SQLite file


def test_an_unsupported_database_url_stops_the_start_with_one_line_and_no_password(tmp_path: Path) -> None:
    result = quizbot("run", "--console", cwd=tmp_path,
                     env=clean_env(QUIZBOT_DATABASE_URL="mysql://quiz:hunter2@db/quiz"), stdin="")
    assert result.returncode == 2
    assert "QUIZBOT_DATABASE_URL" in result.stderr and "hunter2" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_postgresql_server_stops_the_start_with_one_line(tmp_path: Path) -> None:
    url = "postgresql://quiz:hunter2@127.0.0.1:9/quiz"  # port 9 (discard): nothing listens
    result = quizbot("run", "--console", cwd=tmp_path, env=clean_env(QUIZBOT_DATABASE_URL=url), stdin="")
    assert result.returncode == 2
    assert "cannot connect to postgresql://quiz:***@127.0.0.1:9/quiz" in result.stderr
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr
