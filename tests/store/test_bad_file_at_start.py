"""A database file that cannot be trusted stops every command that opens it: one line, exit 2, no hang."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.store.db import Database
from bot.store.faults import CANNOT_OPEN, CORRUPT, StorageError
from tests.helpers import SMALL_DECK
from tests.process import clean_env, quizbot, write_deck

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)


async def make_real_db(path: Path, members: int = 3000) -> None:
    """A quizbot database spanning many pages, checkpointed into one file (no -wal left)."""
    db = await Database.open(path)
    async with db.transaction() as conn:
        for i in range(members):
            await conn.execute("INSERT INTO members(key, name, created_at) VALUES (?, ?, 0)", (f"m{i}", "x" * 50))
    await db.close()
    assert not Path(f"{path}-wal").exists()


def garbage(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 20)
    return path


def truncated(path: Path) -> Path:
    asyncio.run(make_real_db(path))
    os.truncate(path, path.stat().st_size // 2)
    return path


def scribbled(path: Path) -> Path:
    """A real database with one page in the middle overwritten."""
    asyncio.run(make_real_db(path))
    with path.open("r+b") as f:
        f.seek(path.stat().st_size // 2 // 4096 * 4096)
        f.write(b"\xa5" * 4096)
    return path


def text_file(path: Path) -> Path:
    path.write_text("deck: not-a-database\ncards: []\n" * 20, encoding="utf-8")
    return path


def directory(path: Path) -> Path:
    path.mkdir()
    return path


BAD_FILES = {"garbage": garbage, "truncated": truncated, "scribbled": scribbled, "text": text_file,
             "directory": directory}


@pytest.mark.parametrize("kind", ["garbage", "truncated", "scribbled", "text"])
async def test_open_refuses_a_file_that_is_not_a_whole_database(tmp_path, kind):
    path = await asyncio.to_thread(BAD_FILES[kind], tmp_path / "q.db")
    before = path.read_bytes()
    with pytest.raises(StorageError) as raised:
        await Database.open(path)
    assert raised.value.reason == CORRUPT
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)
    assert path.read_bytes() == before  # nothing written: not migrated, not switched to WAL


async def test_open_refuses_a_directory(tmp_path):
    with pytest.raises(StorageError) as raised:
        await Database.open(directory(tmp_path / "q.db"))
    assert raised.value.reason == CANNOT_OPEN
    assert str(raised.value) == f"{tmp_path / 'q.db'} is a directory, not a database file"


async def test_open_refuses_a_path_whose_folder_is_a_file(tmp_path):
    (tmp_path / "data").write_text("a file, not a folder")
    with pytest.raises(StorageError) as raised:
        await Database.open(tmp_path / "data" / "q.db")
    assert raised.value.reason == CANNOT_OPEN
    assert str(raised.value).startswith(f"cannot create the folder of {tmp_path / 'data' / 'q.db'}")


async def test_a_refused_open_leaves_no_database_thread_behind(tmp_path):
    """aiosqlite's worker thread is not a daemon: one left running kept the process from exiting."""
    path = garbage(tmp_path / "q.db")
    before = set(threading.enumerate())
    with pytest.raises(StorageError):
        await Database.open(path)
    for _ in range(200):  # the worker ends once it has closed the connection
        if set(threading.enumerate()) <= before:
            break
        await asyncio.sleep(0.01)
    assert set(threading.enumerate()) <= before


UNCREATABLE = Path("/proc") / f"quizbot-test-{os.getpid()}.db"
"""A file SQLite cannot create in a folder that exists (as a read-only folder would be, even for root)."""


async def test_a_file_sqlite_cannot_create_is_refused_with_its_worker_thread_already_ended():
    """Open returns only once aiosqlite's worker is done: a worker still finishing when the
    event loop closes prints a traceback ("Event loop is closed") after the one-line error."""
    before = set(threading.enumerate())
    with pytest.raises(StorageError) as raised:
        await Database.open(UNCREATABLE)
    assert raised.value.reason == CANNOT_OPEN
    assert str(raised.value) == f"cannot open {UNCREATABLE}: unable to open database file"
    assert set(threading.enumerate()) <= before


def test_quizbot_run_on_a_file_sqlite_cannot_create_prints_one_line_and_exits_2(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    done = quizbot("run", "--console", "--db", UNCREATABLE, "--decks", "decks", cwd=tmp_path, stdin="/quiz now\n",
                   env=clean_env(QUIZBOT_LOG_LEVEL="WARNING"), timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"quizbot run: cannot open {UNCREATABLE}: unable to open database file\n"


async def test_a_whole_database_opens_after_its_check(tmp_path):
    await make_real_db(tmp_path / "q.db", members=10)
    db = await Database.open(tmp_path / "q.db")
    assert (await db.fetchone("SELECT COUNT(*) FROM members"))[0] == 10
    await db.close()


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_quizbot_run_on_a_bad_database_prints_one_line_and_exits_2(tmp_path, kind):
    write_deck(tmp_path / "decks", SMALL_DECK)
    BAD_FILES[kind](tmp_path / "q.db")
    # The timeout only guards against the old hang; no time is asserted.
    done = quizbot("run", "--console", "--db", "q.db", "--decks", "decks", cwd=tmp_path, stdin="/quiz now\n",
                   env=clean_env(QUIZBOT_LOG_LEVEL="WARNING"), timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("quizbot run: q.db "), done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("kind", ["garbage", "truncated", "scribbled", "text"])
def test_export_and_backup_refuse_a_bad_database_with_one_line(tmp_path, kind):
    BAD_FILES[kind](tmp_path / "q.db")
    for args, prefix in ((("export", "answers", "--csv"), "quizbot export: "),
                         (("db", "backup", "copy.db"), "quizbot db backup: ")):
        done = quizbot(*args, "--db", "q.db", cwd=tmp_path, timeout=60)
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and done.stderr.startswith(prefix + "q.db "), done.stderr
    assert not (tmp_path / "copy.db").exists()


def test_export_of_a_whole_database_still_works_after_the_check(tmp_path):
    asyncio.run(make_real_db(tmp_path / "q.db", members=1))
    done = quizbot("export", "answers", "--csv", "--db", "q.db", cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("answered_at,member_key")


async def test_a_database_locked_by_another_writer_is_not_called_corrupt(tmp_path, monkeypatch):
    path = tmp_path / "q.db"
    await (await Database.open(path, upto=1)).close()  # an older schema: opening must migrate (write)
    monkeypatch.setattr("bot.store.db.BUSY_TIMEOUT_MS", 50)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(StorageError) as raised:
            await Database.open(path)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert raised.value.reason == CANNOT_OPEN
    assert str(raised.value) == f"cannot open {path}: database is locked"
