
"""Group-committed answers: once per member per round, durable before acknowledged."""

import asyncio

import pytest

from bot.store.answers import AnswerBook, AnswerIn, Outcome
from bot.store.db import Database
from bot.store.errors import Conflict
from bot.store.faults import READ_ONLY, StorageError
from tests.engines import read_committed


async def setup_round(tmp_path, members: int, allow_change: bool = False) -> Database:
    db = await Database.open(tmp_path / "q.db")
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO channels(key, workspace, platform, native_id, created_at) "
                           "VALUES ('c', 'w', 't', 'c', 0)")
        await conn.execute("INSERT INTO rounds(channel_id, question_key, card_key, question, opened_at, "
                           "closes_at, allow_change) VALUES (1, 'k', 'd/c', '{}', 0, 1e12, ?)", (int(allow_change),))
        await conn.executemany("INSERT INTO members(key, name, created_at) VALUES (?, ?, 0)",
                               [(f"m{i}", f"m{i}") for i in range(members)])
    return db


def count_commits(db: Database) -> list[None]:
    """Count the transactions ``db`` runs from now on (one list item each)."""
    commits: list[None] = []
    original = db.transaction

    def counting():  # type: ignore[no-untyped-def]
        commits.append(None)
        return original()

    db.transaction = counting  # type: ignore[method-assign]
    return commits


def answer(member_id: int, choice: int = 0, at: float = 1.0, round_id: int = 1) -> AnswerIn:
    return AnswerIn(round_id, member_id, choice, None, choice == 0, 10 if choice == 0 else 0, at)


async def test_many_concurrent_answers_are_all_stored_in_few_commits(tmp_path):
    db = await setup_round(tmp_path, 500)
    book = AnswerBook(db)
    commits = count_commits(db)
    outcomes = await asyncio.gather(*[book.record(answer(i + 1)) for i in range(500)])
    assert outcomes == [Outcome.RECORDED] * 500
    assert len(commits) < 50
    await book.close()
    # a second connection sees every acknowledged answer
    assert await read_committed(tmp_path / "q.db", "SELECT COUNT(*) FROM answers") == [(500,)]
    await db.close()


async def test_duplicate_in_same_batch_counts_first_answer(tmp_path):
    db = await setup_round(tmp_path, 1)
    book = AnswerBook(db)
    outcomes = await asyncio.gather(book.record(answer(1, 0)), book.record(answer(1, 2)))
    assert outcomes == [Outcome.RECORDED, Outcome.DUPLICATE]
    assert (await db.fetchone("SELECT choice FROM answers"))[0] == 0
    await book.close()
    await db.close()


async def test_duplicate_in_later_batch_is_refused(tmp_path):
    db = await setup_round(tmp_path, 1)
    book = AnswerBook(db)
    assert await book.record(answer(1, 0)) is Outcome.RECORDED
    assert await book.record(answer(1, 1)) is Outcome.DUPLICATE
    await book.close()
    await db.close()


async def test_channel_that_allows_changes_keeps_the_last_answer(tmp_path):
    db = await setup_round(tmp_path, 1, allow_change=True)
    book = AnswerBook(db)
    await book.record(answer(1, 0))
    await book.record(answer(1, 3))
    assert (await db.fetchone("SELECT choice FROM answers"))[0] == 3
    await book.close()
    await db.close()


async def test_answer_to_closed_round_is_refused_in_the_writing_transaction(tmp_path):
    db = await setup_round(tmp_path, 1)
    await db.execute("UPDATE rounds SET closed_at = 5")
    book = AnswerBook(db)
    assert await book.record(answer(1)) is Outcome.CLOSED
    assert (await db.fetchone("SELECT COUNT(*) FROM answers"))[0] == 0
    await book.close()
    await db.close()


async def test_answer_timed_after_deadline_is_refused(tmp_path):
    db = await setup_round(tmp_path, 1)
    await db.execute("UPDATE rounds SET closes_at = 10")
    book = AnswerBook(db)
    assert await book.record(answer(1, at=11)) is Outcome.CLOSED
    await book.close()
    await db.close()


async def test_closed_book_refuses_new_answers(tmp_path):
    db = await setup_round(tmp_path, 1)
    book = AnswerBook(db)
    await book.close()
    assert await book.record(answer(1)) is Outcome.CLOSED
    await db.close()


async def test_write_failure_reaches_every_waiting_member_and_writer_recovers(tmp_path):
    db = await setup_round(tmp_path, 2)
    book = AnswerBook(db)
    bad = AnswerIn(1, 999, 0, None, True, 10, 1.0)  # no such member: the foreign key fails
    results = await asyncio.gather(book.record(bad), return_exceptions=True)
    assert isinstance(results[0], Conflict)
    assert await book.record(answer(1)) is Outcome.RECORDED
    await book.close()
    await db.close()


async def test_answers_arriving_over_a_few_loop_passes_share_one_commit(tmp_path):
    db = await setup_round(tmp_path, 200)
    book = AnswerBook(db)
    commits = count_commits(db)

    async def arrive_late(member_id: int) -> Outcome:
        for _ in range(member_id % 20):  # a burst spread over 20 passes of the event loop
            await asyncio.sleep(0)
        return await book.record(answer(member_id))

    outcomes = await asyncio.gather(*[arrive_late(i + 1) for i in range(200)])
    assert outcomes == [Outcome.RECORDED] * 200 and len(commits) == 1
    await book.close()
    await db.close()


@pytest.mark.sqlite_only
async def test_answers_whose_commit_fails_raise_storage_error_and_the_writer_goes_on(tmp_path):
    db = await setup_round(tmp_path, 3)
    book = AnswerBook(db)
    await db.conn.execute("PRAGMA query_only = ON")  # the file refuses writes (as a read-only one does)
    results = await asyncio.gather(book.record(answer(1)), book.record(answer(2)), return_exceptions=True)
    assert all(isinstance(r, StorageError) and r.reason == READ_ONLY for r in results)
    await db.conn.execute("PRAGMA query_only = OFF")
    assert await book.record(answer(3)) is Outcome.RECORDED  # the next batch commits: nothing stuck
    assert await book.record(answer(1)) is Outcome.RECORDED  # the refused answer was never stored
    await book.close()
    assert [tuple(r) for r in await db.fetchall("SELECT member_id FROM answers ORDER BY member_id")] == [(1,), (3,)]
    await db.close()
