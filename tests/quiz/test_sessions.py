"""/quiz start N: questions back to back, then a summary; /quiz stop ends it."""

import asyncio

from bot.chat import plain
from bot.quiz import messages as m
from tests.helpers import ADMIN, CHANNEL, OTHER_CHANNEL, member


async def run_until_idle(bot, steps=20):
    for _ in range(steps):
        due = await bot.service.scheduler.tick()
        if due is None:
            return
        bot.clock.now = max(bot.clock.now, due)


async def test_session_asks_n_questions_then_ends(bot):
    reply = await bot.service.start_session(CHANNEL, member("alice"), 3)
    assert reply.tone == "ok"
    await run_until_idle(bot)
    cards = bot.chat.of_type(m.QuestionCard)
    assert [c.position for c in cards if c.answered == 0] == [(1, 3), (2, 3), (3, 3)]
    assert len(bot.chat.of_type(m.Reveal)) >= 3
    [result] = bot.chat.of_type(m.SessionResult)
    assert result.asked == 3 and not result.stopped
    assert await bot.service.ctx.stores.sessions.active(await bot.service.ctx.channel_id(CHANNEL)) is None


async def test_session_uses_its_own_answer_window(bot):
    await bot.service.start_session(CHANNEL, member("alice"), 1, window_s=30)
    await bot.service.scheduler.tick()
    card = bot.chat.of_type(m.QuestionCard)[0]
    assert card.closes_at == bot.clock.now + 30


async def test_stop_ends_session_and_reveals_open_question(bot):
    await bot.service.start_session(CHANNEL, member("alice"), 5)
    await bot.service.scheduler.tick()
    reply = await bot.service.stop_session(CHANNEL, member("alice"))
    assert reply.tone == "ok"
    assert len(bot.chat.of_type(m.Reveal)) == 1
    await run_until_idle(bot)
    assert len([c for c in bot.chat.of_type(m.QuestionCard) if c.answered == 0]) == 1


async def test_second_session_in_same_channel_is_refused(bot):
    await bot.service.start_session(CHANNEL, member("alice"), 2)
    reply = await bot.service.start_session(CHANNEL, member("bob"), 2)
    assert reply.tone == "error"


async def test_session_size_out_of_range_is_refused(bot):
    assert (await bot.service.start_session(CHANNEL, ADMIN, 0)).tone == "error"
    assert (await bot.service.start_session(CHANNEL, ADMIN, 500)).tone == "error"


async def test_admin_close_moves_the_session_on(bot):
    await bot.service.start_session(CHANNEL, member("alice"), 2, window_s=60)
    await bot.service.scheduler.tick()
    await bot.service.close(CHANNEL, ADMIN)
    bot.clock.advance(bot.service.ctx.settings.session_gap_s)
    await bot.service.scheduler.tick()
    positions = [c.position for c in bot.chat.of_type(m.QuestionCard) if c.answered == 0]
    assert positions == [(1, 2), (2, 2)]


async def test_start_command_takes_deck_and_answer_window(bot):
    from bot.quiz.commands import handle

    [reply] = await handle(bot.service, CHANNEL, member("alice"), "quiz", "start 2 demo 30s")
    assert reply.tone == "ok" and "30s" in reply.text
    [bad] = await handle(bot.service, OTHER_CHANNEL, member("bob"), "quiz", "start 2 demo 3s")
    assert bad.tone == "error" and "between" in bad.text


async def answer_open_round(bot, who, right: bool) -> None:
    row = await bot.service.ctx.stores.rounds.open_in(await bot.service.ctx.channel_id(CHANNEL))
    question = row.question
    if question.kind == "choice":
        choice = question.correct if right else (question.correct + 1) % len(question.options)
        reply = await bot.service.answer_choice(row.id, member(who), choice)
    else:
        reply = await bot.service.answer_text(row.id, member(who), question.answer if right else "qqqq zzzz")
    assert reply.tone == "ok", reply


async def play_session(bot, answers: list[dict[str, bool]]) -> None:
    """Run a session of len(answers) questions; each dict says who answers, in order, and whether right."""
    await bot.service.start_session(CHANNEL, member("host"), len(answers), window_s=60)
    for round_answers in answers:
        await bot.service.scheduler.tick()
        for who, right in round_answers.items():
            await answer_open_round(bot, who, right)
        await bot.service.close(CHANNEL, ADMIN)
        bot.clock.advance(bot.service.ctx.settings.session_gap_s)
    await run_until_idle(bot)


async def test_session_ends_with_each_players_score_out_of_n_ranked_by_right_answers(bot):
    await play_session(bot, [{"bob": True, "alice": True}, {"bob": False, "alice": True}, {"carol": True}])
    [result] = bot.chat.of_type(m.SessionResult)
    assert [(s.name, s.correct) for s in result.scores] == [("alice", 2), ("bob", 1), ("carol", 1)]
    assert plain.render(result) == "Session over: alice 2/3, bob 1/3, carol 1/3"


async def test_session_result_names_no_weekly_board(bot):
    await play_session(bot, [{"alice": True}])
    [result] = bot.chat.of_type(m.SessionResult)
    assert "leaderboard" not in plain.render(result).lower()


async def test_session_nobody_answered_says_so(bot):
    await play_session(bot, [{}, {}])
    [result] = bot.chat.of_type(m.SessionResult)
    assert plain.render(result) == "Session over: 2 question(s) asked, nobody answered."


async def test_stopped_session_posts_its_result_so_far(bot):
    await bot.service.start_session(CHANNEL, member("host"), 5, window_s=60)
    await bot.service.scheduler.tick()
    await answer_open_round(bot, "alice", True)
    reply = await bot.service.stop_session(CHANNEL, member("host"))
    assert reply.tone == "ok"
    [result] = bot.chat.of_type(m.SessionResult)
    assert plain.render(result) == "Session stopped: alice 1/1"


async def test_session_result_counts_only_its_own_rounds(bot):
    await bot.service.ask(CHANNEL, member("alice"))
    await answer_open_round(bot, "alice", True)
    await bot.service.close(CHANNEL, ADMIN)
    await play_session(bot, [{"bob": True}])
    [result] = bot.chat.of_type(m.SessionResult)
    assert [(s.name, s.correct) for s in result.scores] == [("bob", 1)]


async def test_two_stops_at_once_post_the_session_result_once(bot):
    await bot.service.start_session(CHANNEL, member("host"), 5, window_s=60)
    await bot.service.scheduler.tick()
    replies = await asyncio.gather(bot.service.stop_session(CHANNEL, member("host")),
                                   bot.service.stop_session(CHANNEL, ADMIN))
    assert sorted(r.tone for r in replies) == ["error", "ok"]
    assert len(bot.chat.of_type(m.SessionResult)) == 1
