"""The weekly digest: what it says about a known week, its commands, and its clock."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from bot.deck.library import DeckLibrary
from bot.deck.load import load_deck_text
from bot.quiz import messages as m
from bot.quiz.commands import handle
from bot.quiz.digest import week_of
from bot.quiz.digest_desk import LATE_LIMIT_S
from tests.helpers import ADMIN, CHANNEL, OTHER_CHANNEL, Clock, FakeChat, make_service, member

UTC = timezone.utc
WED_NOON = datetime(2026, 11, 18, 12, 0, tzinfo=UTC).timestamp()
DAY = 86400.0
FRI_1600 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC).timestamp()


async def scheduled_round(bot, at: float, answers: dict[str, bool]) -> str:
    """Let the daily schedule open its round at ``at``; each named member answers right or
    wrong; the round is revealed. Returns the card asked (``deck/card``)."""
    bot.clock.now = at
    await bot.service.scheduler.tick()
    round_id = await bot.service.open_round_id(CHANNEL)
    assert round_id is not None
    row = await bot.service.ctx.stores.rounds.get(round_id)
    for name, right in answers.items():
        bot.clock.advance(5)
        if row.question.kind == "choice":
            choice = row.question.correct if right else (row.question.correct + 1) % len(row.question.options)
            await bot.service.answer_choice(round_id, member(name), choice)
        else:
            await bot.service.answer_text(round_id, member(name), row.question.answer if right else "zzzz")
    await bot.service.close(CHANNEL, ADMIN)
    return f"{row.question.deck_id}/{row.question.card_id}"


async def known_week(bot) -> list[str]:
    """Wed, Thu and Fri of the week of Mon 16 Nov 2026, one scheduled round a day at 12:00 UTC:
    alice right every day; bob wrong, wrong, right; carol (from Thu) right, wrong."""
    bot.clock.now = WED_NOON - 3600
    assert (await bot.service.schedule_add(CHANNEL, ADMIN, "daily 12:00", "UTC", None, "10m")).tone == "ok"
    return [
        await scheduled_round(bot, WED_NOON, {"alice": True, "bob": False}),
        await scheduled_round(bot, WED_NOON + DAY, {"alice": True, "bob": False, "carol": True}),
        await scheduled_round(bot, WED_NOON + 2 * DAY, {"alice": True, "bob": True, "carol": False}),
    ]


async def digest_now(bot) -> m.WeeklyDigest:
    assert await bot.service.digest_now(CHANNEL, ADMIN) is None
    return bot.chat.of_type(m.WeeklyDigest)[-1]


def test_the_week_runs_monday_to_sunday_in_the_digests_zone():
    week = week_of(FRI_1600, __import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert week.days == ("Mon 16", "Tue 17", "Wed 18", "Thu 19", "Fri 20", "Sat 21", "Sun 22")
    assert datetime.fromtimestamp(week.start, UTC) == datetime(2026, 11, 15, 23, 0, tzinfo=UTC)
    assert week.end - week.start == 7 * DAY


async def test_digest_board_ranks_the_weeks_points_then_accuracy(bot):
    await known_week(bot)
    bot.clock.now = FRI_1600
    digest = await digest_now(bot)
    assert [(r.rank, r.name, r.points, r.correct, r.answered) for r in digest.board.rows] == [
        (1, "alice", 30, 3, 3), (2, "carol", 10, 1, 2), (3, "bob", 10, 1, 3)]
    assert digest.title == "Weekly digest: Mon 16 Nov - Sun 22 Nov 2026"


async def test_digest_chart_data_is_each_members_points_per_day(bot):
    await known_week(bot)
    bot.clock.now = FRI_1600
    digest = await digest_now(bot)
    assert [(w.name, w.daily) for w in digest.members] == [
        ("alice", (0, 0, 10, 10, 10, 0, 0)), ("carol", (0, 0, 0, 10, 0, 0, 0)), ("bob", (0, 0, 0, 0, 10, 0, 0))]
    assert digest.chart_png.startswith(b"\x89PNG\r\n\x1a\n")


def one_card_decks() -> DeckLibrary:
    """Three decks of one card each, so a test picks the card a round asks."""
    cards = {"nms": ("Non-maximum suppression", "Keeps the most confident box and drops overlapping ones."),
             "dropout": ("Dropout", "Randomly zeroes activations during training so no unit is relied on."),
             "adam": ("Adam", "An optimizer combining momentum with RMSprop, adaptive moment estimation.")}
    decks = [load_deck_text(f"deck: {card_id}\ntitle: Deck {card_id}\ncards:\n  - id: {card_id}\n"
                            f"    term: {term}\n    definition: {definition}\n", f"decks/{card_id}.yaml")[0]
             for card_id, (term, definition) in cards.items()]
    return DeckLibrary.from_decks(decks)


async def asked_round(service, clock, deck: str, answers: dict[str, bool]) -> None:
    assert await service.ask(CHANNEL, ADMIN, deck) is None
    round_id = await service.open_round_id(CHANNEL)
    row = await service.ctx.stores.rounds.get(round_id)
    for name, right in answers.items():
        clock.advance(5)
        await service.answer_text(round_id, member(name), row.question.answer if right else "zzzz")
    await service.close(CHANNEL, ADMIN)
    clock.advance(DAY)


async def test_hardest_card_is_the_lowest_share_right_with_its_definition(tmp_path):
    clock, chat = Clock(WED_NOON), FakeChat()
    service, db = await make_service(tmp_path / "quiz.db", clock, chat, library=one_card_decks())
    try:
        await asked_round(service, clock, "nms", {"ann": True, "bob": False})  # 50%
        await asked_round(service, clock, "dropout", {"ann": True, "bob": False, "cy": False})  # 33%
        await asked_round(service, clock, "adam", {"ann": False})  # 0% but of one answer
        clock.now = FRI_1600 + DAY
        assert await service.digest_now(CHANNEL, ADMIN) is None
        hardest = chat.of_type(m.WeeklyDigest)[-1].hardest
        assert (hardest.term, hardest.correct, hardest.answered, hardest.percent_right) == ("Adam", 0, 1, 0)
        assert hardest.definition == "An optimizer combining momentum with RMSprop, adaptive moment estimation."
        assert hardest.deck_title == "Deck adam"
    finally:
        await service.shutdown()
        await db.close()


async def test_hardest_card_tie_on_share_goes_to_the_card_more_members_missed(tmp_path):
    clock, chat = Clock(WED_NOON), FakeChat()
    service, db = await make_service(tmp_path / "quiz.db", clock, chat, library=one_card_decks())
    try:
        await asked_round(service, clock, "nms", {"ann": True, "bob": False})
        await asked_round(service, clock, "dropout", {"ann": True, "bob": False, "cy": True, "dee": False})
        clock.now = FRI_1600 + DAY
        assert await service.digest_now(CHANNEL, ADMIN) is None
        assert chat.of_type(m.WeeklyDigest)[-1].hardest.term == "Dropout"
    finally:
        await service.shutdown()
        await db.close()


async def test_digest_lists_running_streaks_longest_first(bot):
    await known_week(bot)
    bot.clock.now = FRI_1600
    digest = await digest_now(bot)
    assert [(s.name, s.current, s.best) for s in digest.streaks] == [("alice", 3, 3), ("bob", 1, 1)]


async def test_a_week_where_every_answer_was_right_has_no_hardest_card(bot):
    bot.clock.now = WED_NOON - 3600
    await bot.service.schedule_add(CHANNEL, ADMIN, "daily 12:00", "UTC", None, "10m")
    await scheduled_round(bot, WED_NOON, {"alice": True})
    bot.clock.now = FRI_1600
    assert (await digest_now(bot)).hardest is None


async def test_last_weeks_answers_are_not_in_this_weeks_digest(bot):
    await known_week(bot)
    bot.clock.now = FRI_1600 + 7 * DAY - 3 * DAY  # Tue 24 Nov: a new week, one round so far
    await scheduled_round(bot, WED_NOON + 6 * DAY, {"dave": True})
    digest = await digest_now(bot)
    assert [r.name for r in digest.board.rows] == ["dave"]
    assert digest.days[0] == "Mon 23"


async def test_digest_now_with_no_answers_this_week_says_so_and_posts_nothing(bot):
    reply = await bot.service.digest_now(CHANNEL, ADMIN)
    assert reply is not None and reply.tone == "error" and "nobody has answered" in reply.text
    assert bot.chat.of_type(m.WeeklyDigest) == []


async def test_digest_now_counts_the_week_in_the_zone_of_the_channels_digest(bot):
    await known_week(bot)  # answers Wed-Fri of the week of Mon 16 Nov, in UTC
    bot.clock.now = datetime(2026, 11, 22, 21, 0, tzinfo=UTC).timestamp()  # Sun in UTC: Mon 23 in Kiritimati
    assert await bot.service.digest_now(CHANNEL, ADMIN) is None  # no digest yet: the bot's zone, UTC
    assert bot.chat.of_type(m.WeeklyDigest)[-1].days[0] == "Mon 16"
    assert (await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "Pacific/Kiritimati")).tone == "ok"
    reply = await bot.service.digest_now(CHANNEL, ADMIN)  # the digest's week: Mon 23 Nov, nobody yet
    assert reply is not None and "nobody has answered" in reply.text


async def test_digest_add_list_and_remove_through_the_command_words(bot):
    bot.clock.now = WED_NOON
    [added] = await handle(bot.service, CHANNEL, ADMIN, "/quiz", 'digest add "fri 16:00" Europe/Berlin')
    assert added.tone == "ok" and "Digest #1" in added.text and "Fri 20 Nov 16:00 CET" in added.text
    [listing] = await handle(bot.service, CHANNEL, ADMIN, "/quiz", "schedule list")
    assert listing.lines == ("Digest #1 fri 16:00 (Europe/Berlin), next Fri 20 Nov 16:00 CET",)
    [removed] = await handle(bot.service, CHANNEL, ADMIN, "/quiz", "digest remove 1")
    assert removed.tone == "ok"
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM digests"))[0] == 0


async def test_digest_is_listed_after_the_channels_schedules(bot):
    await bot.service.schedule_add(CHANNEL, ADMIN, "daily 12:00", "UTC", None, "10m")
    await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "UTC")
    listing = await bot.service.schedule_list(CHANNEL)
    assert listing.lines[0].startswith("#1 daily 12:00 (UTC)")
    assert listing.lines[1].startswith("Digest #1 fri 16:00 (UTC)")


async def test_member_without_rights_cannot_add_post_or_remove_a_digest(bot):
    await known_week(bot)
    await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "UTC")
    mallory = member("mallory")
    replies = [await handle(bot.service, CHANNEL, mallory, "/quiz", text)
               for text in ('digest add "fri 17:00"', "digest now", "digest remove 1")]
    assert [r[0].tone for r in replies] == ["error"] * 3
    assert all("Only admins" in r[0].text for r in replies)
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM digests"))[0] == 1
    assert bot.chat.of_type(m.WeeklyDigest) == []


async def test_bad_digest_schedule_zone_or_extra_words_change_nothing(bot):
    for text in ('digest add "fri 25:00"', 'digest add "fri 16:00" Mars/Olympus',
                 'digest add "fri 16:00" UTC 10m', "digest add sometimes", "digest remove two", "digest fly"):
        [reply] = await handle(bot.service, CHANNEL, ADMIN, "/quiz", text)
        assert reply.tone == "error", text
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM digests"))[0] == 0


async def test_a_digest_is_removed_only_from_its_own_channel(bot):
    await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "UTC")
    assert (await bot.service.digest_remove(OTHER_CHANNEL, ADMIN, "1")).tone == "error"
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM digests"))[0] == 1


async def test_scheduled_digest_is_posted_at_its_slot_and_moves_to_next_week(bot):
    await known_week(bot)
    bot.clock.now = FRI_1600 - 600
    await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "UTC")
    bot.clock.now = FRI_1600
    await bot.service.scheduler.tick()
    assert len(bot.chat.of_type(m.WeeklyDigest)) == 1
    [row] = await bot.service.ctx.stores.digests.in_channel(await bot.service.ctx.channel_id(CHANNEL))
    assert row.next_run_at == FRI_1600 + 7 * DAY
    await bot.service.scheduler.tick()
    assert len(bot.chat.of_type(m.WeeklyDigest)) == 1


async def test_removing_a_posted_digest_removes_its_claimed_slots(bot):
    await known_week(bot)
    bot.clock.now = FRI_1600 - 600
    await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "UTC")
    bot.clock.now = FRI_1600
    await bot.service.scheduler.tick()
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM digest_slots"))[0] == 1
    assert (await bot.service.digest_remove(CHANNEL, ADMIN, "1")).tone == "ok"
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM digest_slots"))[0] == 0


async def test_the_clock_wakes_for_the_next_digest(bot):
    bot.clock.now = FRI_1600 - 600
    await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "UTC")
    assert await bot.service.scheduler.tick() == FRI_1600


async def test_scheduled_digest_of_a_week_nobody_answered_posts_nothing(bot):
    bot.clock.now = FRI_1600 - 600
    await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "UTC")
    bot.clock.now = FRI_1600
    await bot.service.scheduler.tick()
    assert bot.chat.of_type(m.WeeklyDigest) == []


async def test_digest_slot_missed_by_hours_while_down_is_skipped_not_posted_late(bot, caplog):
    await known_week(bot)
    bot.clock.now = FRI_1600 - 600
    await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "UTC")
    bot.clock.now = FRI_1600 + LATE_LIMIT_S + 60
    await bot.service.scheduler.tick()
    assert bot.chat.of_type(m.WeeklyDigest) == []
    assert "digest_skipped" in caplog.text
    [row] = await bot.service.ctx.stores.digests.in_channel(await bot.service.ctx.channel_id(CHANNEL))
    assert row.next_run_at == FRI_1600 + 7 * DAY


async def test_digest_slot_is_posted_once_by_two_processes_over_one_database(bot, tmp_path):
    await known_week(bot)
    bot.clock.now = FRI_1600 - 600
    await bot.service.digest_add(CHANNEL, ADMIN, "fri 16:00", "UTC")
    other_chat = FakeChat()
    other, other_db = await make_service(tmp_path / "quiz.db", bot.clock, other_chat)
    try:
        bot.clock.now = FRI_1600
        await asyncio.gather(bot.service.scheduler.tick(), other.scheduler.tick())
        posted = bot.chat.of_type(m.WeeklyDigest) + other_chat.of_type(m.WeeklyDigest)
        assert len(posted) == 1
        assert (await bot.db.fetchone("SELECT COUNT(*) FROM digest_slots"))[0] == 1
    finally:
        await other.shutdown()
        await other_db.close()


async def test_digest_now_tells_the_admin_why_a_failed_post_failed(bot):
    await known_week(bot)
    bot.chat.fail_posts, bot.chat.fail_reason = True, "invite me first"
    reply = await bot.service.digest_now(CHANNEL, ADMIN)
    assert reply is not None and reply.tone == "error" and reply.lines == ("invite me first",)


def test_digest_text_escapes_names_and_shows_board_card_and_streaks():
    from bot.chat import plain

    digest = m.WeeklyDigest(
        "Weekly digest: Mon 16 Nov - Sun 22 Nov 2026",
        m.Leaderboard("Leaderboard: this week in this channel", (m.LeaderboardRow(1, "**ann**", 20, 2, 2),)),
        m.HardestCard("Dropout", "Randomly zeroes **activations**.", "Demo Deck", 1, 3),
        (m.StreakLine("**ann**", 2, 4),), ("Mon 16",) * 7, ())
    text = plain.render(digest)
    assert "1. **ann**: 20 pts" in text
    assert "Hardest card: Dropout (1/3 right, 33%; Demo Deck)" in text
    assert "Randomly zeroes activations." in text
    assert "Streaks: **ann** 2 (best 4)" in text
