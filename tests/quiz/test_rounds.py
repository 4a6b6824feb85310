"""A round: post, answer once, close, reveal, score."""

import asyncio

from bot.quiz import messages as m
from tests.helpers import ADMIN, CHANNEL, member


async def open_round(bot) -> m.QuestionCard:
    assert await bot.service.ask(CHANNEL, ADMIN) is None
    return bot.chat.of_type(m.QuestionCard)[-1]


async def test_quiz_now_posts_a_question_with_four_distinct_options(bot):
    card = await open_round(bot)
    if card.kind == "choice":
        assert len(card.options) == 4 and len(set(card.options)) == 4
    assert card.closes_at == bot.clock.now + bot.service.ctx.settings.answer_window_s


async def test_second_question_while_one_is_open_is_refused(bot):
    await open_round(bot)
    reply = await bot.service.ask(CHANNEL, ADMIN)
    assert reply is not None and reply.tone == "error"
    assert len(bot.chat.of_type(m.QuestionCard)) == 1


async def test_answer_reply_never_tells_correctness_before_close(bot):
    card = await open_round(bot)
    reply = await bot.service.answer_choice(card.round_id, member("alice"), 0) if card.kind == "choice" \
        else await bot.service.answer_text(card.round_id, member("alice"), "x")
    assert reply.tone == "ok"
    assert "right" not in reply.text.lower() and "wrong" not in reply.text.lower()


async def choice_round(bot) -> m.QuestionCard:
    for _ in range(10):
        card = await open_round(bot)
        if card.kind == "choice":
            return card
        await bot.service.close(CHANNEL, ADMIN)
    raise AssertionError("no multiple-choice round in 10 tries")


async def correct_index(bot, round_id: int) -> int:
    row = await bot.service.ctx.stores.rounds.get(round_id)
    assert row is not None and row.question.correct is not None
    return row.question.correct


async def test_second_answer_from_same_member_is_ignored(bot):
    card = await choice_round(bot)
    right = await correct_index(bot, card.round_id)
    first = await bot.service.answer_choice(card.round_id, member("alice"), (right + 1) % 4)
    second = await bot.service.answer_choice(card.round_id, member("alice"), right)
    assert first.tone == "ok" and "first answer counts" in second.text
    rows = await bot.db.fetchall("SELECT choice FROM answers WHERE round_id = ?", (card.round_id,))
    assert [r[0] for r in rows] == [(right + 1) % 4]


async def test_concurrent_double_click_is_stored_once(bot):
    card = await choice_round(bot)
    replies = await asyncio.gather(*[bot.service.answer_choice(card.round_id, member("bob"), 1) for _ in range(5)])
    assert sum(r.tone == "ok" for r in replies) == 1
    count = await bot.db.fetchone("SELECT COUNT(*) FROM answers WHERE round_id = ?", (card.round_id,))
    assert count[0] == 1


async def test_answer_after_close_is_refused_politely_and_changes_nothing(bot):
    card = await choice_round(bot)
    await bot.service.close(CHANNEL, ADMIN)
    reply = await bot.service.answer_choice(card.round_id, member("late"), 0)
    assert reply.tone == "error" and "closed" in reply.text
    count = await bot.db.fetchone("SELECT COUNT(*) FROM answers WHERE round_id = ?", (card.round_id,))
    assert count[0] == 0


async def test_answer_after_deadline_but_before_clock_closes_it_is_refused(bot):
    card = await choice_round(bot)
    bot.clock.advance(bot.service.ctx.settings.answer_window_s + 1)
    reply = await bot.service.answer_choice(card.round_id, member("late"), 0)
    assert "closed" in reply.text


async def test_option_out_of_range_is_refused(bot):
    card = await choice_round(bot)
    reply = await bot.service.answer_choice(card.round_id, member("alice"), 7)
    assert reply.tone == "error"


async def test_unknown_round_is_refused(bot):
    reply = await bot.service.answer_choice(999, member("alice"), 0)
    assert reply.tone == "error"


async def test_over_long_text_answer_is_refused(bot):
    await open_round(bot)
    reply = await bot.service.answer_in_channel(CHANNEL, member("alice"), "x" * 201)
    assert reply.tone == "error" and "200" in reply.text


async def test_reveal_names_answer_share_winners_and_leaderboard(bot):
    card = await choice_round(bot)
    right = await correct_index(bot, card.round_id)
    await bot.service.answer_choice(card.round_id, member("alice"), right)
    await bot.service.answer_choice(card.round_id, member("bob"), (right + 1) % 4)
    await bot.service.answer_choice(card.round_id, member("carol"), right)
    assert await bot.service.close(CHANNEL, ADMIN) is None
    reveal = bot.chat.of_type(m.Reveal)[-1]
    assert reveal.correct == right and reveal.answer == card.options[right]
    assert reveal.winners == ("alice", "carol")
    assert reveal.tally[right] == 2 and sum(reveal.tally) == 3
    assert reveal.explanation and reveal.source
    assert reveal.leaderboard is not None
    assert [r.name for r in reveal.leaderboard.rows][:2] == ["alice", "carol"]


async def test_reveal_edits_the_question_message_in_place(bot):
    await choice_round(bot)
    await bot.service.close(CHANNEL, ADMIN)
    ref, reveal = bot.chat.updates[-1]
    assert isinstance(reveal, m.Reveal) and ref.message_id == "msg-1"


async def test_reveal_is_posted_when_the_question_message_cannot_be_edited(bot):
    await choice_round(bot)
    bot.chat.fail_updates = True
    await bot.service.close(CHANNEL, ADMIN)
    assert isinstance(bot.chat.posts[-1][1], m.Reveal)


async def test_member_without_rights_cannot_close_a_round(bot):
    await open_round(bot)
    reply = await bot.service.close(CHANNEL, member("mallory"))
    assert reply is not None and reply.tone == "error" and "admin" in reply.text.lower()
    assert await bot.service.open_round_id(CHANNEL) is not None


async def test_clock_closes_round_at_its_deadline(bot):
    card = await open_round(bot)
    bot.clock.advance(bot.service.ctx.settings.answer_window_s)
    await bot.service.scheduler.tick()
    assert bot.chat.of_type(m.Reveal)[-1].round_id == card.round_id
    assert await bot.service.open_round_id(CHANNEL) is None


async def test_counter_refresh_is_throttled_not_one_edit_per_answer(bot):
    interval = bot.service.ctx.settings.counter_interval_s
    loop = asyncio.get_running_loop()
    card = await choice_round(bot)
    start = loop.time()
    for i in range(6):
        await bot.service.answer_choice(card.round_id, member(f"m{i}"), 0)
    counters: list[m.QuestionCard] = []
    for _ in range(200):  # until the refresh that shows all six (bounded; no timing is asserted)
        counters = [u for _, u in bot.chat.updates if isinstance(u, m.QuestionCard)]
        if counters and counters[-1].answered == 6:
            break
        await asyncio.sleep(interval)
    elapsed = loop.time() - start
    assert counters and counters[-1].answered == 6
    # At most one edit per interval, however slowly the answers arrived (a loaded machine).
    assert len(counters) <= 1 + elapsed / interval


async def test_letter_typed_in_channel_answers_choice_round(bot):
    card = await choice_round(bot)
    reply = await bot.service.answer_in_channel(CHANNEL, member("alice"), "b")
    assert "B" in reply.text
    row = await bot.db.fetchone("SELECT choice FROM answers WHERE round_id = ?", (card.round_id,))
    assert row[0] == 1


async def test_free_text_round_grades_typed_answer(bot):
    for _ in range(20):
        assert await bot.service.ask(CHANNEL, ADMIN, kind="text") is None
        card = bot.chat.of_type(m.QuestionCard)[-1]
        assert card.kind == "text"
        row = await bot.service.ctx.stores.rounds.get(card.round_id)
        await bot.service.answer_text(card.round_id, member("alice"), row.question.answer.upper())
        await bot.service.answer_text(card.round_id, member("bob"), "banana")
        await bot.service.close(CHANNEL, ADMIN)
        reveal = bot.chat.of_type(m.Reveal)[-1]
        assert reveal.winners == ("alice",)
        return


async def test_option_order_is_reproducible_with_the_same_seed(tmp_path):
    from tests.helpers import Clock, FakeChat, make_service

    cards = []
    for run in range(2):
        chat = FakeChat()
        service, db = await make_service(tmp_path / f"s{run}.db", Clock(), chat, seed=42)
        await service.ask(CHANNEL, ADMIN)
        cards.append(chat.of_type(m.QuestionCard)[0])
        await service.shutdown()
        await db.close()
    assert cards[0].prompt == cards[1].prompt and cards[0].options == cards[1].options


async def test_questions_do_not_repeat_until_the_deck_is_exhausted(bot):
    seen = []
    for _ in range(5):
        await bot.service.ask(CHANNEL, ADMIN)
        card = bot.chat.of_type(m.QuestionCard)[-1]
        row = await bot.service.ctx.stores.rounds.get(card.round_id)
        seen.append(row.question.card_id)
        await bot.service.close(CHANNEL, ADMIN)
        bot.clock.advance(60)
    assert len(set(seen)) == 5


async def test_unknown_deck_gets_clear_error_and_posts_nothing(bot):
    reply = await bot.service.ask(CHANNEL, ADMIN, deck="nope")
    assert reply is not None and "Unknown deck" in reply.text and "demo" in reply.text
    assert bot.chat.posts == []


async def test_failed_post_withdraws_the_round_and_tells_the_caller(bot, caplog):
    bot.chat.fail_posts = True
    reply = await bot.service.ask(CHANNEL, ADMIN)
    assert reply is not None and "could not be posted" in reply.text
    assert "post_failed" in caplog.text
    assert await bot.service.open_round_id(CHANNEL) is None
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM rounds"))[0] == 0


async def test_failed_post_reason_from_the_adapter_is_a_line_of_the_reply(bot):
    bot.chat.fail_posts = True
    bot.chat.fail_reason = "Invite me to this channel first."
    reply = await bot.service.ask(CHANNEL, ADMIN)
    assert reply is not None and reply.tone == "error"
    assert reply.lines == ("Invite me to this channel first.",)
    assert await bot.service.open_round_id(CHANNEL) is None


async def test_post_failing_unexpectedly_withdraws_the_round_without_a_reason(bot, caplog, monkeypatch):
    async def broken(channel, message):
        raise AttributeError("client not logged in yet")

    monkeypatch.setattr(bot.chat, "post", broken)
    reply = await bot.service.ask(CHANNEL, ADMIN)
    assert reply is not None and "could not be posted" in reply.text and reply.lines == ()
    assert "event=post_failed" in caplog.text and "error=unexpected" in caplog.text
    assert await bot.service.open_round_id(CHANNEL) is None


async def test_channel_set_to_changeable_keeps_the_last_answer_before_close(bot):
    assert (await bot.service.answer_mode(CHANNEL, member("bob"), "changeable")).tone == "error"
    assert (await bot.service.answer_mode(CHANNEL, ADMIN, "changeable")).tone == "ok"
    card = await choice_round(bot)
    first = await bot.service.answer_choice(card.round_id, member("alice"), 0)
    reply = await bot.service.answer_choice(card.round_id, member("alice"), 2)
    assert first.text.startswith("Answer recorded: A")
    assert "changed to C" in reply.text
    row = await bot.db.fetchone("SELECT choice FROM answers WHERE round_id = ?", (card.round_id,))
    assert row[0] == 2


async def test_reveal_counts_every_winner_but_names_only_the_first_twenty(bot):
    card = await choice_round(bot)
    right = await correct_index(bot, card.round_id)
    for i in range(23):
        await bot.service.answer_choice(card.round_id, member(f"m{i:02d}"), right)
    await bot.service.close(CHANNEL, ADMIN)
    reveal = bot.chat.of_type(m.Reveal)[-1]
    assert reveal.right == 23 and len(reveal.winners) == 20
    assert reveal.winners_text.endswith(" and 3 more")


async def test_channel_set_to_final_overrides_a_changeable_default(tmp_path):
    from bot.quiz.context import QuizSettings
    from tests.helpers import Clock, FakeChat, make_service

    chat = FakeChat()
    service, db = await make_service(tmp_path / "q.db", Clock(), chat, settings=QuizSettings(allow_change=True))
    assert (await service.answer_mode(CHANNEL, ADMIN, "final")).tone == "ok"
    assert await service.ask(CHANNEL, ADMIN, kind="choice") is None
    round_id = await service.open_round_id(CHANNEL)
    await service.answer_choice(round_id, member("alice"), 0)
    second = await service.answer_choice(round_id, member("alice"), 1)
    assert "first answer counts" in second.text
    await service.shutdown()
    await db.close()


async def test_typed_name_of_another_card_is_wrong_even_within_the_typo_budget(tmp_path):
    from bot.deck.library import DeckLibrary
    from bot.deck.load import load_deck_text
    from tests.helpers import Clock, FakeChat, make_service

    deck, _ = load_deck_text("""
deck: norms
title: Norms
cards:
  - id: batch-norm
    term: Batch norm
    definition: Normalizes each feature over the examples of a mini-batch during training.
  - id: patch-norm
    term: Patch norm
    definition: A made-up normalization over image patches, here only to sit one letter away.
""", "decks/norms.yaml")
    chat = FakeChat()
    service, db = await make_service(tmp_path / "q.db", Clock(), chat, library=DeckLibrary.from_decks([deck]))
    await service.ask(CHANNEL, ADMIN, kind="text")
    round_id = await service.open_round_id(CHANNEL)
    row = await service.ctx.stores.rounds.get(round_id)
    other = "patch norm" if row.question.card_id == "batch-norm" else "batch norm"
    await service.answer_text(round_id, member("alice"), other)
    await service.answer_text(round_id, member("bob"), row.question.answer.lower())
    await service.close(CHANNEL, ADMIN)
    assert chat.of_type(m.Reveal)[-1].winners == ("bob",)
    await service.shutdown()
    await db.close()


async def test_typed_answer_is_echoed_as_member_text_for_the_renderer_to_escape(bot):
    from bot.chat import plain
    from bot.chat.slack.render import literal, render

    assert await bot.service.ask(CHANNEL, ADMIN, kind="text") is None
    card = bot.chat.of_type(m.QuestionCard)[-1]
    typed = "*bold* <!channel> {0}"
    reply = await bot.service.answer_text(card.round_id, member("alice"), typed)
    assert reply.tone == "ok" and reply.said == (typed,)
    assert plain.render(reply).startswith(f"Answer recorded: {typed}. ")
    assert literal(typed) in render(reply).blocks[0]["text"]["text"]


async def test_unknown_deck_typed_by_a_member_is_echoed_as_member_text(bot):
    from bot.chat.slack.render import literal, render

    reply = await bot.service.ask(CHANNEL, ADMIN, "*x*")
    assert reply is not None and reply.tone == "error" and reply.said == ("'*x*'",)
    assert literal("'*x*'") in render(reply).blocks[0]["text"]["text"]
