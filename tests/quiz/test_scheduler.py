"""Durable schedules, deadlines and restarts: nothing is lost, no slot posts twice."""

import asyncio
from zoneinfo import ZoneInfo

import pytest

from bot.quiz import messages as m
from bot.quiz.schedule_spec import ScheduleError, latest_slot, next_slot, parse_spec, parse_tz, parse_window
from tests.helpers import ADMIN, CHANNEL, Clock, FakeChat, make_service, member
from tests.helpers import OTHER_CHANNEL as OTHER


@pytest.mark.parametrize(("spec", "cron"), [
    ("weekdays 09:30", "30 9 * * 1-5"), ("daily 7:05", "5 7 * * *"), ("mon,wed,fri 12:00", "0 12 * * 1,3,5"),
    ("weekends 10h00", "0 10 * * 6,0"), ("30 9 * * 1-5", "30 9 * * 1-5"), ("hourly", "0 * * * *"),
])
def test_plain_schedule_forms_become_cron(spec, cron):
    assert parse_spec(spec) == cron


@pytest.mark.parametrize("spec", ["", "sometimes", "61 9 * * *", "weekdays 25:00", "funday 09:00", "* * *"])
def test_bad_schedule_is_refused_with_a_hint(spec):
    with pytest.raises(ScheduleError, match=r"try|cron|unknown|empty"):
        parse_spec(spec)


def test_unknown_time_zone_is_refused():
    with pytest.raises(ScheduleError, match="IANA"):
        parse_tz("Mars/Olympus")


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("10m", 600), ("2h", 7200)])
def test_answer_window_forms(text, seconds):
    assert parse_window(text) == seconds


@pytest.mark.parametrize("text", ["5s", "3d", "soon", "25h"])
def test_bad_answer_window_is_refused(text):
    with pytest.raises(ScheduleError):
        parse_window(text)


def test_slot_time_follows_local_time_across_dst():
    berlin = ZoneInfo("Europe/Berlin")
    from datetime import datetime

    before = datetime(2026, 3, 27, 12, 0, tzinfo=berlin).timestamp()
    slots = [next_slot("30 9 * * *", berlin, before)]
    slots.append(next_slot("30 9 * * *", berlin, slots[0]))
    slots.append(next_slot("30 9 * * *", berlin, slots[1]))
    hours = [datetime.fromtimestamp(s, berlin).strftime("%H:%M") for s in slots]
    assert hours == ["09:30", "09:30", "09:30"]
    assert slots[1] - slots[0] == 23 * 3600  # the night the clocks go forward
    assert slots[2] - slots[1] == 24 * 3600


def test_latest_slot_includes_the_current_instant():
    utc = ZoneInfo("UTC")
    slot = next_slot("0 * * * *", utc, 1_795_000_000)
    assert latest_slot("0 * * * *", utc, slot) == slot


async def add_hourly(service, window="10m"):
    reply = await service.schedule_add(CHANNEL, ADMIN, "hourly", "UTC", None, window)
    assert reply.tone == "ok", reply.text
    rows = await service.ctx.stores.schedules.in_channel(await service.ctx.channel_id(CHANNEL))
    return rows[0]


async def test_member_without_rights_cannot_add_a_schedule(bot):
    reply = await bot.service.schedule_add(CHANNEL, member("mallory"), "hourly")
    assert reply.tone == "error"
    assert await bot.service.ctx.stores.schedules.in_channel(await bot.service.ctx.channel_id(CHANNEL)) == []


async def test_bad_schedule_changes_nothing(bot):
    reply = await bot.service.schedule_add(CHANNEL, ADMIN, "every now and then")
    assert reply.tone == "error"
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM schedules"))[0] == 0


async def test_schedule_posts_at_its_slot(bot):
    schedule = await add_hourly(bot.service)
    bot.clock.now = schedule.next_run_at
    await bot.service.scheduler.tick()
    assert len(bot.chat.of_type(m.QuestionCard)) == 1


async def test_schedule_list_and_remove(bot):
    schedule = await add_hourly(bot.service)
    listing = await bot.service.schedule_list(CHANNEL)
    assert f"#{schedule.id}" in listing.lines[0]
    assert (await bot.service.schedule_remove(CHANNEL, ADMIN, str(schedule.id))).tone == "ok"
    assert (await bot.service.schedule_remove(CHANNEL, ADMIN, str(schedule.id))).tone == "error"


async def test_slot_posts_exactly_once_across_a_restart(tmp_path):
    clock, chat = Clock(), FakeChat()
    service, db = await make_service(tmp_path / "q.db", clock, chat)
    schedule = await add_hourly(service)
    clock.now = schedule.next_run_at + 5
    await service.scheduler.tick()
    await service.shutdown()
    await db.close()
    service2, db2 = await make_service(tmp_path / "q.db", clock, chat)
    await service2.scheduler.tick()
    await service2.scheduler.tick()
    assert len(chat.of_type(m.QuestionCard)) == 1
    assert (await db2.fetchone("SELECT COUNT(*) FROM rounds"))[0] == 1
    await service2.shutdown()
    await db2.close()


async def test_slot_missed_while_down_is_posted_at_start_if_window_still_open(tmp_path):
    clock, chat = Clock(), FakeChat()
    service, db = await make_service(tmp_path / "q.db", clock, chat)
    schedule = await add_hourly(service, "10m")
    await service.shutdown()
    await db.close()
    clock.now = schedule.next_run_at + 120  # the bot was down over the slot
    service2, db2 = await make_service(tmp_path / "q.db", clock, chat)
    await service2.scheduler.tick()
    card = chat.of_type(m.QuestionCard)[-1]
    assert card.closes_at == schedule.next_run_at + 600
    await service2.shutdown()
    await db2.close()


async def test_slot_missed_past_its_window_is_skipped_and_logged(tmp_path, caplog):
    clock, chat = Clock(), FakeChat()
    service, db = await make_service(tmp_path / "q.db", clock, chat)
    schedule = await add_hourly(service, "10m")
    await service.shutdown()
    await db.close()
    clock.now = schedule.next_run_at + 1200
    service2, db2 = await make_service(tmp_path / "q.db", clock, chat)
    next_due = await service2.scheduler.tick()
    assert chat.of_type(m.QuestionCard) == []
    assert "slot_skipped" in caplog.text and "answer_window_passed" in caplog.text
    assert next_due == schedule.next_run_at + 3600
    await service2.shutdown()
    await db2.close()


async def test_round_open_at_shutdown_is_revealed_at_deadline_after_restart(tmp_path):
    clock, chat = Clock(), FakeChat()
    service, db = await make_service(tmp_path / "q.db", clock, chat)
    await service.ask(CHANNEL, ADMIN)
    card = chat.of_type(m.QuestionCard)[-1]
    await service.answer_in_channel(CHANNEL, member("alice"), "A" if card.kind == "choice" else "dropout")
    await service.shutdown()
    await db.close()
    service2, db2 = await make_service(tmp_path / "q.db", clock, chat)
    await service2.scheduler.tick()
    assert chat.of_type(m.Reveal) == []  # deadline not reached yet
    clock.now = card.closes_at + 3600  # long after: closed at once on the next tick
    await service2.scheduler.tick()
    reveal = chat.of_type(m.Reveal)[-1]
    assert reveal.round_id == card.round_id and reveal.answered == 1
    ref, _ = chat.updates[-1]
    assert ref.message_id == "msg-1"  # the original question message is edited
    await service2.shutdown()
    await db2.close()


async def test_daily_streak_counts_consecutive_scheduled_rounds_answered_right(bot):
    schedule = await add_hourly(bot.service)
    streaks = []
    for answer_right in (True, True, False, True):
        bot.clock.now = max(bot.clock.now, schedule.next_run_at)
        await bot.service.scheduler.tick()
        round_id = await bot.service.open_round_id(CHANNEL)
        row = await bot.service.ctx.stores.rounds.get(round_id)
        if row.question.kind == "choice":
            choice = row.question.correct if answer_right else (row.question.correct + 1) % 4
            await bot.service.answer_choice(round_id, member("alice"), choice)
        else:
            await bot.service.answer_text(round_id, member("alice"), row.question.answer if answer_right else "zzz")
        bot.clock.advance(600)
        await bot.service.scheduler.tick()
        stats = await bot.service.stats(CHANNEL, member("alice"))
        streaks.append((stats.streak, stats.best_streak))
        schedule = (await bot.service.ctx.stores.schedules.in_channel(row.channel_id))[0]
    assert streaks == [(1, 1), (2, 2), (0, 2), (1, 2)]


def test_daily_slot_is_not_repeated_when_clocks_fall_back():
    from datetime import datetime

    new_york = ZoneInfo("America/New_York")
    first = next_slot("30 1 * * *", new_york, datetime(2026, 10, 31, 12, 0, tzinfo=new_york).timestamp())
    second = next_slot("30 1 * * *", new_york, first)
    third = next_slot("30 1 * * *", new_york, first + 0.5)  # the clock ticks just after the first slot
    days = [datetime.fromtimestamp(s, new_york).strftime("%m-%d %H:%M") for s in (first, second, third)]
    assert days == ["11-01 01:30", "11-02 01:30", "11-02 01:30"]


async def test_slots_missed_while_down_are_counted_in_the_log(tmp_path, caplog):
    clock, chat = Clock(), FakeChat()
    service, db = await make_service(tmp_path / "q.db", clock, chat)
    schedule = await add_hourly(service, "10m")
    await service.shutdown()
    await db.close()
    clock.now = schedule.next_run_at + 3 * 3600 + 60  # three slots missed, the fourth still open
    service2, db2 = await make_service(tmp_path / "q.db", clock, chat)
    await service2.scheduler.tick()
    assert "slots=3 reason=bot_was_down" in caplog.text
    assert len(chat.of_type(m.QuestionCard)) == 1
    await service2.shutdown()
    await db2.close()


async def test_slot_is_posted_at_most_once_even_if_its_post_fails(bot):
    schedule = await add_hourly(bot.service)
    bot.chat.fail_posts = True
    bot.clock.now = schedule.next_run_at
    await bot.service.scheduler.tick()
    bot.chat.fail_posts = False
    await bot.service.scheduler.tick()
    assert bot.chat.of_type(m.QuestionCard) == []
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM rounds"))[0] == 0
    row = (await bot.service.ctx.stores.schedules.in_channel(schedule.channel_id))[0]
    assert row.next_run_at == schedule.next_run_at + 3600


async def test_round_inserted_but_never_posted_is_posted_after_a_restart(bot):
    from bot.quiz.selection import next_question

    channel_id = await bot.service.ctx.channel_id(CHANNEL)
    question = await next_question(bot.service.ctx, channel_id)
    async with bot.service.ctx.stores.transaction() as tx:  # the process stopped right after this commit
        await tx.rounds.insert(channel_id=channel_id, question=question, opened_at=bot.clock.now,
                              closes_at=bot.clock.now + 600, season_id=None)
    await bot.service.scheduler.tick()
    assert bot.chat.of_type(m.QuestionCard) == []  # may still be on its way from another process
    bot.clock.advance(31)
    await bot.service.scheduler.tick()
    card = bot.chat.of_type(m.QuestionCard)[-1]
    row = await bot.service.ctx.stores.rounds.get(card.round_id)
    assert row.message_id == "msg-1" and card.prompt == question.prompt


async def test_reveal_that_fails_is_retried_by_the_clock(bot):
    await bot.service.ask(CHANNEL, ADMIN)
    bot.chat.fail_updates = bot.chat.fail_posts = True
    await bot.service.close(CHANNEL, ADMIN)
    assert bot.chat.of_type(m.Reveal) == []
    bot.chat.fail_updates = bot.chat.fail_posts = False
    await bot.service.scheduler.tick()  # too early: the retry waits a little first
    assert bot.chat.of_type(m.Reveal) == []
    bot.clock.advance(31)
    next_due = await bot.service.scheduler.tick()
    assert len(bot.chat.of_type(m.Reveal)) == 1
    await bot.service.scheduler.tick()
    assert len(bot.chat.of_type(m.Reveal)) == 1 and next_due is None


@pytest.mark.tick_failures
async def test_a_step_that_keeps_failing_makes_the_clock_back_off(bot, monkeypatch):
    await bot.service.ask(CHANNEL, ADMIN)
    bot.clock.advance(601)

    async def broken(round_id):
        raise RuntimeError("corrupt row")

    calls = []

    async def broken_counted(round_id):
        calls.append(round_id)
        await broken(round_id)

    monkeypatch.setattr(bot.service.rounds, "close", broken_counted)
    stop = asyncio.Event()
    loop = asyncio.create_task(bot.service.run(stop))
    await asyncio.sleep(0.3)
    stop.set()
    await loop
    assert bot.service.scheduler.failed
    assert len(calls) == 1  # without the back-off the loop would retry it hundreds of times

def test_cron_that_never_happens_is_refused_with_a_clear_reason():
    with pytest.raises(ScheduleError, match="never happens"):
        parse_spec("0 0 31 2 *")


async def test_schedule_add_with_a_cron_that_never_happens_replies_an_error_and_stores_nothing(bot):
    reply = await bot.service.schedule_add(CHANNEL, ADMIN, "0 0 31 2 *", "UTC")
    assert reply.tone == "error" and "never happens" in reply.text
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM schedules"))[0] == 0


async def test_schedule_add_turns_a_croniter_failure_for_the_next_slot_into_an_error_reply(bot, monkeypatch):
    from croniter import CroniterBadDateError

    import bot.quiz.schedule_desk as desk_module

    def no_next_slot(*_args):
        raise CroniterBadDateError("failed to find next date")

    monkeypatch.setattr(desk_module, "next_slot", no_next_slot)
    reply = await bot.service.schedule_add(CHANNEL, ADMIN, "hourly", "UTC")
    assert reply.tone == "error" and "never happens" in reply.text
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM schedules"))[0] == 0


async def test_round_never_posted_before_its_deadline_is_withdrawn_not_revealed(bot):
    from bot.quiz.selection import next_question

    channel_id = await bot.service.ctx.channel_id(CHANNEL)
    question = await next_question(bot.service.ctx, channel_id)
    async with bot.service.ctx.stores.transaction() as tx:
        await tx.rounds.insert(channel_id=channel_id, question=question, opened_at=bot.clock.now,
                              closes_at=bot.clock.now + 60, season_id=None)
    bot.clock.advance(3600)  # the bot was down past the deadline
    await bot.service.scheduler.tick()
    assert bot.chat.posts == [] and bot.chat.updates == []
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM rounds"))[0] == 0


async def test_two_processes_on_one_database_post_a_slot_once_and_share_the_round(tmp_path):
    """Sharded Discord runs one service per process over one SQLite file."""
    clock = Clock()
    chat_a, chat_b = FakeChat(update_delay=0.05), FakeChat(update_delay=0.05)  # reveals take a while
    service_a, db_a = await make_service(tmp_path / "shared.db", clock, chat_a)
    service_b, db_b = await make_service(tmp_path / "shared.db", clock, chat_b)
    schedule = await add_hourly(service_a)
    clock.now = schedule.next_run_at + 1
    await asyncio.gather(service_a.scheduler.tick(), service_b.scheduler.tick())
    cards = chat_a.of_type(m.QuestionCard) + chat_b.of_type(m.QuestionCard)
    assert len(cards) == 1
    round_id = cards[0].round_id
    question = (await service_b.ctx.stores.rounds.get(round_id)).question
    right = "ABCD"[question.correct] if question.kind == "choice" else question.answer
    wrong = "ABCD"[(question.correct + 1) % 4] if question.kind == "choice" else "zzz"
    await service_a.answer_in_channel(CHANNEL, member("alice"), right)
    await service_b.answer_in_channel(CHANNEL, member("alice"), right)  # same member, other process
    await service_b.answer_in_channel(CHANNEL, member("bob"), wrong)
    clock.now = cards[0].closes_at
    await asyncio.gather(service_a.scheduler.tick(), service_b.scheduler.tick())
    reveals = chat_a.of_type(m.Reveal) + chat_b.of_type(m.Reveal)
    assert len(reveals) == 1 and reveals[0].answered == 2 and reveals[0].winners == ("alice",)
    for service, db in ((service_a, db_a), (service_b, db_b)):
        await service.shutdown()
        await db.close()


async def test_reveal_is_retried_through_a_long_outage(bot):
    await bot.service.ask(CHANNEL, ADMIN)
    bot.chat.fail_updates = bot.chat.fail_posts = True
    await bot.service.close(CHANNEL, ADMIN)
    for _ in range(12):  # about half an hour of failed attempts, each wait longer than the last
        due = await bot.service.scheduler.tick()
        assert due is not None
        bot.clock.now = due
    assert bot.chat.of_type(m.Reveal) == [] and bot.clock.now - 1_795_000_000.0 > 5 * 3600
    bot.chat.fail_updates = bot.chat.fail_posts = False  # the platform is back
    assert await bot.service.scheduler.tick() is None  # the attempt now due gets through
    assert len(bot.chat.of_type(m.Reveal)) == 1


async def test_close_and_clock_racing_send_one_reveal(bot):
    await bot.service.ask(CHANNEL, ADMIN)
    bot.chat.update_delay = 0.05
    bot.clock.advance(bot.service.ctx.settings.answer_window_s)
    await asyncio.gather(bot.service.close(CHANNEL, ADMIN), bot.service.scheduler.tick(),
                         bot.service.scheduler.tick())
    await bot.service.scheduler.tick()
    assert len(bot.chat.of_type(m.Reveal)) == 1


async def test_session_question_withdrawn_unseen_is_asked_again(bot):
    from bot.quiz.selection import next_question

    await bot.service.start_session(CHANNEL, member("alice"), 2, window_s=60)
    channel_id = await bot.service.ctx.channel_id(CHANNEL)
    session = await bot.service.ctx.stores.sessions.active(channel_id)
    question = await next_question(bot.service.ctx, channel_id)
    async with bot.service.ctx.stores.transaction() as tx:  # the process stopped between counting and posting
        assert await tx.sessions.count_question(session.id, 0)
        await tx.rounds.insert(channel_id=channel_id, question=question, opened_at=bot.clock.now,
                              closes_at=bot.clock.now + 60, season_id=None, session_id=session.id)
    bot.clock.advance(3600)
    await bot.service.scheduler.tick()
    cards = [c for c in bot.chat.of_type(m.QuestionCard) if c.answered == 0]
    assert [c.position for c in cards] == [(1, 2)]  # asked again, still the first of two


@pytest.mark.tick_failures
async def test_a_failing_round_does_not_delay_the_others(bot, monkeypatch):
    await bot.service.ask(CHANNEL, ADMIN)
    broken_id = await bot.service.open_round_id(CHANNEL)
    original = bot.service.rounds.close

    async def close(round_id):
        if round_id == broken_id:
            raise RuntimeError("corrupt row")
        return await original(round_id)

    monkeypatch.setattr(bot.service.rounds, "close", close)
    bot.clock.advance(bot.service.ctx.settings.answer_window_s)
    assert await bot.service.ask(OTHER, ADMIN) is None  # a healthy round elsewhere, due in 10 min
    due = await bot.service.scheduler.tick()
    assert due == bot.clock.now + 5  # the broken round waits its back-off
    bot.clock.now = due
    due = await bot.service.scheduler.tick()
    healthy = await bot.service.ctx.stores.rounds.get(await bot.service.open_round_id(OTHER))
    assert due == min(bot.clock.now + 5, healthy.closes_at)


async def test_clock_does_not_spin_while_a_slow_question_post_is_in_flight(bot):
    bot.chat.hold_posts = asyncio.Event()
    asking = asyncio.create_task(bot.service.ask(CHANNEL, ADMIN))
    await asyncio.sleep(0.05)  # the round is inserted, its post hangs
    bot.clock.advance(31)  # longer than the grace given to rounds left unposted
    due = await bot.service.scheduler.tick()
    assert due is None or due > bot.clock.now
    bot.chat.hold_posts.set()
    assert await asyncio.wait_for(asking, 5) is None
    assert len(bot.chat.of_type(m.QuestionCard)) == 1


async def test_answered_round_whose_message_id_was_lost_is_closed_and_revealed(bot):
    await bot.service.ask(CHANNEL, ADMIN)
    round_id = await bot.service.open_round_id(CHANNEL)
    await bot.service.answer_in_channel(CHANNEL, member("alice"), "A")
    await bot.db.execute("UPDATE rounds SET message_id = NULL WHERE id = ?", (round_id,))  # the id never got saved
    bot.clock.advance(bot.service.ctx.settings.answer_window_s + 60)
    await bot.service.scheduler.tick()
    reveal = bot.chat.of_type(m.Reveal)[-1]
    assert reveal.round_id == round_id and reveal.answered == 1
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM answers"))[0] == 1


async def test_reveal_without_a_lease_time_is_still_retried(bot):
    await bot.service.ask(CHANNEL, ADMIN)
    round_id = await bot.service.open_round_id(CHANNEL)
    bot.chat.fail_updates = bot.chat.fail_posts = True
    await bot.service.close(CHANNEL, ADMIN)
    bot.chat.fail_updates = bot.chat.fail_posts = False
    # as an older version of the bot, sharing the database, would have left it
    await bot.db.execute("UPDATE rounds SET reveal_next_at = NULL WHERE id = ?", (round_id,))
    await bot.service.scheduler.tick()
    assert len(bot.chat.of_type(m.Reveal)) == 1
