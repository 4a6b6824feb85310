"""QuizService: the one door into the core.

Adapters call these methods with neutral values (:class:`Member`,
:class:`ChannelRef`, the chosen option, the typed text) and render what comes
back to the caller alone (ephemeral in Slack and Discord). What the whole
channel sees (questions, reveals) goes out through the :class:`Chat` port.

Every method answers bad input with a :class:`Notice` of tone ``error`` and
changes nothing; none raises for anything a member can type.
"""

from __future__ import annotations

import asyncio
import time

from bot.deck.glossary import Lookup, QueryTooLong
from bot.deck.library import DeckLibrary
from bot.quiz import messages as m
from bot.quiz import reports, standings, web
from bot.quiz.context import Context
from bot.quiz.digest_desk import DigestDesk
from bot.quiz.hints import give_hint
from bot.quiz.misses_reply import misses_file
from bot.quiz.ports import ChannelRef, Chat, ChatError, Member
from bot.quiz.review_session import ReviewSessions
from bot.quiz.rounds import Opening, PostFailed, RoundKeeper
from bot.quiz.schedule_desk import ScheduleDesk
from bot.quiz.schedule_spec import (
    ScheduleError,
)
from bot.quiz.scheduler import Scheduler
from bot.quiz.selection import next_question
from bot.store.errors import ChannelBusy, SessionRunning

ADMIN_ONLY = m.ADMIN_ONLY


class QuizService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rounds = RoundKeeper(ctx)
        self.scheduler = Scheduler(ctx, self.rounds)
        ctx.on_change = self.scheduler.poke
        self.digests = DigestDesk(ctx, self.scheduler.poke)
        self.schedules = ScheduleDesk(ctx, self.scheduler, self._decks, self.digests.lines)
        self.reviews = ReviewSessions(ctx)
        """Private reviews (``/quiz review``): ``start``, ``answer``, ``hint``, ``stop``."""
        self.deliveries = ctx.stores.deliveries(clock=ctx.clock)
        """Platform deliveries already applied (adapters claim retried requests here)."""

    # -- wiring -----------------------------------------------------------------

    def attach(self, chat: Chat) -> None:
        """Register an adapter as the way out for its platform's channels."""
        self.ctx.chats[chat.platform] = chat

    @property
    def library(self) -> DeckLibrary:
        return self.ctx.library

    @property
    def max_answer_chars(self) -> int:
        """The longest typed answer accepted (adapters size their text boxes by it)."""
        return self.ctx.settings.max_answer_chars

    async def rename_member(self, member: Member) -> None:
        """Record a member's current display name (shown on leaderboards and reveals). Written
        with the answers' next group commit, so a burst of renames after a burst of first
        answers costs no commits of its own; returns once committed."""
        await self.ctx.stores.answers.rename(member.key, member.name)

    def set_library(self, library: DeckLibrary) -> None:
        """Swap in reloaded decks; open rounds keep their own copy of their question."""
        self.ctx.library = library

    async def run(self, stop: asyncio.Event) -> None:
        """Run the clock (deadlines, schedules, sessions) until ``stop`` is set."""
        await self.scheduler.run(stop)

    async def shutdown(self) -> None:
        """Stop taking answers, commit the ones already acknowledged, drop pending
        "N answered" refreshes (the adapters are going away)."""
        await self.ctx.stores.answers.close()
        await self.rounds.stop_refreshes()

    async def workspace_gone(self, workspace: str) -> int:
        """The bot was removed from ``workspace`` (uninstalled, tokens revoked): pause its
        schedules so the clock stops posting there. Returns how many were paused."""
        return await self.schedules.pause_workspace(workspace)

    # -- /define ------------------------------------------------------------------

    def define(self, query: str) -> m.Definition | m.DidYouMean | m.Notice:
        query = " ".join(query.split())
        if not query:
            return m.error("Usage: `/define TERM`, for example `/define NMS`.")
        started = time.perf_counter()
        try:
            result = self.library.glossary.lookup(query)
        except QueryTooLong as exc:
            return m.error(f"That is too long to look up: {exc}.")
        self.ctx.metrics.define_lookup(time.perf_counter() - started, result.match is not None)
        return self._definition(result)

    def define_card(self, deck_id: str, card_id: str) -> m.Definition | m.Notice:
        """The card behind a "did you mean" button."""
        entry = self.library.glossary.entry(deck_id, card_id)
        if entry is None:
            return m.error("That card is no longer in the decks.")
        result = Lookup(entry.card.term, entry, "exact")
        definition = self._definition(result)
        assert isinstance(definition, m.Definition)
        return definition

    def _definition(self, result: Lookup) -> m.Definition | m.DidYouMean:
        refs = tuple(m.CardRef(s.term, s.deck_id, s.card_id) for s in result.suggestions)
        if result.match is None:
            return m.DidYouMean(result.query, refs)
        card, deck = result.match.card, result.match.deck
        return m.Definition(
            query=result.query, term=card.term, aliases=card.aliases, definition=card.definition,
            deck_id=deck.id, deck_title=deck.title, card_id=card.id,
            source=card.source_text(deck.source), links=card.links, how=result.how or "exact",
            see_also=refs)

    def complete(self, prefix: str, limit: int = 25) -> list[str]:
        """Autocomplete for /define."""
        return self.library.glossary.complete(prefix, limit)

    # -- rounds -------------------------------------------------------------------

    async def ask(self, channel: ChannelRef, member: Member, deck: str | None = None,
                  kind: str | None = None) -> m.Notice | None:
        """``/quiz now [deck]``: post one question now. None when it was posted."""
        decks, problem = self._decks(deck)
        if problem:
            return problem
        channel_id = await self.ctx.channel_id(channel)
        if await self.ctx.stores.rounds.open_in(channel_id):
            return m.error("A question is already open here; answer it or wait for it to close.")
        question = await next_question(self.ctx, channel_id, decks, kind)
        if question is None:
            return m.error("No question can be made from those decks.")
        try:
            await self.rounds.open(channel, question, self._window(None))
        except ChannelBusy:
            return m.error("A question is already open here; answer it or wait for it to close.")
        except PostFailed as exc:  # the platform's reason, when it gave one, as a line of the error
            return m.Notice("The question could not be posted here. Is the bot a member of this channel?",
                            "error", lines=(exc.reason,) if exc.reason else ())
        return None

    async def answer_choice(self, round_id: int, member: Member, choice: int) -> m.Notice:
        return await self.rounds.answer(round_id, member, choice=choice)

    async def answer_text(self, round_id: int, member: Member, text: str) -> m.Notice:
        return await self.rounds.answer(round_id, member, text=text)

    async def answer_in_channel(self, channel: ChannelRef, member: Member, text: str) -> m.Notice:
        """Plain text in a channel (the console): answers the open round, if any."""
        row = await self.ctx.stores.rounds.open_in(await self.ctx.channel_id(channel))
        if row is None:
            return m.error("No question is open. Start one with `/quiz now`.")
        return await self.rounds.answer(row.id, member, text=text)

    async def hint(self, round_id: int, member: Member) -> m.Notice:
        """The "Hint" button: the answer's first letters, privately; the member's answer in
        this round then scores half (once, however often asked)."""
        return await give_hint(self.ctx, round_id, member)

    async def hint_in_channel(self, channel: ChannelRef, member: Member) -> m.Notice:
        """``/quiz hint``: a hint for the channel's open round."""
        channel_id = await self.ctx.channel_id(channel)
        rounds = self.ctx.stores.rounds
        row = await rounds.open_in(channel_id) or await rounds.last_closed_in(channel_id)
        if row is None:
            return m.error("No question is open. Start one with `/quiz now`.")
        return await give_hint(self.ctx, row.id, member)

    # -- private reviews (bot/quiz/review_session.py) ----------------------------------

    async def review(self, member: Member) -> m.QuestionCard | m.Notice:
        """``/quiz review``: the member's open or most overdue review question, privately."""
        return await self.reviews.start(member)

    async def review_choice(self, question_id: int, member: Member, choice: int) -> tuple[m.Message, ...]:
        """An option button of a review question: the verdict, then the next question."""
        return await self.reviews.answer(question_id, member, choice=choice)

    async def review_text(self, question_id: int, member: Member, text: str) -> tuple[m.Message, ...]:
        return await self.reviews.answer(question_id, member, text=text)

    async def review_hint(self, question_id: int, member: Member) -> m.Notice:
        return await self.reviews.hint(question_id, member)

    async def review_stop(self, member: Member) -> m.Notice:
        """``/quiz review stop`` and the Stop button."""
        return await self.reviews.stop(member)

    # -- card reports ---------------------------------------------------------------

    async def report_card(self, member: Member, deck_id: str, card_id: str, reason: str = "") -> m.Notice:
        """The "Report" button on a reveal or a /define answer: flag the card as wrong."""
        return await reports.report_card(self.ctx, member, deck_id, card_id, reason)

    async def report_last(self, channel: ChannelRef, member: Member, reason: str = "") -> m.Notice:
        """``/quiz report [reason]``: flag the card of the channel's last revealed round."""
        return await reports.report_last(self.ctx, channel, member, reason)

    async def reports(self, member: Member) -> m.Notice:
        """``/quiz reports``: open reports per card, newest first (admins)."""
        return await reports.list_reports(self.ctx, member)

    async def resolve_report(self, member: Member, report_id: str) -> m.Notice:
        """``/quiz reports resolve ID``: close the open reports of that card (admins)."""
        return await reports.resolve_report(self.ctx, member, report_id)

    async def open_question(self, round_id: int) -> m.QuestionCard | None:
        """The question of a round still taking answers (what a platform's answer box
        shows); None when the round is closed or unknown."""
        row = await self.ctx.stores.rounds.get(round_id)
        if row is None or not row.is_open or self.ctx.clock() > row.closes_at:
            return None
        return self.rounds.question_card(row.id, row.question, row.closes_at, 0)

    async def round_channel(self, round_id: int) -> ChannelRef | None:
        """The channel round ``round_id`` was asked in (None when there is no such round): an
        adapter checks a click against it, so a button never acts on another channel's round."""
        row = await self.rounds.round(round_id)
        return row.channel if row is not None else None

    async def open_round_id(self, channel: ChannelRef) -> int | None:
        row = await self.ctx.stores.rounds.open_in(await self.ctx.channel_id(channel))
        return row.id if row else None

    async def close(self, channel: ChannelRef, member: Member) -> m.Notice | None:
        """``/quiz close``: reveal the open round now (admins). None when revealed."""
        if not member.is_admin:
            return m.error(ADMIN_ONLY.format(what="close a round early"))
        row = await self.ctx.stores.rounds.open_in(await self.ctx.channel_id(channel))
        if row is None:
            return m.error("No question is open here.")
        if row.message_id is None:
            return m.error("The question is still being posted; try again in a moment.")
        await self.rounds.close(row.id)
        self.scheduler.poke()  # a session moves on after its gap
        return None

    async def start_session(self, channel: ChannelRef, member: Member, count: int,
                            deck: str | None = None, window_s: int | None = None) -> m.Notice:
        """``/quiz start N [deck]``: N questions back to back."""
        settings = self.ctx.settings
        if not 1 <= count <= settings.max_session_questions:
            return m.error(f"A session has 1 to {settings.max_session_questions} questions.")
        decks, problem = self._decks(deck)
        if problem:
            return problem
        channel_id = await self.ctx.channel_id(channel)
        if await self.ctx.stores.rounds.open_in(channel_id):
            return m.error("A question is already open here; wait for it to close first.")
        member_id = await self.ctx.stores.directory.member_id(member.key, member.name)
        window = window_s or settings.session_window_s
        try:
            await self.ctx.stores.sessions.start(channel_id, tuple(decks), count, window,
                                                 settings.session_gap_s, member_id, self.ctx.clock())
        except SessionRunning:
            return m.error("A session is already running here; `/quiz stop` ends it.")
        self.scheduler.poke()
        return m.ok(f"Starting {count} question(s), {window}s each. `/quiz stop` ends the session.")

    async def stop_session(self, channel: ChannelRef, member: Member) -> m.Notice:
        channel_id = await self.ctx.channel_id(channel)
        session = await self.ctx.stores.sessions.active(channel_id)
        if session is None:
            return m.error("No session is running here.")
        if not await self.ctx.stores.sessions.end(session.id, self.ctx.clock()):
            return m.error("No session is running here.")  # a second stop, or its last question just ended it
        row = await self.ctx.stores.rounds.open_in(channel_id)
        if row is not None and row.session_id == session.id:
            await self.rounds.close(row.id)
        stopped = f"Session stopped after {session.asked} question(s)."
        try:
            await self.ctx.send(channel, await standings.session_result(self.ctx, session.id, session.asked, True))
        except ChatError as exc:  # the session is over all the same; say why its result is missing
            if exc.member_reason:
                return m.ok(stopped, lines=(f"Its result could not be posted: {exc.member_reason}",))
        return m.ok(stopped)

    async def answer_mode(self, channel: ChannelRef, member: Member, mode: str) -> m.Notice:
        """``/quiz answers final|changeable``: may members change their answer until the close?"""
        if mode not in {"final", "changeable"}:
            return m.error("Use `/quiz answers final` (the first answer counts) or `/quiz answers changeable` "
                           "(the last answer before the close counts).")
        if not member.is_admin:
            return m.error(ADMIN_ONLY.format(what="change how answers count"))
        channel_id = await self.ctx.channel_id(channel)
        await self.ctx.stores.channels.set_answer_mode(channel_id, mode)
        if mode == "changeable":
            return m.ok("From the next question, members can change their answer until the close.")
        return m.ok("From the next question, each member's first answer counts.")

    # -- schedules (bot/quiz/schedule_desk.py) -----------------------------------

    async def schedule_add(self, channel: ChannelRef, member: Member, spec: str, tz: str | None = None,
                           decks: str | None = None, window: str | None = None) -> m.Notice:
        return await self.schedules.add(channel, member, spec, tz, decks, window)

    async def schedule_list(self, channel: ChannelRef) -> m.Notice:
        return await self.schedules.in_channel(channel)

    async def schedule_remove(self, channel: ChannelRef, member: Member, schedule_id: str) -> m.Notice:
        return await self.schedules.remove(channel, member, schedule_id)

    async def schedule_pause(self, channel: ChannelRef, member: Member, schedule_id: str) -> m.Notice:
        return await self.schedules.pause(channel, member, schedule_id)

    async def schedule_resume(self, channel: ChannelRef, member: Member, schedule_id: str) -> m.Notice:
        return await self.schedules.resume(channel, member, schedule_id)

    # -- weekly digests (bot/quiz/digest_desk.py) ---------------------------------

    async def digest(self, channel: ChannelRef, member: Member, words: list[str]) -> m.Notice | None:
        """``/quiz digest add|now|remove|list``; None when a digest was posted."""
        return await self.digests.command(channel, member, words)

    async def digest_add(self, channel: ChannelRef, member: Member, spec: str, tz: str | None = None) -> m.Notice:
        return await self.digests.add(channel, member, spec, tz)

    async def digest_now(self, channel: ChannelRef, member: Member) -> m.Notice | None:
        return await self.digests.now(channel, member)

    async def digest_remove(self, channel: ChannelRef, member: Member, digest_id: str) -> m.Notice:
        return await self.digests.remove(channel, member, digest_id)

    # -- standings ----------------------------------------------------------------

    async def leaderboard(self, channel: ChannelRef, member: Member, period: str = "week",
                          where: str = "channel", group: str | None = None,
                          season: int | None = None) -> m.Message:
        return await standings.leaderboard(self.ctx, channel, member, period, where, group, season)

    async def home(self, workspace: str, member: Member, web_link: str | None = None) -> m.Home:
        """A member's own page (Slack's App Home): rank this week in ``workspace``, cards due, and
        the workspace's web pages when they are on (``web_link``, looked up when not given)."""
        link = web_link if web_link is not None else await self.web_link(workspace)
        return await standings.home(self.ctx, workspace, member, link)

    async def has_group(self, channel: ChannelRef, name: str) -> bool:
        return await self.ctx.stores.groups.find(channel.workspace, name) is not None

    async def stats(self, channel: ChannelRef, member: Member) -> m.Stats:
        return await standings.stats(self.ctx, channel, member)

    async def group(self, channel: ChannelRef, member: Member, action: str, name: str = "") -> m.Notice:
        return await standings.group_command(self.ctx, channel, member, action, name)

    async def season(self, channel: ChannelRef, member: Member, action: str, confirm: bool = False) -> m.Notice:
        """``/quiz season new|list``; ``new`` ends the season only when ``confirm`` is set."""
        return await standings.season_command(self.ctx, channel, member, action, confirm)

    async def misses(self, member: Member, fmt: str = "csv") -> m.FileReply | m.Notice:
        """``/quiz misses [csv|yaml]``: the member's missed cards as a file, for them alone."""
        return await misses_file(self.ctx, self.library, member, fmt)

    async def web(self, channel: ChannelRef, member: Member, action: str) -> m.Notice:
        """``/quiz web on|off|rotate`` (admins), ``link``, ``hide-me``, ``show-me``."""
        return await web.web_command(self.ctx, channel, member, action)

    async def web_link(self, workspace: str) -> str | None:
        """The workspace's web pages, or None when they are off (for the Slack App Home)."""
        return await web.web_link(self.ctx, workspace)

    def decks(self) -> m.Notice:
        lines = tuple(f"{d.id}: {d.title} ({len(d.cards)} cards)" for d in self.library.decks)
        if not lines:
            return m.error("No decks are loaded. Put deck files in the decks directory.")
        return m.Notice(f"{len(lines)} deck(s) loaded:", lines=lines)

    # -- helpers ------------------------------------------------------------------

    def _decks(self, text: str | None) -> tuple[list[str], m.Notice | None]:
        """Deck ids from "a,b" (empty: all decks), or an error naming the unknown one."""
        if not text:
            return [], None
        ids = [t.strip() for t in text.replace(" ", ",").split(",") if t.strip()]
        for ident in ids:
            if self.library.deck(ident) is None:
                known = ", ".join(d.id for d in self.library.decks) or "none loaded"
                return [], m.error(f"Unknown deck {{0}}. Decks: {known}.", said=(repr(ident[:60]),))
        return ids, None

    def _window(self, window_s: int | None) -> int:
        return window_s or self.ctx.settings.answer_window_s


__all__ = ["Opening", "QuizService", "ScheduleError"]
