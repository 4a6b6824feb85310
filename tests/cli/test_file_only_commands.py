"""Commands that read the SQLite file itself say so, in one line, when the database is PostgreSQL."""

from __future__ import annotations

import pytest

from bot.store.db import Database
from tests.process import clean_env, quizbot

URL = "postgresql://bot:s3cret-pw@db.example:5432/quizbot"


@pytest.mark.parametrize(("command", "says"), [
    (("db", "backup", "copy.db"), "use pg_dump"),
    (("export", "answers"), "query the answers table with psql"),
    (("decks", "reports"), "query card_reports with psql"),
])
def test_file_only_command_refuses_a_postgresql_url_in_one_line(tmp_path, command, says):
    result = quizbot(*command, cwd=tmp_path, env=clean_env(QUIZBOT_DATABASE_URL=URL))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and says in result.stderr
    assert "postgresql://bot:***@db.example:5432/quizbot" in result.stderr
    assert "s3cret" not in result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.sqlite_only  # makes and reads the SQLite file itself
async def test_backup_copies_the_file_a_sqlite_url_names(tmp_path):
    db = await Database.open(tmp_path / "live.db")
    await db.execute("INSERT INTO members(key, name, created_at) VALUES ('console:ann', 'ann', 0)")
    await db.close()
    result = quizbot("db", "backup", "copy.db", cwd=tmp_path, env=clean_env(QUIZBOT_DATABASE_URL="sqlite:///live.db"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Backed up live.db to copy.db")
    assert not (tmp_path / "quizbot.db").exists()
