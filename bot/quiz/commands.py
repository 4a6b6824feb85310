"""Text commands (``/quiz ...``, ``/leaderboard ...``, ``/define ...``) to service calls.

Slack and the console receive a command as a line of text; this is the one
parser for both, so a command means the same everywhere. Discord's app
commands carry typed options and call the service directly.
"""

from __future__ import annotations

import shlex

from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, Member
from bot.quiz.schedule_spec import QUOTED_EXAMPLE, ScheduleError, looks_like_window, parse_window, read_add_words
from bot.quiz.service import QuizService
from bot.quiz.standings import PERIOD_WORDS

MAX_COMMAND_CHARS = 500

HELP = m.Notice("quizbot commands:", lines=(
    "/quiz now [deck] (or /quiz ask [deck]): post a question now",
    "/quiz start N [deck] [30s]: N questions back to back; /quiz stop ends it",
    "/quiz answers final|changeable: whether members may change their answer (admins)",
    "/quiz close: reveal the open question now (admins)",
    "/quiz schedule add weekdays 09:30 [Time/Zone] [deck,deck] [10m] (admins)",
    "/quiz schedule list (anyone) | /quiz schedule pause|resume|remove ID (admins)",
    "/quiz digest add \"fri 16:00\" [Time/Zone] | /quiz digest now | /quiz digest remove ID (admins)",
    "/quiz digest list: this channel's digests (anyone)",
    "/quiz group create|join|leave|list|delete NAME (delete: admins)",
    "/quiz stats: your answers, accuracy, streak and weakest cards",
    "/quiz review: your due cards, privately, most overdue first; /quiz review stop ends it",
    "/quiz hint: the first letters of a free-text answer (that answer then scores half)",
    "/quiz report [reason]: report the card of the last revealed question as wrong",
    "/quiz reports | /quiz reports resolve ID: open card reports (admins)",
    "/quiz season new|list: seasons (new: admins; asks you to confirm with /quiz season new confirm)",
    "/quiz misses [csv|yaml]: the cards you last answered wrong, as a file for you alone",
    "/quiz decks: the loaded decks",
    "/quiz web on|off|rotate: web pages of boards, decks and rounds (admins)",
    "/quiz web link|hide-me|show-me: their link; show you as (hidden) or by name again",
    "/leaderboard [week|month|season [N]|all] [server | group NAME]",
    "/define TERM: look a term up in every deck",
))


async def handle(service: QuizService, channel: ChannelRef, member: Member, command: str,
                 text: str) -> list[m.Message]:
    """Run one command; returns the replies meant for the caller only."""
    command = command.lstrip("/").lower()
    if len(text) > MAX_COMMAND_CHARS:
        return [m.error(f"That command is too long (at most {MAX_COMMAND_CHARS} characters).")]
    if command == "define":
        return [service.define(text)]
    first, _, rest = text.strip().partition(" ")
    if command == "quiz" and first.lower() == "report":  # a reason is prose: quotes and apostrophes as typed
        return [await service.report_last(channel, member, rest)]
    try:
        words = shlex.split(text)
    except ValueError:
        return [m.error("Unbalanced quotes in that command.")]
    if command == "leaderboard":
        return [await _leaderboard(service, channel, member, words)]
    if command != "quiz":
        return [m.error("Unknown command /{0}. Try /quiz help.", said=(command[:30],))]
    return [reply for reply in [await _quiz(service, channel, member, words)] if reply is not None]


async def _quiz(service: QuizService, channel: ChannelRef, member: Member, words: list[str]) -> m.Message | None:
    action, args = (words[0].lower(), words[1:]) if words else ("help", [])
    if action in {"now", "ask"}:
        return await service.ask(channel, member, args[0] if args else None)
    if action == "close":
        return await service.close(channel, member)
    if action == "start":
        if not args or not args[0].isdigit():
            return m.error("Usage: `/quiz start N [deck] [window]`, for example `/quiz start 5 dl-basics 30s`.")
        deck = window = None
        for word in args[1:]:
            if looks_like_window(word):
                window = word
            else:
                deck = word
        window_s = None
        if window:
            try:
                window_s = parse_window(window)
            except ScheduleError as exc:
                return m.error(str(exc))
        return await service.start_session(channel, member, int(args[0]), deck, window_s)
    if action == "answers":
        return await service.answer_mode(channel, member, args[0].lower() if args else "")
    if action == "stop":
        return await service.stop_session(channel, member)
    if action == "schedule":
        return await _schedule(service, channel, member, args)
    if action == "digest":
        return await service.digest(channel, member, args)
    if action == "group":
        if not args:
            return m.error("Usage: `/quiz group create|join|leave|list|delete NAME`.")
        return await service.group(channel, member, args[0].lower(), " ".join(args[1:]))
    if action == "stats":
        return await service.stats(channel, member)
    if action == "season":
        confirm = len(args) == 2 and args[1].lower() == "confirm"
        if len(args) > 2 or (len(args) == 2 and not confirm):
            return m.error("Use `/quiz season new`, `/quiz season new confirm` or `/quiz season list`.")
        return await service.season(channel, member, args[0].lower() if args else "list", confirm)
    if action == "hint":
        return await service.hint_in_channel(channel, member)
    if action == "review":
        if not args:
            return await service.review(member)
        if len(args) == 1 and args[0].lower() == "stop":
            return await service.review_stop(member)
        return m.error("Use `/quiz review` (your due cards) or `/quiz review stop`.")
    if action == "reports":
        if not args:
            return await service.reports(member)
        if args[0].lower() == "resolve" and len(args) == 2:
            return await service.resolve_report(member, args[1])
        return m.error("Use `/quiz reports` or `/quiz reports resolve ID`.")
    if action == "misses":
        if len(args) > 1:
            return m.error("Use `/quiz misses` (CSV for Anki and Quizlet) or `/quiz misses yaml` (a deck).")
        return await service.misses(member, args[0] if args else "csv")
    if action == "web":
        return await service.web(channel, member, args[0] if len(args) == 1 else "")
    if action == "decks":
        return service.decks()
    if action == "help":
        return HELP
    return m.error("Unknown subcommand {0}. Try `/quiz help`.", said=(repr(action[:30]),))


SCHEDULE_USAGE = ("Usage: `/quiz schedule add weekdays 09:30 [Time/Zone] [decks] [window]` "
                  f"(with quotes too: `{QUOTED_EXAMPLE}`), `/quiz schedule list`, "
                  "`/quiz schedule pause|resume|remove ID`.")


async def _schedule(service: QuizService, channel: ChannelRef, member: Member, args: list[str]) -> m.Notice:
    if not args or args[0].lower() == "list":
        return await service.schedule_list(channel)
    action, rest = args[0].lower(), args[1:]
    if action == "remove" and rest:
        return await service.schedule_remove(channel, member, rest[0])
    if action == "pause" and rest:
        return await service.schedule_pause(channel, member, rest[0])
    if action == "resume" and rest:
        return await service.schedule_resume(channel, member, rest[0])
    if action == "add" and rest:
        if not member.is_admin:  # the service refuses too; this keeps the refusal first
            return await service.schedule_add(channel, member, " ".join(rest))
        try:
            words = read_add_words(rest)
        except ScheduleError as exc:
            return m.error(str(exc))
        return await service.schedule_add(channel, member, words.spec, words.tz, words.decks, words.window)
    return m.error(SCHEDULE_USAGE)


async def _leaderboard(service: QuizService, channel: ChannelRef, member: Member, words: list[str]) -> m.Message:
    period, where, group, season = "week", "channel", None, None
    rest = list(words)
    if rest and rest[0].lower() in PERIOD_WORDS:
        period = PERIOD_WORDS[rest.pop(0).lower()]
        if period == "season" and rest and rest[0].isdigit():
            season = int(rest.pop(0))
    if rest and rest[0].lower() in {"server", "workspace", "guild"}:
        where = "server"
        rest.pop(0)
        if rest:
            return m.error("Usage: `/leaderboard [week|month|season [N]|all] [server | group NAME]`.")
    elif rest and rest[0].lower() == "group":
        if len(rest) == 1:
            return m.error("Which group? `/leaderboard [period] group NAME` (see `/quiz group list`).")
        group = " ".join(rest[1:])
    elif rest:
        group = " ".join(rest)
        if not await service.has_group(channel, group):
            return m.error("{0} is neither a period (week, month, season, all) nor a study group. "
                           "Usage: `/leaderboard [week|month|season [N]|all] [server | group NAME]`.",
                           said=(repr(group[:40]),))
    return await service.leaderboard(channel, member, period, where, group, season)
