"""Schedules as people type them: unquoted forms, hints that show the quoted form, the list
in the words given (zone, minutes, next time with its zone), pause and resume."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.quiz import messages as m
from bot.quiz.commands import handle
from bot.quiz.schedule_spec import ScheduleError, read_add_words
from tests.helpers import ADMIN, CHANNEL, member

BERLIN = ZoneInfo("Europe/Berlin")


async def say(bot, text: str, who=ADMIN) -> m.Notice:  # type: ignore[no-untyped-def]
    replies = await handle(bot.service, CHANNEL, who, "/quiz", text)
    assert len(replies) == 1 and isinstance(replies[0], m.Notice)
    return replies[0]


async def schedules(bot):  # type: ignore[no-untyped-def]
    return await bot.service.ctx.stores.schedules.in_channel(await bot.service.ctx.channel_id(CHANNEL))


@pytest.mark.parametrize(("words", "spec", "tz", "decks", "window"), [
    ("daily 07:00", "daily 07:00", None, None, None),
    ("daily 07:00 Europe/Berlin", "daily 07:00", "Europe/Berlin", None, None),
    ("weekdays 09:30 Europe/Berlin dl-flashcards 10m", "weekdays 09:30", "Europe/Berlin", "dl-flashcards", "10m"),
    ("mon,wed 12:00", "mon,wed 12:00", None, None, None),
    ("30 9 * * 1-5", "30 9 * * 1-5", None, None, None),
    ("*/15 * * * * UTC 2h", "*/15 * * * *", "UTC", None, "2h"),
    ("hourly demo 90s", "hourly", None, "demo", "90s"),
    ("10m demo UTC weekends-only", None, None, None, None),
])
def test_unquoted_schedule_words_split_into_schedule_zone_decks_and_window(words, spec, tz, decks, window):
    if spec is None:
        with pytest.raises(ScheduleError):
            read_add_words(words.split())
        return
    read = read_add_words(words.split())
    assert (read.spec, read.tz, read.decks, read.window) == (spec, tz, decks, window)


def test_quoted_schedule_is_taken_whole():
    read = read_add_words(["weekdays 09:30", "Europe/Berlin"])
    assert (read.spec, read.tz) == ("weekdays 09:30", "Europe/Berlin")


def test_cron_followed_by_a_bare_number_is_ambiguous_and_refused_with_the_quoted_form():
    with pytest.raises(ScheduleError, match=r'"30 9 \* \* 1-5" UTC 10m'):
        read_add_words(["30", "9", "*", "*", "1-5", "10"])


async def test_unquoted_daily_schedule_is_added(bot):
    reply = await say(bot, "schedule add daily 07:00 Europe/Berlin")
    assert reply.tone == "ok", reply.text
    [row] = await schedules(bot)
    assert (row.cron, row.tz, row.spec) == ("0 7 * * *", "Europe/Berlin", "daily 07:00")


async def test_unquoted_schedule_with_zone_deck_and_window_is_added(bot):
    reply = await say(bot, "schedule add weekdays 09:30 Europe/Berlin demo 10m")
    assert reply.tone == "ok", reply.text
    [row] = await schedules(bot)
    assert (row.cron, row.tz, row.decks, row.window_s) == ("30 9 * * 1-5", "Europe/Berlin", ("demo",), 600)


async def test_unquoted_cron_line_is_added(bot):
    reply = await say(bot, "schedule add 30 9 * * 1-5 UTC")
    assert reply.tone == "ok", reply.text
    [row] = await schedules(bot)
    assert (row.cron, row.spec) == ("30 9 * * 1-5", "30 9 * * 1-5")


async def test_unreadable_schedule_hint_shows_the_quoted_form_and_nothing_is_stored(bot):
    reply = await say(bot, "schedule add every morning Europe/Berlin")
    assert reply.tone == "error"
    assert '"weekdays 09:30"' in reply.text
    assert await schedules(bot) == []


async def test_member_typing_an_unquoted_schedule_is_refused_as_not_admin(bot):
    reply = await say(bot, "schedule add daily 07:00", who=member("mallory"))
    assert reply.tone == "error" and "Only admins" in reply.text
    assert await schedules(bot) == []


async def test_list_shows_the_words_given_zone_window_in_minutes_and_next_time_with_its_zone(bot):
    bot.clock.now = datetime(2026, 12, 4, 18, 0, tzinfo=BERLIN).timestamp()  # a Friday evening
    await say(bot, "schedule add weekdays 09:30 Europe/Berlin 10m")
    listing = await say(bot, "schedule list")
    [row] = await schedules(bot)
    assert listing.lines == (
        f"#{row.id} weekdays 09:30 (Europe/Berlin), decks: all, window 10 min, next Mon 7 Dec 09:30 CET",)


async def test_pause_stops_the_schedule_posting_and_the_list_says_paused(bot):
    await say(bot, "schedule add hourly UTC")
    [row] = await schedules(bot)
    assert (await say(bot, f"schedule pause {row.id}")).tone == "ok"
    bot.clock.now = row.next_run_at
    await bot.service.scheduler.tick()
    assert bot.chat.of_type(m.QuestionCard) == []
    assert "paused" in (await say(bot, "schedule list")).lines[0]


async def test_resume_starts_at_the_next_future_slot_and_missed_slots_are_not_posted(bot):
    await say(bot, "schedule add hourly UTC")
    [row] = await schedules(bot)
    await say(bot, f"schedule pause {row.id}")
    bot.clock.now = row.next_run_at + 3 * 3600 + 60  # three slots pass while paused
    assert (await say(bot, f"schedule resume {row.id}")).tone == "ok"
    await bot.service.scheduler.tick()
    assert bot.chat.of_type(m.QuestionCard) == []
    [resumed] = await schedules(bot)
    assert resumed.next_run_at == row.next_run_at + 4 * 3600 and not resumed.paused
    bot.clock.now = resumed.next_run_at
    await bot.service.scheduler.tick()
    assert len(bot.chat.of_type(m.QuestionCard)) == 1


async def test_pause_and_resume_need_an_admin_and_change_nothing_otherwise(bot):
    await say(bot, "schedule add hourly UTC")
    [row] = await schedules(bot)
    reply = await say(bot, f"schedule pause {row.id}", who=member("mallory"))
    assert reply.tone == "error" and "Only admins" in reply.text
    assert not (await schedules(bot))[0].paused


async def test_pausing_twice_and_resuming_a_running_schedule_are_refused(bot):
    await say(bot, "schedule add hourly UTC")
    [row] = await schedules(bot)
    assert (await say(bot, f"schedule resume {row.id}")).tone == "error"
    await say(bot, f"schedule pause {row.id}")
    assert (await say(bot, f"schedule pause {row.id}")).tone == "error"


async def test_pause_of_an_unknown_schedule_is_refused(bot):
    reply = await say(bot, "schedule pause 42")
    assert reply.tone == "error" and "No schedule #42" in reply.text


async def test_a_schedule_id_too_large_or_not_ascii_is_refused_with_usage_and_changes_nothing(bot):
    for action in ("remove", "pause", "resume"):
        for typed in ("99999999999999999999", "²", "#3x"):
            method = getattr(bot.service, f"schedule_{action}")
            reply = await method(CHANNEL, ADMIN, typed)
            assert reply.text.startswith("Usage: `/quiz schedule"), (action, typed, reply.text)
