"""Hints in free-text rounds: the first letters privately, half the points, once per member."""

import asyncio

from bot.quiz import messages as m
from bot.quiz.hints import mask
from tests.helpers import ADMIN, CHANNEL, member


async def text_round(bot) -> m.QuestionCard:
    assert await bot.service.ask(CHANNEL, ADMIN, kind="text") is None
    card = bot.chat.of_type(m.QuestionCard)[-1]
    assert card.kind == "text"
    return card


async def answer_of(bot, round_id: int) -> str:
    row = await bot.service.ctx.stores.rounds.get(round_id)
    return row.question.answer


async def points(bot, name: str) -> int:
    row = await bot.db.fetchone(
        "SELECT a.points FROM answers a JOIN members mb ON mb.id = a.member_id WHERE mb.name = ?", (name,))
    return int(row[0])


def test_mask_keeps_each_words_first_letter_and_the_punctuation():
    assert mask("Non-maximum suppression") == "N__-m______ s__________"
    assert mask("Adam") == "A___"


async def test_hint_shows_the_first_letters_of_the_answer_privately(bot):
    card = await text_round(bot)
    reply = await bot.service.hint(card.round_id, member("alice"))
    assert reply.tone == "info" and reply.said == (mask(await answer_of(bot, card.round_id)),)
    assert "half" in reply.text
    assert bot.chat.of_type(m.Notice) == []  # nothing was posted to the channel


async def test_hinted_right_answer_scores_half_and_others_full(bot):
    card = await text_round(bot)
    answer = await answer_of(bot, card.round_id)
    await bot.service.hint(card.round_id, member("alice"))
    await bot.service.answer_text(card.round_id, member("alice"), answer)
    await bot.service.answer_text(card.round_id, member("bob"), answer)
    await bot.service.close(CHANNEL, ADMIN)
    assert await points(bot, "alice") == 5 and await points(bot, "bob") == 10
    board = bot.chat.of_type(m.Reveal)[-1].leaderboard
    assert {(r.name, r.points) for r in board.rows} == {("alice", 5), ("bob", 10)}


async def test_hint_asked_for_twice_halves_the_points_once(bot):
    card = await text_round(bot)
    answer = await answer_of(bot, card.round_id)
    first = await bot.service.hint(card.round_id, member("alice"))
    second = await bot.service.hint(card.round_id, member("alice"))
    assert first == second
    await bot.service.answer_text(card.round_id, member("alice"), answer)
    await bot.service.close(CHANNEL, ADMIN)
    assert await points(bot, "alice") == 5
    count = await bot.db.fetchone("SELECT COUNT(*) FROM hints")
    assert count[0] == 1


async def test_hint_after_answering_is_refused_and_keeps_full_points(bot):
    card = await text_round(bot)
    answer = await answer_of(bot, card.round_id)
    await bot.service.answer_text(card.round_id, member("alice"), answer)
    reply = await bot.service.hint(card.round_id, member("alice"))
    assert reply.tone == "error" and "already answered" in reply.text
    await bot.service.close(CHANNEL, ADMIN)
    assert await points(bot, "alice") == 10


async def test_hint_after_the_close_says_closed_and_records_nothing(bot):
    card = await text_round(bot)
    await bot.service.close(CHANNEL, ADMIN)
    reply = await bot.service.hint(card.round_id, member("alice"))
    assert reply.tone == "error" and "closed" in reply.text
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM hints"))[0] == 0


async def test_hint_on_a_multiple_choice_question_is_refused(bot):
    assert await bot.service.ask(CHANNEL, ADMIN, kind="choice") is None
    card = bot.chat.of_type(m.QuestionCard)[-1]
    reply = await bot.service.hint(card.round_id, member("alice"))
    assert reply.tone == "error" and "free-text" in reply.text
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM hints"))[0] == 0


async def test_hint_command_without_any_round_says_none_is_open(bot):
    reply = await bot.service.hint_in_channel(CHANNEL, member("alice"))
    assert reply.tone == "error" and "No question is open" in reply.text


async def test_hint_command_after_the_close_says_closed(bot):
    await text_round(bot)
    await bot.service.close(CHANNEL, ADMIN)
    reply = await bot.service.hint_in_channel(CHANNEL, member("alice"))
    assert reply.tone == "error" and "closed" in reply.text


async def test_concurrent_hint_clicks_store_one_hint(bot):
    card = await text_round(bot)
    await asyncio.gather(*[bot.service.hint(card.round_id, member("alice")) for _ in range(5)])
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM hints"))[0] == 1
