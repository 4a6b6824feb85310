"""Score rows of closed weeks and months are pruned; every board a member can ask for stays whole."""

import random
from collections import defaultdict
from datetime import datetime, timezone

from bot.quiz.scoring import month_key, oldest_kept_periods, period_keys, week_key
from bot.store.score_keys import MONTH, WEEK, period_code
from tests.helpers import ADMIN, CHANNEL, OTHER_CHANNEL, member

PLAYERS = ["alice", "bob", "carol", "dan", "erin", "frank"]


async def play(bot, channel, answers: dict[str, bool]) -> None:
    """One round where each named member answers right or wrong, then its close."""
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


async def boards_from_answers(bot) -> dict[tuple[str, str], dict[int, tuple[int, int, int]]]:
    """Every board summed straight from the stored answers of closed rounds:
    (scope, period) -> member -> (points, correct, answered)."""
    rows = await bot.db.fetchall(
        "SELECT a.member_id, a.points, a.correct, r.opened_at, r.season_id, r.channel_id, c.workspace "
        "FROM answers a JOIN rounds r ON r.id = a.round_id JOIN channels c ON c.id = r.channel_id "
        "WHERE r.closed_at IS NOT NULL")
    boards: dict[tuple[str, str], dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for member_id, points, correct, opened_at, season_id, channel_id, workspace in rows:
        for scope in (f"channel:{channel_id}", f"workspace:{workspace}"):
            for period in period_keys(opened_at, bot.service.ctx.settings.tz, season_id):
                sums = boards[(scope, period)][member_id]
                sums[0] += points
                sums[1] += correct
                sums[2] += 1
    return {key: {m: (p, c, n) for m, (p, c, n) in board.items()} for key, board in boards.items()}


async def viewable(bot) -> list[tuple[str, str]]:
    """Every (scope, period) `/leaderboard` can show now: this week, this month, each season, all
    time; in each channel and on the server (a group board filters the server's rows)."""
    ctx = bot.service.ctx
    now = ctx.clock()
    seasons = [await ctx.stores.seasons.find(CHANNEL.workspace, n) for n, _, _ in
               await ctx.stores.seasons.all(CHANNEL.workspace)]
    periods = [week_key(now, ctx.settings.tz), month_key(now, ctx.settings.tz), "all"]
    periods += [f"season:{found[0]}" for found in seasons if found]
    scopes = [f"channel:{await ctx.channel_id(c)}" for c in (CHANNEL, OTHER_CHANNEL)]
    scopes.append(f"workspace:{CHANNEL.workspace}")
    return [(scope, period) for scope in scopes for period in periods]


async def test_every_viewable_board_stays_whole_while_closed_periods_are_pruned(bot):
    rng = random.Random(3)
    ctx = bot.service.ctx
    ids = {name: await ctx.stores.directory.member_id(member(name).key, name) for name in PLAYERS}
    group = await ctx.stores.groups.create(CHANNEL.workspace, "owls", ids["alice"])
    for name in ("bob", "erin"):
        await ctx.stores.groups.join(group.id, ids[name])
    weeks_played = set()
    for step in range(70):  # about ten weeks, over a month and a year boundary
        bot.clock.advance(rng.uniform(14, 30) * 3600)
        if step in (25, 50):
            await bot.service.season(CHANNEL, ADMIN, "new", confirm=True)
        players = rng.sample(PLAYERS, rng.randint(1, 4))
        await play(bot, rng.choice([CHANNEL, OTHER_CHANNEL]), {p: rng.random() < 0.6 for p in players})
        weeks_played.add(week_key(bot.clock.now, ctx.settings.tz))
        expected = await boards_from_answers(bot)
        for scope, period in await viewable(bot):
            for group_id in (None, group.id):
                rows = await ctx.stores.leaderboards.top(scope, period, 1000, group_id)
                got = {r.member_id: (r.points, r.correct, r.answered) for r in rows}
                want = expected.get((scope, period), {})
                if group_id is not None:
                    want = {m: v for m, v in want.items() if m in {ids["alice"], ids["bob"], ids["erin"]}}
                assert got == want, (step, scope, period, group_id)
    assert len(weeks_played) >= 9
    kept = await bot.db.fetchall("SELECT DISTINCT kind, period FROM scores WHERE kind IN (?, ?)", (WEEK, MONTH))
    oldest_week, oldest_month = (period_code(k) for k in oldest_kept_periods(bot.clock.now, ctx.settings.tz))
    assert kept and all((kind, number) >= (oldest_week if kind == WEEK else oldest_month) for kind, number in kept)
    assert len([k for k in kept if k[0] == WEEK]) <= 2 and len([k for k in kept if k[0] == MONTH]) <= 2


async def test_a_round_opened_last_week_and_closed_this_week_keeps_its_rows_in_last_week(bot):
    sunday_late = datetime(2026, 11, 22, 23, 55, tzinfo=timezone.utc).timestamp()
    bot.clock.advance(sunday_late - bot.clock.now)
    assert await bot.service.ask(CHANNEL, ADMIN) is None
    round_id = await bot.service.open_round_id(CHANNEL)
    row = await bot.service.ctx.stores.rounds.get(round_id)
    await bot.service.answer_choice(round_id, member("alice"), row.question.correct)
    bot.clock.advance(10 * 60)  # Monday 00:05: the next ISO week
    await bot.service.close(CHANNEL, ADMIN)
    scope = f"channel:{await bot.service.ctx.channel_id(CHANNEL)}"
    last_week = await bot.service.ctx.stores.leaderboards.top(scope, "week:2026-W47")
    this_week = await bot.service.ctx.stores.leaderboards.top(scope, "week:2026-W48")
    assert [r.name for r in last_week] == ["alice"] and this_week == []


async def test_all_time_and_season_rows_outlive_their_weeks_and_months(bot):
    await play(bot, CHANNEL, {"alice": True})
    bot.clock.advance(100 * 24 * 3600)
    await play(bot, CHANNEL, {"bob": True})
    kinds = {tuple(r) for r in await bot.db.fetchall(
        "SELECT s.kind, m.name FROM scores s JOIN members m ON m.id = s.member_id")}
    alice = {kind for kind, name in kinds if name == "alice"}
    bob = {kind for kind, name in kinds if name == "bob"}
    assert alice == {period_code("all").kind, period_code("season:1").kind}
    assert bob == alice | {WEEK, MONTH}
