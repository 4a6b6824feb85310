"""Leaderboards, personal stats, study groups and seasons."""

from __future__ import annotations

from collections import defaultdict

from bot.quiz import messages as m
from bot.quiz.context import Context
from bot.quiz.ports import ChannelRef, Member
from bot.quiz.scoring import month_key, week_key
from bot.store.errors import GroupExists
from bot.store.leaderboards import ScoreRow

PERIOD_WORDS = {
    "week": "week", "weekly": "week", "month": "month", "monthly": "month",
    "season": "season", "all": "all", "alltime": "all", "all-time": "all", "ever": "all",
}
_PERIOD_TITLES = {"week": "this week", "month": "this month", "season": "this season", "all": "all time"}
MAX_GROUP_NAME = 40
FORBIDDEN_IN_NAMES = "<>@#`*_~|[]()"
"""Characters that could ping, format or link when a group name is shown on any platform."""


def _rows(rows: list[ScoreRow], start: int = 1) -> tuple[m.LeaderboardRow, ...]:
    return tuple(m.LeaderboardRow(i, r.name, r.points, r.correct, r.answered)
                 for i, r in enumerate(rows, start))


MAX_SEASON = 2**63 - 1
"""The largest season number SQLite can hold; a larger typed one is simply no season."""


async def period_key(ctx: Context, workspace: str, period: str, season: int | None) -> str | None:
    """The stored key of ``period`` now (``season``: its number, None for the open one);
    None when there is no such season."""
    now = ctx.clock()
    if period == "week":
        return week_key(now, ctx.settings.tz)
    if period == "month":
        return month_key(now, ctx.settings.tz)
    if period == "season":
        if season is not None and season > MAX_SEASON:  # typed: SQLite cannot even look it up
            return None
        found = await ctx.stores.seasons.find(workspace, season)
        return f"season:{found[0]}" if found else None
    return "all"


async def channel_board(ctx: Context, channel_id: int, period: str, size: int) -> m.Leaderboard:
    """The top of one channel's board (used in every reveal)."""
    key = week_key(ctx.clock(), ctx.settings.tz) if period == "week" else "all"
    rows = await ctx.stores.leaderboards.top(f"channel:{channel_id}", key, size)
    return m.Leaderboard(f"Leaderboard: {_PERIOD_TITLES[period]} in this channel", _rows(rows))


async def leaderboard(ctx: Context, channel: ChannelRef, member: Member, period: str = "week",
                      where: str = "channel", group: str | None = None,
                      season: int | None = None) -> m.Message:
    """``/leaderboard [period] [server|group NAME]``."""
    if period not in _PERIOD_TITLES:
        return m.error(f"Unknown period {period!r}; use week, month, season or all.")
    group_id = None
    if group:
        found = await ctx.stores.groups.find(channel.workspace, group)
        if found is None:
            return m.error("No study group called {0}. See `/quiz group list`.", said=(repr(group[:40]),))
        group_id, where_title = found.id, f"in group {found.name}"
        scope = f"workspace:{channel.workspace}"
    elif where == "server":
        scope, where_title = f"workspace:{channel.workspace}", "on this server"
    else:
        scope, where_title = f"channel:{await ctx.channel_id(channel)}", "in this channel"
    key = await period_key(ctx, channel.workspace, period, season)
    season_label = f"season {season}" if season else _PERIOD_TITLES[period]
    title = f"Leaderboard: {season_label} {where_title}"
    if key is None:
        return m.error(f"There is no season {season}." if season else "No season has started yet.")
    rows = await ctx.stores.leaderboards.top(scope, key, ctx.settings.leaderboard_size, group_id)
    board = _rows(rows)
    you = None
    member_id = await ctx.stores.directory.member_id(member.key, member.name)
    in_top = any(r.member_id == member_id for r in rows)  # by id: two members may share a name
    outsider = group_id is not None and not await ctx.stores.groups.has_member(group_id, member_id)
    if not in_top and not outsider:
        mine = await ctx.stores.leaderboards.rank_of(scope, key, member_id, group_id)
        if mine:
            rank, row = mine
            you = m.LeaderboardRow(rank, row.name, row.points, row.correct, row.answered)
    return m.Leaderboard(title, board, you)


async def stats(ctx: Context, channel: ChannelRef, member: Member) -> m.Stats:
    """Answered count, accuracy, points, streak, weakest tags and cards of one member."""
    member_id = await ctx.stores.directory.member_id(member.key, member.name)
    past = await ctx.stores.answers.history(member_id, channel.workspace)
    by_tag: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_card: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    correct = points = 0
    for answer in past:
        ok, pts, question = answer.correct, answer.points, answer.question
        correct += int(ok)
        points += int(pts)
        deck = ctx.library.deck(question["deck_id"])
        card = deck.card(question["card_id"]) if deck else None
        name = card.term if card else question["answer"]
        for bucket in [by_card[name]] + [by_tag[t] for t in question.get("tags", [])]:
            bucket[0] += int(ok)
            bucket[1] += 1

    def weakest(table: dict[str, list[int]]) -> tuple[tuple[str, int, int], ...]:
        weak = [(k, v[0], v[1]) for k, v in table.items() if v[0] < v[1]]
        weak.sort(key=lambda t: (t[1] / t[2], -t[2], t[0]))
        return tuple(weak[:3])

    channel_id = await ctx.channel_id(channel)
    current, best = await ctx.stores.leaderboards.streak(channel_id, member_id)
    return m.Stats(member.name, len(past), correct, points, current, best, weakest(by_tag), weakest(by_card))


async def home(ctx: Context, workspace: str, member: Member, web_link: str | None = None) -> m.Home:
    """A member's App Home: this week's rank in the whole workspace, cards due for review."""
    member_id = await ctx.stores.directory.member_id(member.key, member.name)
    mine = await ctx.stores.leaderboards.rank_of(f"workspace:{workspace}", week_key(ctx.clock(), ctx.settings.tz),
                                                 member_id)
    rank = m.LeaderboardRow(mine[0], mine[1].name, mine[1].points, mine[1].correct, mine[1].answered) if mine else None
    due = await ctx.stores.reviews.due_count(member_id, ctx.clock(), ctx.library.card_keys)
    return m.Home(member.name, rank, due, web_link or None)


# -- groups ------------------------------------------------------------------


def _clean_group(name: str) -> str | None:
    name = " ".join(name.split())
    if not name or len(name) > MAX_GROUP_NAME or any(ch in name for ch in FORBIDDEN_IN_NAMES):
        return None
    return name


async def group_command(ctx: Context, channel: ChannelRef, member: Member, action: str,
                        name: str) -> m.Notice:
    """``/quiz group create|join|leave|list|delete [NAME]``."""
    groups = ctx.stores.groups
    if action == "list":
        found = await groups.list(channel.workspace)
        if not found:
            return m.Notice("No study groups yet. Start one with `/quiz group create NAME`.")
        return m.Notice("Study groups:", lines=tuple(
            f"{g.name} ({g.members} member{'s' if g.members != 1 else ''})" for g in found))
    if action not in {"create", "join", "leave", "delete"}:
        return m.error("Use `/quiz group create|join|leave|list|delete NAME`.")
    clean = _clean_group(name)
    if clean is None:
        return m.error(f"A group name is 1 to {MAX_GROUP_NAME} characters, without {{0}}", said=(FORBIDDEN_IN_NAMES,))
    member_id = await ctx.stores.directory.member_id(member.key, member.name)
    if action == "create":
        try:
            await groups.create(channel.workspace, clean, member_id)
        except GroupExists:
            return m.error(f"There is already a group called {clean!r}; join it with `/quiz group join {clean}`.")
        return m.ok(f"Created study group {clean!r}; you are its first member.")
    group = await groups.find(channel.workspace, clean)
    if group is None:
        return m.error(f"No study group called {clean!r}. See `/quiz group list`.")
    if action == "join":
        joined = await groups.join(group.id, member_id)
        return m.ok(f"You joined {group.name!r}.") if joined else m.Notice(f"You are already in {group.name!r}.")
    if action == "leave":
        left = await groups.leave(group.id, member_id)
        return m.ok(f"You left {group.name!r}.") if left else m.Notice(f"You are not in {group.name!r}.")
    if not member.is_admin:
        return m.error("Only admins can delete a study group.")
    await groups.delete(group.id)
    return m.ok(f"Deleted study group {group.name!r}.")


# -- sessions ----------------------------------------------------------------

MAX_SESSION_PLAYERS_SHOWN = 20


async def session_result(ctx: Context, session_id: int, asked: int, stopped: bool = False) -> m.SessionResult:
    """Each player's right answers out of the ``asked`` questions of a session, best first."""
    rows = await ctx.stores.sessions.scores(session_id)
    scores = tuple(m.SessionScore(name, correct) for name, correct, _ in rows[:MAX_SESSION_PLAYERS_SHOWN])
    return m.SessionResult(asked, scores, players=len(rows), stopped=stopped)


# -- seasons -----------------------------------------------------------------


SEASON_CONFIRM = "`/quiz season new confirm`"
"""How an admin confirms a new season (Discord's renderer names its own way)."""


async def season_command(ctx: Context, channel: ChannelRef, member: Member, action: str,
                         confirm: bool = False) -> m.Notice:
    """``/quiz season new|list``: an admin starts a new season; earlier ones stay viewable.

    Ending a season cannot be undone, so ``new`` without ``confirm`` changes nothing and
    says what would happen and how to confirm; only the confirming call ends the season.
    """
    if action == "new":
        if not member.is_admin:
            return m.error("Only admins can start a new season.")
        if not confirm:
            current = await ctx.stores.seasons.find(channel.workspace, None)
            number = current[1] if current else 1
            return m.Notice(
                f"This ends season {number} now and starts season {number + 1}: season leaderboards start "
                f"again from zero (week, month and all-time boards keep their points), and season {number} "
                f"stays viewable with `/leaderboard season {number}`. Nothing has changed yet; to go ahead: "
                f"{SEASON_CONFIRM}.")
        number = await ctx.stores.seasons.start_new(channel.workspace, ctx.clock())
        return m.ok(f"Season {number} has started. Earlier seasons stay viewable with "
                    f"`/leaderboard season {number - 1}`.")
    if action in {"list", ""}:
        seasons = await ctx.stores.seasons.all(channel.workspace)
        if not seasons:
            return m.Notice("Season 1 starts with the first question.")
        from bot.quiz.scoring import utc

        return m.Notice("Seasons:", lines=tuple(
            f"Season {n}: since {utc(start):%Y-%m-%d}" + (f" until {utc(end):%Y-%m-%d}" if end else " (current)")
            for n, start, end in seasons))
    return m.error("Use `/quiz season new` or `/quiz season list`.")
