"""Leaderboards per channel, server, group and period; seasons; groups; stats."""

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bot.chat import plain
from bot.quiz import messages as m
from bot.quiz.commands import handle
from bot.quiz.ports import Member
from tests.helpers import ADMIN, CHANNEL, OTHER_CHANNEL, member


async def play(bot, channel, answers: dict[str, bool]):
    """One multiple-choice or text round where each named member answers right or wrong."""
    assert await bot.service.ask(channel, ADMIN) is None
    round_id = await bot.service.open_round_id(channel)
    row = await bot.service.ctx.stores.rounds.get(round_id)
    for name, right in answers.items():
        bot.clock.advance(1)
        if row.question.kind == "choice":
            choice = row.question.correct if right else (row.question.correct + 1) % len(row.question.options)
            await bot.service.answer_choice(round_id, member(name), choice)
        else:
            await bot.service.answer_text(round_id, member(name), row.question.answer if right else "zzzz")
    await bot.service.close(channel, ADMIN)
    bot.clock.advance(60)


def names(board) -> list[str]:
    assert isinstance(board, m.Leaderboard), board
    return [r.name for r in board.rows]


async def test_leaderboard_ranks_by_points(bot):
    await play(bot, CHANNEL, {"alice": True, "bob": False})
    await play(bot, CHANNEL, {"alice": True, "bob": True})
    board = await bot.service.leaderboard(CHANNEL, member("carol"))
    assert names(board) == ["alice", "bob"]
    assert [r.points for r in board.rows] == [20, 10]


async def test_tie_on_points_is_broken_by_accuracy(bot):
    await play(bot, CHANNEL, {"alice": True, "bob": True})
    await play(bot, CHANNEL, {"bob": False})
    board = await bot.service.leaderboard(CHANNEL, member("x"))
    assert names(board) == ["alice", "bob"]


async def test_tie_on_points_and_accuracy_goes_to_who_got_there_first(bot):
    await play(bot, CHANNEL, {"bob": True, "alice": True})
    board = await bot.service.leaderboard(CHANNEL, member("x"))
    assert names(board) == ["bob", "alice"]


async def test_channel_board_counts_only_that_channel_and_server_board_counts_all(bot):
    await play(bot, CHANNEL, {"alice": True})
    await play(bot, OTHER_CHANNEL, {"bob": True})
    await play(bot, OTHER_CHANNEL, {"bob": True})
    assert names(await bot.service.leaderboard(CHANNEL, member("x"))) == ["alice"]
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), where="server")) == ["bob", "alice"]


async def test_weekly_board_starts_empty_next_week_but_all_time_keeps_scores(bot):
    assert bot.service.ctx.settings.timezone == "UTC"
    await play(bot, CHANNEL, {"alice": True})
    played = datetime.fromtimestamp(bot.clock.now, timezone.utc)
    bot.clock.advance(8 * 24 * 3600)
    now = datetime.fromtimestamp(bot.clock.now, timezone.utc)
    same_month = (played.year, played.month) == (now.year, now.month)  # from 2026-11-18: yes, still November
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), "week")) == []
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), "all")) == ["alice"]
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), "month")) == (["alice"] if same_month else [])


async def test_points_are_counted_only_after_the_reveal(bot):
    assert await bot.service.ask(CHANNEL, ADMIN) is None
    round_id = await bot.service.open_round_id(CHANNEL)
    row = await bot.service.ctx.stores.rounds.get(round_id)
    await bot.service.answer_text(round_id, member("alice"), row.question.answer)
    assert names(await bot.service.leaderboard(CHANNEL, member("x"))) == []


async def test_group_board_shows_only_group_members(bot):
    assert (await bot.service.group(CHANNEL, member("alice"), "create", "Owls")).tone == "ok"
    assert (await bot.service.group(CHANNEL, member("carol"), "join", "owls")).tone == "ok"
    await play(bot, CHANNEL, {"alice": True, "bob": True, "carol": False})
    board = await bot.service.leaderboard(CHANNEL, member("x"), "all", group="owls")
    assert names(board) == ["alice", "carol"]


async def test_group_lifecycle_and_errors(bot):
    svc = bot.service
    assert (await svc.group(CHANNEL, member("a"), "create", "Owls")).tone == "ok"
    assert (await svc.group(CHANNEL, member("b"), "create", "owls")).tone == "error"
    assert (await svc.group(CHANNEL, member("b"), "join", "Nope")).tone == "error"
    assert (await svc.group(CHANNEL, member("b"), "join", "Owls")).tone == "ok"
    assert "already" in (await svc.group(CHANNEL, member("b"), "join", "Owls")).text
    assert (await svc.group(CHANNEL, member("b"), "leave", "Owls")).tone == "ok"
    listing = await svc.group(CHANNEL, member("b"), "list")
    assert listing.lines == ("Owls (1 member)",)
    assert (await svc.group(CHANNEL, member("b"), "delete", "Owls")).tone == "error"
    assert (await svc.group(CHANNEL, ADMIN, "delete", "Owls")).tone == "ok"
    assert "No study groups" in (await svc.group(CHANNEL, member("b"), "list")).text


@pytest.mark.parametrize("name", ["<!channel>", "@everyone", "[claim prize](https://evil.example)", "**bold**"])
async def test_group_name_that_could_ping_format_or_link_is_refused(bot, name):
    reply = await bot.service.group(CHANNEL, member("a"), "create", name)
    assert reply.tone == "error"
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM groups"))[0] == 0


async def test_new_season_starts_empty_and_old_season_stays_viewable(bot):
    await play(bot, CHANNEL, {"alice": True})
    assert (await bot.service.season(CHANNEL, member("bob"), "new")).tone == "error"
    assert "Season 2" in (await bot.service.season(CHANNEL, ADMIN, "new", confirm=True)).text
    await play(bot, CHANNEL, {"bob": True})
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), "season")) == ["bob"]
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), "season", season=1)) == ["alice"]
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), "all")) == ["alice", "bob"]


async def test_leaderboard_shows_your_own_rank_when_you_are_outside_the_top(bot):
    bot.service.ctx.settings = replace(bot.service.ctx.settings, leaderboard_size=1)
    await play(bot, CHANNEL, {"alice": True, "bob": False})
    board = await bot.service.leaderboard(CHANNEL, member("bob"))
    assert names(board) == ["alice"] and board.you is not None and board.you.rank == 2


async def test_stats_report_accuracy_streak_and_weakest_cards(bot):
    await play(bot, CHANNEL, {"alice": True})
    await play(bot, CHANNEL, {"alice": False})
    stats = await bot.service.stats(CHANNEL, member("alice"))
    assert (stats.answered, stats.correct, stats.points) == (2, 1, 10)
    assert len(stats.weakest_cards) == 1 and stats.weakest_cards[0][1:] == (0, 1)


async def test_leaderboard_command_parses_period_and_group(bot):
    await bot.service.group(CHANNEL, member("alice"), "create", "Night Owls")
    await play(bot, CHANNEL, {"alice": True, "bob": True})
    [board] = await handle(bot.service, CHANNEL, member("x"), "leaderboard", 'all group "Night Owls"')
    assert names(board) == ["alice"] and "all time" in board.title
    [bad] = await handle(bot.service, CHANNEL, member("x"), "leaderboard", "week group Nope")
    assert bad.tone == "error"


async def play_as(bot, channel, answers: list[tuple[Member, bool]]):
    """Like :func:`play`, for members whose display names may be the same."""
    assert await bot.service.ask(channel, ADMIN) is None
    round_id = await bot.service.open_round_id(channel)
    row = await bot.service.ctx.stores.rounds.get(round_id)
    for who, right in answers:
        bot.clock.advance(1)
        if row.question.kind == "choice":
            choice = row.question.correct if right else (row.question.correct + 1) % len(row.question.options)
            await bot.service.answer_choice(round_id, who, choice)
        else:
            await bot.service.answer_text(round_id, who, row.question.answer if right else "zzzz")
    await bot.service.close(channel, ADMIN)
    bot.clock.advance(60)


async def test_your_row_is_shown_even_when_someone_in_the_top_has_your_display_name(bot):
    bot.service.ctx.settings = replace(bot.service.ctx.settings, leaderboard_size=1)
    first, second = Member("test:W1:alex-1", "Alex"), Member("test:W1:alex-2", "Alex")
    await play_as(bot, CHANNEL, [(first, True), (second, False)])
    board = await bot.service.leaderboard(CHANNEL, second)
    assert names(board) == ["Alex"] and [r.points for r in board.rows] == [10]
    assert board.you is not None and (board.you.rank, board.you.points) == (2, 0)


async def test_no_your_row_when_you_are_already_in_the_top(bot):
    first, second = Member("test:W1:alex-1", "Alex"), Member("test:W1:alex-2", "Alex")
    await play_as(bot, CHANNEL, [(first, True), (second, False)])
    assert (await bot.service.leaderboard(CHANNEL, second)).you is None
    assert (await bot.service.leaderboard(CHANNEL, first)).you is None


async def test_group_board_gives_no_your_row_to_someone_outside_the_group(bot):
    bot.service.ctx.settings = replace(bot.service.ctx.settings, leaderboard_size=1)
    assert (await bot.service.group(CHANNEL, member("alice"), "create", "Owls")).tone == "ok"
    assert (await bot.service.group(CHANNEL, member("carol"), "join", "Owls")).tone == "ok"
    await play(bot, CHANNEL, {"alice": True, "bob": True, "carol": False})
    board = await bot.service.leaderboard(CHANNEL, member("bob"), "all", group="Owls")
    assert names(board) == ["alice"] and board.you is None
    mine = await bot.service.leaderboard(CHANNEL, member("carol"), "all", group="Owls")
    assert mine.you is not None and (mine.you.name, mine.you.rank) == ("carol", 2)


async def test_leaderboard_word_that_is_neither_a_period_nor_a_group_is_explained(bot):
    [reply] = await handle(bot.service, CHANNEL, member("x"), "leaderboard", "fortnight")
    assert reply.tone == "error" and "neither a period" in reply.text and "week, month, season, all" in reply.text
    [bare] = await handle(bot.service, CHANNEL, member("x"), "leaderboard", "group")
    assert bare.tone == "error" and "Which group?" in bare.text


async def test_leaderboard_takes_a_group_name_without_the_group_keyword(bot):
    await bot.service.group(CHANNEL, member("alice"), "create", "Owls")
    await play(bot, CHANNEL, {"alice": True, "bob": True})
    [board] = await handle(bot.service, CHANNEL, member("x"), "leaderboard", "all owls")
    assert names(board) == ["alice"]


async def test_new_season_without_confirm_says_what_happens_and_changes_nothing(bot):
    await play(bot, CHANNEL, {"alice": True})
    reply = await bot.service.season(CHANNEL, ADMIN, "new")
    assert reply.tone == "info"
    assert "ends season 1" in reply.text and "`/quiz season new confirm`" in reply.text
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), "season")) == ["alice"]
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM seasons"))[0] == 1


async def test_season_new_confirm_command_ends_the_season(bot):
    await play(bot, CHANNEL, {"alice": True})
    [asked] = await handle(bot.service, CHANNEL, ADMIN, "quiz", "season new")
    assert "Nothing has changed yet" in asked.text
    [done] = await handle(bot.service, CHANNEL, ADMIN, "quiz", "season new confirm")
    assert done.tone == "ok" and "Season 2 has started" in done.text
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), "season")) == []


async def test_season_new_with_a_word_other_than_confirm_is_refused(bot):
    [reply] = await handle(bot.service, CHANNEL, ADMIN, "quiz", "season new now")
    assert reply.tone == "error" and "/quiz season new confirm" in reply.text
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM seasons WHERE ended_at IS NOT NULL"))[0] == 0


async def test_non_admin_confirm_is_refused_and_the_season_goes_on(bot):
    await play(bot, CHANNEL, {"alice": True})
    reply = await bot.service.season(CHANNEL, member("bob"), "new", confirm=True)
    assert reply.tone == "error"
    assert names(await bot.service.leaderboard(CHANNEL, member("x"), "season")) == ["alice"]


async def test_leaderboard_accuracy_rounds_two_thirds_to_67_like_the_reveal(bot):
    for right in (True, True, False):
        await play(bot, CHANNEL, {"alice": right})
    board = await bot.service.leaderboard(CHANNEL, member("alice"))
    assert board.rows[0].accuracy_percent == 67
    assert "(2/3, 67%)" in plain.render(board)


async def test_a_season_number_beyond_any_season_is_no_season_not_an_error(bot):
    await play(bot, CHANNEL, {"alice": True})
    [reply] = await handle(bot.service, CHANNEL, member("x"), "/leaderboard", "season 99999999999999999999")
    assert reply == m.error("There is no season 99999999999999999999.")
