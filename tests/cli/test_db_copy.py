"""``quizbot db copy FROM TO``: a deployment's data moved between SQLite and PostgreSQL, verified.

The module picks its engines itself (a SQLite file and the ``postgres_url`` database), so it
is marked ``sqlite_only``: the PostgreSQL pass would only run the same tests again
(tests/engines.py maps bare paths, which these tests give on purpose, to PostgreSQL).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

from bot.quiz.settings import QuizSettings
from bot.store.db import Database
from tests.helpers import ADMIN, CHANNEL, OTHER_CHANNEL, Clock, make_service, member
from tests.process import quizbot

pytestmark = pytest.mark.sqlite_only  # picks its engines explicitly (see the module docstring)

COMPARED = ("members", "channels", "rounds", "answers", "groups", "group_members", "schedules",
            "reviews", "scores", "score_scopes")


async def build_deployment(path: Path) -> None:
    """A realistic source: two channels, rounds answered by several members, a schedule,
    a study group, review state (written as members answer)."""
    clock = Clock()
    # No "N answered" refreshes: they read while answers are written, and closed rounds are all
    # this needs (see the report: a read racing a write on the one connection closed it once).
    service, db = await make_service(path, clock, settings=QuizSettings(counter_interval_s=3600))
    try:
        await service.schedule_add(CHANNEL, ADMIN, "weekdays 09:30", "Europe/Berlin")
        await service.group(CHANNEL, member("ann"), "create", "owls")
        await service.group(CHANNEL, member("bob"), "join", "owls")
        for n in range(4):
            for channel in (CHANNEL, OTHER_CHANNEL):
                assert await service.ask(channel, ADMIN, kind="choice") is None
                round_id = await service.open_round_id(channel)
                assert round_id is not None
                row = await service.ctx.stores.rounds.get(round_id)
                assert row is not None
                right = row.question.correct
                for i, name in enumerate(("ann", "bob", "cat", "dan")):
                    clock.advance(1)
                    await service.answer_choice(round_id, member(name), right if (i + n) % 3 else (right + 1) % 4)
                await service.close(channel, ADMIN)
                clock.advance(60)
    finally:
        await service.shutdown()
        await db.close()


def rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
    finally:
        conn.close()


def table_lines(stdout: str) -> dict[str, int]:
    found = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            found[parts[0]] = int(parts[1])
    return found


async def count(target: str, table: str) -> int:
    db = await Database.open(target)
    try:
        row = await db.fetchone(f"SELECT COUNT(*) FROM {table}")
        assert row is not None
        return int(row[0])
    finally:
        await db.close()


async def test_copy_from_sqlite_to_postgresql_keeps_every_row_and_board(tmp_path, postgres_url):
    await build_deployment(tmp_path / "quizbot.db")
    result = quizbot("db", "copy", "quizbot.db", postgres_url, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Verified: row counts equal" in result.stdout
    counts = table_lines(result.stdout)
    for table in COMPARED:
        assert counts[table] == len(rows(tmp_path / "quizbot.db", table)), table
        assert await count(postgres_url, table) == counts[table]
    assert counts["answers"] == 32 and counts["schedules"] == 1 and counts["group_members"] == 2
    assert counts["reviews"] > 0


async def test_bot_writes_new_rounds_on_the_copy_without_duplicate_ids(tmp_path, postgres_url):
    await build_deployment(tmp_path / "quizbot.db")
    assert quizbot("db", "copy", "quizbot.db", postgres_url, cwd=tmp_path, timeout=60).returncode == 0
    clock = Clock(1_796_000_000.0)
    service, db = await make_service(postgres_url, clock)  # type: ignore[arg-type]
    try:
        assert await service.ask(CHANNEL, ADMIN, kind="choice") is None
        round_id = await service.open_round_id(CHANNEL)
        assert round_id == 9  # eight rounds were copied: the sequence continues past them
        row = await service.ctx.stores.rounds.get(round_id)
        assert row is not None
        await service.answer_choice(round_id, member("eve"), row.question.correct)
        await service.close(CHANNEL, ADMIN)
        assert await service.ctx.stores.db.fetchone("SELECT COUNT(*) FROM answers") == (33,)
    finally:
        await service.shutdown()
        await db.close()


async def test_copy_back_from_postgresql_to_sqlite_equals_the_original(tmp_path, postgres_url):
    await build_deployment(tmp_path / "quizbot.db")
    assert quizbot("db", "copy", "quizbot.db", postgres_url, cwd=tmp_path, timeout=60).returncode == 0
    result = quizbot("db", "copy", postgres_url, "sqlite:///back.db", cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    for table in COMPARED:
        assert rows(tmp_path / "back.db", table) == rows(tmp_path / "quizbot.db", table), table


async def test_non_empty_target_is_refused_without_force_and_replaced_with_it(tmp_path, postgres_url):
    await build_deployment(tmp_path / "quizbot.db")
    other = await Database.open(postgres_url)
    await other.execute("INSERT INTO members(key, name, created_at) VALUES ('x:zed', 'zed', 0)")
    await other.close()
    refused = quizbot("db", "copy", "quizbot.db", postgres_url, cwd=tmp_path, timeout=60)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "already holds data" in refused.stderr
    assert "--force" in refused.stderr
    assert await count(postgres_url, "members") == 1
    assert await count(postgres_url, "answers") == 0
    forced = quizbot("db", "copy", "quizbot.db", postgres_url, "--force", cwd=tmp_path, timeout=60)
    assert forced.returncode == 0, forced.stderr
    assert await count(postgres_url, "members") == len(rows(tmp_path / "quizbot.db", "members"))


async def test_copy_output_hides_the_password(tmp_path, postgres_url):
    await build_deployment(tmp_path / "quizbot.db")
    with_password = postgres_url.replace("postgres@", "postgres:s3cret-pw@")  # trust auth: any password works
    result = quizbot("db", "copy", "quizbot.db", with_password, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Copied quizbot.db to {postgres_url.replace('postgres@', 'postgres:***@')}.")
    assert "s3cret" not in result.stdout + result.stderr


async def test_unreachable_target_is_one_line_without_its_password(tmp_path):
    await build_deployment(tmp_path / "quizbot.db")
    result = quizbot("db", "copy", "quizbot.db", "postgresql://bot:s3cret-pw@127.0.0.1:1/quizbot", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "cannot connect to postgresql://bot:***@127.0.0.1:1/quizbot" in result.stderr
    assert "s3cret" not in result.stdout + result.stderr


@pytest.mark.parametrize(("source", "target", "says"), [
    ("mysql://u:pw@host/db", "copy.db", "not supported"),
    ("quizbot.db", "sqlite:///quizbot.db", "same database"),
    ("quizbot.db", "postgresql://u:pw@host", "names no database"),
])
async def test_bad_arguments_are_one_line_and_exit_2(tmp_path, source, target, says):
    await build_deployment(tmp_path / "quizbot.db")
    before = rows(tmp_path / "quizbot.db", "answers")
    result = quizbot("db", "copy", source, target, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and says in result.stderr
    assert "pw@" not in result.stderr
    assert rows(tmp_path / "quizbot.db", "answers") == before
    assert not (tmp_path / "copy.db").exists()


async def save_slack_install(target: str) -> None:
    """slack-sdk's installation tables (made outside our migrations) holding one workspace."""
    db = await Database.open(target)
    try:
        store = AsyncSQLAlchemyInstallationStore("cid", db.engine)
        await store.create_tables()
        await store.async_save(Installation(app_id="A1", team_id="T1", bot_token="xoxb-t1", bot_id="B1",
                                            bot_user_id="U1", bot_scopes=["commands"], user_id="U9",
                                            installed_at=1_795_000_000.0))
    finally:
        await db.close()


async def installed_bot_token(target: str) -> str | None:
    db = await Database.open(target)
    try:
        bot = await AsyncSQLAlchemyInstallationStore("cid", db.engine).async_find_bot(
            enterprise_id=None, team_id="T1")
        return bot.bot_token if bot is not None else None
    finally:
        await db.close()


async def test_slack_installations_are_copied_both_ways(tmp_path, postgres_url):
    await build_deployment(tmp_path / "quizbot.db")
    await save_slack_install(str(tmp_path / "quizbot.db"))
    there = quizbot("db", "copy", "quizbot.db", postgres_url, cwd=tmp_path, timeout=60)
    assert there.returncode == 0, there.stderr
    assert table_lines(there.stdout)["slack_bots"] == 1
    assert await installed_bot_token(postgres_url) == "xoxb-t1"
    back = quizbot("db", "copy", postgres_url, "back.db", cwd=tmp_path, timeout=60)
    assert back.returncode == 0, back.stderr
    assert await installed_bot_token(str(tmp_path / "back.db")) == "xoxb-t1"
    assert rows(tmp_path / "back.db", "slack_bots") == rows(tmp_path / "quizbot.db", "slack_bots")
