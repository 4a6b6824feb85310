"""Names learnt after answers ride in the answers' group commits (no commit of their own)."""

import asyncio

from bot.store.answers import AnswerBook, Outcome
from tests.engines import read_committed
from tests.store.test_answers import answer, count_commits, setup_round


async def test_renames_arriving_with_a_burst_of_answers_share_its_commit(tmp_path):
    db = await setup_round(tmp_path, 200)
    book = AnswerBook(db)
    commits = count_commits(db)

    outcomes, _ = await asyncio.gather(
        asyncio.gather(*[book.record(answer(i + 1)) for i in range(200)]),
        asyncio.gather(*[book.rename(f"m{i}", f"Member {i}") for i in range(200)]))

    assert outcomes == [Outcome.RECORDED] * 200 and len(commits) == 1
    await book.close()
    # committed: another connection sees the names
    assert await read_committed(tmp_path / "q.db", "SELECT name FROM members WHERE key = 'm7'") == [("Member 7",)]
    await db.close()


async def test_a_rename_alone_is_committed_before_it_returns(tmp_path):
    db = await setup_round(tmp_path, 1)
    book = AnswerBook(db)

    await book.rename("m0", "Ada")

    assert await read_committed(tmp_path / "q.db", "SELECT name FROM members WHERE key = 'm0'") == [("Ada",)]
    await book.close()
    await db.close()


async def test_rename_after_close_is_still_written(tmp_path):
    db = await setup_round(tmp_path, 1)
    book = AnswerBook(db)
    await book.close()

    await book.rename("m0", "Late name")

    assert [tuple(r) for r in await db.fetchall("SELECT name FROM members WHERE key = 'm0'")] == [("Late name",)]
    await db.close()
