"""``quizbot db upgrade``: the missing migrations applied without starting the bot, on both engines.

The tests pick their engines explicitly (a SQLite file, the ``postgres_url`` database), so the
module is marked ``sqlite_only``: the PostgreSQL pass would only run them again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store.db import LATEST_VERSION, Database
from tests.process import clean_env, quizbot

pytestmark = pytest.mark.sqlite_only  # picks its engines explicitly (see the module docstring)


async def play_at_schema_8(target: str) -> None:
    """A database left at schema 8 (the Alembic baseline) holding a member, a closed round and an
    answer, written as schema 8 holds them (today's service writes columns schema 8 lacks)."""
    db = await Database.open(target, upto=8)
    assert await db.version() == 8
    try:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO members(key, name, created_at) VALUES ('test:W1:ann', 'ann', 0)")
            await conn.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                               "VALUES ('test:W1:C1', 'test:W1', 'test', 'C1', 0)")
            await conn.execute("INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, "
                               "closes_at, closed_at) VALUES (1, 'd/c/q', 'd/c', '{}', 0, 60, 60)")
            await conn.execute("INSERT INTO answers(round_id, member_id, choice, correct, points, answered_at) "
                               "VALUES (1, 1, 0, 1, 10, 2)")
            await conn.execute("INSERT INTO reviews(member_id, card_key, state, due_at) "
                               "VALUES (1, 'd/c', '{\"state\": 1}', 100)")
    finally:
        await db.close()


async def stored(target: str) -> tuple[int, list[tuple[object, ...]]]:
    db = await Database.open(target, upto=0)  # reads without migrating
    try:
        rows = await db.fetchall("SELECT m.name, a.correct, a.round_id FROM answers a "
                                 "JOIN members m ON m.id = a.member_id")
        return await db.version(), [tuple(r) for r in rows]
    finally:
        await db.close()


async def test_sqlite_file_at_schema_8_is_upgraded_and_keeps_its_rows(tmp_path):
    await play_at_schema_8(str(tmp_path / "old.db"))
    before = await stored(str(tmp_path / "old.db"))
    result = quizbot("db", "upgrade", "--db", "old.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Upgraded old.db from schema 8 to {LATEST_VERSION}.\n"
    assert await stored(str(tmp_path / "old.db")) == (LATEST_VERSION, before[1])
    assert before[1] == [("ann", 1, 1)]
    conn = sqlite3.connect(tmp_path / "old.db")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    finally:
        conn.close()


async def test_postgresql_at_schema_8_is_upgraded_and_keeps_its_rows(tmp_path, postgres_url):
    await play_at_schema_8(postgres_url)
    result = quizbot("db", "upgrade", cwd=tmp_path, env=clean_env(QUIZBOT_DATABASE_URL=postgres_url))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Upgraded {postgres_url} from schema 8 to {LATEST_VERSION}.\n"
    assert await stored(postgres_url) == (LATEST_VERSION, [("ann", 1, 1)])


async def test_second_upgrade_says_the_database_is_already_current(tmp_path, postgres_url):
    await play_at_schema_8(str(tmp_path / "old.db"))
    assert quizbot("db", "upgrade", "--db", "old.db", cwd=tmp_path).returncode == 0
    again = quizbot("db", "upgrade", "--db", "old.db", cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, f"old.db is already at schema {LATEST_VERSION}.\n")
    env = clean_env(QUIZBOT_DATABASE_URL=postgres_url)
    assert quizbot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    again = quizbot("db", "upgrade", cwd=tmp_path, env=env)
    assert (again.returncode, again.stdout) == (0, f"{postgres_url} is already at schema {LATEST_VERSION}.\n")


def test_unreachable_server_is_one_line_without_the_password(tmp_path):
    env = clean_env(QUIZBOT_DATABASE_URL="postgresql://bot:s3cret-pw@127.0.0.1:1/quizbot")
    result = quizbot("db", "upgrade", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("quizbot db upgrade: cannot connect to postgresql://bot:***@127.0.0.1:1/quizbot")
    assert "s3cret" not in result.stdout + result.stderr


def test_corrupt_file_is_one_line_and_left_as_it_was(tmp_path):
    (tmp_path / "bad.db").write_bytes(b"not a database at all" * 100)
    result = quizbot("db", "upgrade", "--db", "bad.db", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("quizbot db upgrade: ") and "bad.db" in result.stderr
    assert (tmp_path / "bad.db").read_bytes() == b"not a database at all" * 100


def test_missing_file_is_refused_and_not_created(tmp_path):
    result = quizbot("db", "upgrade", "--db", "typo.db", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "quizbot db upgrade: no database at typo.db\n")
    assert not Path(tmp_path / "typo.db").exists()
