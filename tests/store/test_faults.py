"""Storage faults while running: a commit that cannot reach the file raises StorageError and is remembered."""

from __future__ import annotations

import os
import sqlite3

import pytest

from bot.store.db import Database
from bot.store.errors import AlreadyExists
from bot.store.faults import DELETED, READ_ONLY, REPLACED, StorageError

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)

INSERT_MEMBER = "INSERT INTO members(key, name, created_at) VALUES (?, ?, 0)"


async def members(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT key FROM members ORDER BY id")]
    finally:
        conn.close()


async def test_commit_after_the_file_is_deleted_is_refused_and_reported(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        os.unlink(tmp_path / "q.db")
        with pytest.raises(StorageError) as raised:
            await db.execute(INSERT_MEMBER, ("a", "A"))
        assert raised.value.reason == DELETED
        assert db.health.fault is not None and db.health.fault.reason == DELETED
        assert db.health.fault.restart_required
        assert (await db.fetchone("SELECT COUNT(*) FROM members"))[0] == 0  # rolled back, not kept in limbo
    finally:
        await db.close()


async def test_a_deleted_file_stays_a_fault_even_when_a_probe_could_write(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        os.unlink(tmp_path / "q.db")
        assert db.check_file() is False
        assert await db.probe() is False
        assert db.health.fault is not None and db.health.fault.reason == DELETED
    finally:
        await db.close()


async def test_a_file_replaced_at_the_path_is_a_fault(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        other = await Database.open(tmp_path / "other.db")
        await other.close()
        os.replace(tmp_path / "other.db", tmp_path / "q.db")
        assert db.check_file() is False
        assert db.health.fault is not None and db.health.fault.reason == REPLACED
        with pytest.raises(StorageError):
            await db.execute(INSERT_MEMBER, ("a", "A"))
        assert await members(tmp_path / "q.db") == []
    finally:
        await db.close()


async def test_the_file_in_place_is_healthy_and_takes_probes(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        assert db.check_file() is True
        assert await db.probe() is True
        assert db.health.ok
    finally:
        await db.close()


async def test_write_to_a_read_only_file_raises_storage_error_with_reason_read_only(tmp_path):
    path = tmp_path / "q.db"
    db = await Database.open(path)
    # query_only: SQLite itself refuses the write (SQLITE_READONLY), as for a file on a read-only
    # mount (chmod does not stop root).
    await db.conn.run("PRAGMA query_only = ON")
    try:
        with pytest.raises(StorageError) as raised:
            await db.execute(INSERT_MEMBER, ("a", "A"))
        assert raised.value.reason == READ_ONLY
        assert str(raised.value) == "the database could not be written: attempt to write a readonly database"
        assert db.health.fault is not None and db.health.fault.reason == READ_ONLY
        assert not db.health.fault.restart_required
    finally:
        await db.close()
    assert await members(path) == []


async def test_a_write_fault_clears_at_the_next_successful_commit(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        await db.conn.execute("PRAGMA query_only = ON")  # every write now fails with SQLITE_READONLY
        with pytest.raises(StorageError):
            await db.execute(INSERT_MEMBER, ("a", "A"))
        assert await db.probe() is False
        assert not db.health.ok
        await db.conn.execute("PRAGMA query_only = OFF")
        assert await db.probe() is True
        assert db.health.ok
        await db.execute(INSERT_MEMBER, ("b", "B"))
    finally:
        await db.close()
    assert await members(tmp_path / "q.db") == ["b"]


async def test_a_constraint_violation_is_not_a_storage_fault(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        await db.execute(INSERT_MEMBER, ("a", "A"))
        with pytest.raises(AlreadyExists):
            await db.execute(INSERT_MEMBER, ("a", "A"))
        assert db.health.ok
        await db.execute(INSERT_MEMBER, ("b", "B"))  # the connection is not left inside a transaction
    finally:
        await db.close()


async def test_a_probe_while_another_process_holds_the_write_lock_says_no_instead_of_raising(tmp_path, monkeypatch):
    """The storage watch probes every few seconds; a raise here ended the watch task for good."""
    monkeypatch.setattr("bot.store.db.BUSY_TIMEOUT_MS", 50)
    db = await Database.open(tmp_path / "q.db")
    other = sqlite3.connect(tmp_path / "q.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert await db.probe() is False
        assert db.health.ok  # a busy lock is not a storage fault
    finally:
        other.execute("ROLLBACK")
        other.close()
        await db.close()
