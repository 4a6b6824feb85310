"""``/quiz review``: a member's private review of their due cards (bot/quiz/review_session.py)."""

from __future__ import annotations

import random

from fsrs import Rating

from bot.deck.generate import ask
from bot.quiz import commands
from bot.quiz import messages as m
from bot.quiz.review import review
from bot.quiz.review_session import STALE
from bot.store.db import Database
from bot.store.review_questions import ReviewQuestion
from bot.store.reviews import save_states
from tests.helpers import CHANNEL, Clock, FakeChat, make_service, member, small_library
from tests.quiz.conftest import Bot

DAY = 86400.0
ALICE = member("alice")
BOB = member("bob")


async def seed(bot: Bot, who, missed: dict[str, float]) -> int:  # type: ignore[no-untyped-def]
    """``who`` answered each card (id -> seconds ago) wrong in a channel; returns their member id."""
    member_id = await bot.service.ctx.stores.directory.member_id(who.key, who.name)
    for card_id, ago in missed.items():
        async with bot.db.transaction() as conn:
            await save_states(conn, f"demo/{card_id}", [(member_id, *review(None, False, bot.clock() - ago))])
    return member_id


async def open_question(bot: Bot, member_id: int) -> ReviewQuestion:
    row = await bot.service.ctx.stores.review_questions.open_for(member_id)
    assert row is not None
    return row


async def state_of(db: Database, member_id: int, card_key: str) -> tuple[str, float]:
    row = await db.fetchone("SELECT state, due_at FROM reviews WHERE member_id = ? AND card_key = ?",
                            (member_id, card_key))
    assert row is not None
    return str(row[0]), float(row[1])


async def answer_right(bot: Bot, row: ReviewQuestion, who=ALICE) -> tuple[m.Message, ...]:  # type: ignore[no-untyped-def]
    if row.question.kind == "choice":
        assert row.question.correct is not None
        return await bot.service.review_choice(row.id, who, row.question.correct)
    return await bot.service.review_text(row.id, who, row.question.answer)


async def answer_wrong(bot: Bot, row: ReviewQuestion, who=ALICE) -> tuple[m.Message, ...]:  # type: ignore[no-untyped-def]
    if row.question.kind == "choice":
        assert row.question.correct is not None
        return await bot.service.review_choice(row.id, who, (row.question.correct + 1) % len(row.question.options))
    return await bot.service.review_text(row.id, who, "definitely not this")


async def text_question(bot: Bot, member_id: int, card_id: str) -> ReviewQuestion:
    """Make the member's open review question the free-text form of ``card_id``."""
    library = bot.service.library
    deck = library.deck("demo")
    assert deck is not None
    card = next(c for c in deck.cards if c.id == card_id)
    question = ask(card, deck, "text", random.Random(1), library.decks)
    assert question is not None and question.kind == "text"
    await bot.service.ctx.stores.review_questions.ask(member_id, question, bot.clock())
    return await open_question(bot, member_id)


async def test_review_asks_the_most_overdue_card_first_then_the_next(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"dropout": 1 * DAY, "nms": 3 * DAY, "adam": 2 * DAY})
    first = await bot.service.review(ALICE)
    assert isinstance(first, m.QuestionCard) and first.review and first.due == 3
    asked = [(await open_question(bot, alice)).card_key]
    for _ in range(2):
        replies = await answer_wrong(bot, await open_question(bot, alice))
        assert isinstance(replies[-1], m.QuestionCard)
        asked.append((await open_question(bot, alice)).card_key)
    assert asked == ["demo/nms", "demo/adam", "demo/dropout"]


async def test_review_is_private_and_posts_nothing_in_the_channel(bot: Bot) -> None:
    await seed(bot, ALICE, {"nms": DAY})
    replies = await commands.handle(bot.service, CHANNEL, ALICE, "quiz", "review")
    assert len(replies) == 1 and isinstance(replies[0], m.QuestionCard) and replies[0].review
    assert bot.chat.posts == [] and bot.chat.updates == []


async def assert_rated(bot: Bot, answer, seconds: float, right: bool, rating: Rating) -> None:  # type: ignore[no-untyped-def]
    """Alice's due card answered by ``answer`` ``seconds`` after it was asked is rated ``rating``:
    the reply says so and her stored state is fsrs's for that rating."""
    alice = await seed(bot, ALICE, {"nms": DAY})
    await bot.service.review(ALICE)
    row = await open_question(bot, alice)
    before, _ = await state_of(bot.db, alice, "demo/nms")
    bot.clock.advance(seconds)
    replies = await answer(bot, row)
    assert isinstance(replies[0], m.Notice) and f"Rated {rating.name}" in replies[0].text
    assert await state_of(bot.db, alice, "demo/nms") == review(before, right, bot.clock(), rating)[:2]


async def test_wrong_answer_is_rated_again(bot: Bot) -> None:
    await assert_rated(bot, answer_wrong, 10, False, Rating.Again)


async def test_right_answer_after_a_hint_is_rated_hard(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"nms": DAY})
    row = await text_question(bot, alice, "nms")
    hint = await bot.service.review_hint(row.id, ALICE)
    assert hint.tone != "error" and hint.said == ("N__-m______ s__________",)
    before, _ = await state_of(bot.db, alice, "demo/nms")
    bot.clock.advance(30)
    replies = await bot.service.review_text(row.id, ALICE, "Non-maximum suppression")
    assert isinstance(replies[0], m.Notice) and "Rated Hard" in replies[0].text
    assert await state_of(bot.db, alice, "demo/nms") == review(before, True, bot.clock(), Rating.Hard)[:2]


async def test_right_answer_is_rated_good(bot: Bot) -> None:
    await assert_rated(bot, answer_right, 30, True, Rating.Good)


async def test_right_answer_within_the_easy_seconds_is_rated_easy(bot: Bot) -> None:
    await assert_rated(bot, answer_right, 4, True, Rating.Easy)  # the default review_easy_s is 5


async def test_last_due_card_answered_ends_the_review_with_when_the_next_is_due(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"nms": DAY})
    await bot.service.review(ALICE)
    replies = await answer_right(bot, await open_question(bot, alice))
    assert isinstance(replies[-1], m.Notice) and replies[-1].text.startswith("Review done: nothing else is due.")
    assert "next card is due" in replies[-1].text
    assert await bot.service.ctx.stores.review_questions.open_for(alice) is None


async def test_stop_ends_the_review_and_its_buttons_then_change_nothing(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"nms": DAY, "adam": 2 * DAY})
    await bot.service.review(ALICE)
    row = await open_question(bot, alice)
    stopped = await commands.handle(bot.service, CHANNEL, ALICE, "quiz", "review stop")
    assert stopped[0].tone == "ok" and "2 card(s) still due" in stopped[0].text  # type: ignore[union-attr]
    before = await state_of(bot.db, alice, row.card_key)
    assert await answer_right(bot, row) == (m.error(STALE),)
    assert await state_of(bot.db, alice, row.card_key) == before


async def test_stop_without_a_review_is_refused(bot: Bot) -> None:
    assert (await bot.service.review_stop(ALICE)).tone == "error"


async def test_nothing_due_says_when_the_next_card_is_due(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"nms": 0})  # answered wrong just now: due again in a minute
    _, due_at = await state_of(bot.db, alice, "demo/nms")
    assert due_at - bot.clock() == 60  # fsrs's first learning step; the clock reads 11:06:40 UTC
    reply = await bot.service.review(ALICE)
    assert reply == m.Notice("Nothing is due for review right now. Your next card is due Wed 18 Nov 11:07 UTC "
                             "(in 1 minute).")


async def test_a_member_with_no_review_state_is_told_how_cards_get_there(bot: Bot) -> None:
    reply = await bot.service.review(BOB)
    assert isinstance(reply, m.Notice) and reply.text.startswith("Nothing to review yet")


async def test_second_click_on_the_same_review_question_counts_once(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"nms": DAY})
    await bot.service.review(ALICE)
    row = await open_question(bot, alice)
    await answer_wrong(bot, row)
    after_first = await state_of(bot.db, alice, "demo/nms")
    bot.clock.advance(60)
    assert await answer_wrong(bot, row) == (m.error(STALE),)
    assert await state_of(bot.db, alice, "demo/nms") == after_first


async def test_a_click_on_a_replaced_review_question_is_refused(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"nms": DAY, "adam": 2 * DAY})
    await bot.service.review(ALICE)
    old = await open_question(bot, alice)
    await answer_wrong(bot, old)  # the next question replaces it
    current = await open_question(bot, alice)
    assert current.id != old.id
    assert await answer_right(bot, old) == (m.error(STALE),)
    assert (await open_question(bot, alice)).id == current.id


async def test_someone_elses_review_question_is_refused(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"nms": DAY})
    await bot.service.review(ALICE)
    row = await open_question(bot, alice)
    before = await state_of(bot.db, alice, "demo/nms")
    assert await answer_right(bot, row, who=BOB) == (m.error(STALE),)
    assert await bot.service.review_hint(row.id, BOB) == m.error(STALE)
    assert await state_of(bot.db, alice, "demo/nms") == before


async def test_review_answers_never_change_leaderboards_rounds_or_answers(bot: Bot) -> None:
    await bot.service.ask(CHANNEL, ALICE)
    round_id = await bot.service.open_round_id(CHANNEL)
    assert round_id is not None
    await bot.service.answer_text(round_id, ALICE, "A")
    await bot.service.close(CHANNEL, member("admin", admin=True))
    board = await bot.service.leaderboard(CHANNEL, ALICE, "all")
    counts = [await bot.db.fetchone(f"SELECT COUNT(*), COALESCE(SUM(points), 0) FROM {t}")
              for t in ("scores", "answers")]
    alice = await seed(bot, ALICE, {"nms": 2 * DAY, "adam": 2 * DAY, "dropout": 2 * DAY})
    await bot.service.review(ALICE)
    for _ in range(3):
        replies = await answer_right(bot, await open_question(bot, alice))
    assert isinstance(replies[-1], m.Notice) and replies[-1].text.startswith("Review done")
    assert await bot.service.leaderboard(CHANNEL, ALICE, "all") == board
    assert [await bot.db.fetchone(f"SELECT COUNT(*), COALESCE(SUM(points), 0) FROM {t}")
            for t in ("scores", "answers")] == counts
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM rounds"))[0] == 1  # type: ignore[index]


async def test_an_open_review_question_survives_a_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    service, db = await make_service(tmp_path / "q.db", clock, FakeChat())
    bot = Bot(service, db, FakeChat(), clock)
    alice = await seed(bot, ALICE, {"nms": 2 * DAY, "adam": DAY})
    await service.review(ALICE)
    row = await open_question(bot, alice)
    await service.shutdown()
    await db.close()

    service, db = await make_service(tmp_path / "q.db", clock, FakeChat(), library=small_library())
    try:
        again = await service.review(ALICE)  # the same question, not a new one
        assert isinstance(again, m.QuestionCard) and again.round_id == row.id
        replies = await answer_right(Bot(service, db, FakeChat(), clock), row)
        assert isinstance(replies[0], m.Notice) and replies[0].tone == "ok"
        assert isinstance(replies[1], m.QuestionCard)
        nxt = await service.ctx.stores.review_questions.open_for(alice)
        assert nxt is not None and nxt.card_key == "demo/adam"
    finally:
        await service.shutdown()
        await db.close()


async def test_members_who_did_not_answer_a_channel_round_are_not_rated(bot: Bot) -> None:
    bob = await seed(bot, BOB, {"nms": DAY, "adam": DAY, "dropout": DAY, "mean-pooling": DAY, "max-pooling": DAY})
    before = await bot.db.fetchall("SELECT card_key, state, due_at FROM reviews WHERE member_id = ? ORDER BY 1",
                                   (bob,))
    await bot.service.ask(CHANNEL, ALICE)
    round_id = await bot.service.open_round_id(CHANNEL)
    assert round_id is not None
    await bot.service.answer_text(round_id, ALICE, "A")
    await bot.service.close(CHANNEL, member("admin", admin=True))
    assert await bot.db.fetchall("SELECT card_key, state, due_at FROM reviews WHERE member_id = ? ORDER BY 1",
                                 (bob,)) == before
    alice_rows = await bot.db.fetchall("SELECT COUNT(*) FROM reviews WHERE member_id <> ?", (bob,))
    assert alice_rows[0][0] == 1


async def test_a_review_answer_that_is_not_an_option_changes_nothing(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"nms": DAY})
    row = await text_question(bot, alice, "nms")
    before = await state_of(bot.db, alice, "demo/nms")
    assert (await bot.service.review_choice(row.id, ALICE, 2))[0].tone == "error"  # type: ignore[union-attr]
    assert (await bot.service.review_text(row.id, ALICE, "  "))[0].tone == "error"  # type: ignore[union-attr]
    assert await state_of(bot.db, alice, "demo/nms") == before
    assert (await open_question(bot, alice)).id == row.id



async def removed_card_due(bot: Bot, member_id: int) -> None:
    """A due card of a deck that is no longer loaded (``gone/x``), missed a day ago."""
    async with bot.db.transaction() as conn:
        await save_states(conn, "gone/x", [(member_id, *review(None, False, bot.clock() - DAY))])


async def test_cards_of_removed_decks_are_not_counted_as_still_due(bot: Bot) -> None:
    alice = await seed(bot, ALICE, {"nms": DAY})
    await removed_card_due(bot, alice)
    await bot.service.review(ALICE)
    stopped = await bot.service.review_stop(ALICE)
    assert "1 card(s) still due" in stopped.text


async def test_a_member_whose_only_due_cards_were_removed_has_nothing_to_review(bot: Bot) -> None:
    alice = await bot.service.ctx.stores.directory.member_id(ALICE.key, ALICE.name)
    await removed_card_due(bot, alice)
    reply = await bot.service.review(ALICE)
    assert isinstance(reply, m.Notice) and reply.text.startswith("Nothing to review yet")
