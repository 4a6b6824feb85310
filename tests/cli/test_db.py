"""``quizbot db backup PATH``: a consistent online copy, also while another process writes."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.cli import main
from bot.store.db import LATEST_VERSION, Database
from tests.process import quizbot

WRITER = """
import sqlite3, sys, time, pathlib
db, stop = sys.argv[1], pathlib.Path(sys.argv[2])
conn = sqlite3.connect(db, timeout=5, isolation_level=None)
conn.execute("PRAGMA busy_timeout = 5000")
i = 0
while not stop.exists():
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO members(key, name, created_at) VALUES (?, ?, ?)", (f"w:{i}", f"w{i}", time.time()))
    conn.execute("COMMIT")
    i += 1
print(i)
"""


def members(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM members").fetchone()[0])
    finally:
        conn.close()


async def new_db(path: Path) -> None:
    db = await Database.open(path)
    await db.execute("INSERT INTO members(key, name, created_at) VALUES ('console:ann', 'ann', 0)")
    await db.close()


async def test_backup_copies_a_consistent_self_contained_database(tmp_path):
    await new_db(tmp_path / "live.db")
    result = quizbot("db", "backup", "--db", "live.db", "copy.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Backed up live.db to copy.db" in result.stdout
    conn = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT name FROM members").fetchall() == [("ann",)]
    finally:
        conn.close()
    assert not list(tmp_path.glob(".copy.db.partial-*"))


def test_backup_while_another_process_writes(tmp_path):
    asyncio.run(new_db(tmp_path / "live.db"))
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "live.db"), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while members(tmp_path / "live.db") < 50 and time.monotonic() < deadline:
            time.sleep(0.01)
        counts = []
        for n in range(3):
            result = quizbot("db", "backup", "--db", "live.db", f"b{n}.db", cwd=tmp_path)
            assert result.returncode == 0, result.stderr
            conn = sqlite3.connect(tmp_path / f"b{n}.db")
            try:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            finally:
                conn.close()
            counts.append(members(tmp_path / f"b{n}.db"))
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=20)
    assert writer.returncode == 0, err  # the writer was never locked out
    assert counts == sorted(counts) and counts[0] > 1
    assert counts[-1] <= 1 + int(out)


# The refusals below run the same CLI in-process (``bot.cli.main``): quicker than a process each.


async def test_backup_refuses_to_overwrite_without_force(tmp_path, monkeypatch, capsys):
    await new_db(tmp_path / "live.db")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "copy.db").write_text("keep me")
    assert main(["db", "backup", "--db", "live.db", "copy.db"]) == 2
    assert "--force" in capsys.readouterr().err
    assert (tmp_path / "copy.db").read_text() == "keep me"
    assert main(["db", "backup", "--db", "live.db", "copy.db", "--force"]) == 0
    assert members(tmp_path / "copy.db") == 1


def test_backup_of_a_missing_database_fails_and_creates_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["db", "backup", "--db", "nope.db", "copy.db"]) == 2
    assert "no database at nope.db" in capsys.readouterr().err
    assert not (tmp_path / "nope.db").exists() and not (tmp_path / "copy.db").exists()


def test_backup_refuses_a_file_that_is_not_a_quizbot_database(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    sqlite3.connect(tmp_path / "other.db").close()
    (tmp_path / "text.db").write_text("hello")
    assert main(["db", "backup", "--db", "other.db", "copy.db"]) == 2
    assert "not a quizbot database" in capsys.readouterr().err
    assert main(["db", "backup", "--db", "text.db", "copy.db"]) == 2
    assert "not a readable SQLite database" in capsys.readouterr().err
    assert not (tmp_path / "copy.db").exists()


def test_backup_into_the_database_itself_is_refused(tmp_path, monkeypatch, capsys):
    asyncio.run(new_db(tmp_path / "live.db"))
    monkeypatch.chdir(tmp_path)
    assert main(["db", "backup", "--db", "live.db", "live.db", "--force"]) == 2
    assert "must not be the database itself" in capsys.readouterr().err
    assert members(tmp_path / "live.db") == 1


def test_backup_to_a_directory_or_an_unwritable_place_is_a_clear_error(tmp_path, monkeypatch, capsys):
    asyncio.run(new_db(tmp_path / "live.db"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "backups").mkdir()
    assert main(["db", "backup", "--db", "live.db", "backups", "--force"]) == 2
    assert "is a directory" in capsys.readouterr().err
    (tmp_path / "blocker").write_text("a file where a folder should be")
    assert main(["db", "backup", "--db", "live.db", "blocker/copy.db"]) == 2
    assert "cannot create blocker" in capsys.readouterr().err
