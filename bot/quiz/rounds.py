"""A round's life: open and post, take answers, close, score and reveal.

Guarantees:
- a round is opened, scored and closed in transactions; closing is idempotent
  (only the caller that flips ``closed_at`` scores and reveals);
- answers still queued when a round closes are committed before it closes;
- the question message is never edited per answer: the "N answered" counter
  is refreshed at most once per ``counter_interval_s``, and the reveal
  (:mod:`bot.quiz.reveals`) replaces the question once, at the close;
- an answer from a member who took a hint (:mod:`bot.quiz.hints`) scores half, set in
  the closing transaction.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.deck.generate import AskedQuestion
from bot.deck.text import match_key
from bot.quiz import messages as m
from bot.quiz.context import Context, log
from bot.quiz.grading import is_correct_choice, is_correct_text
from bot.quiz.ports import ChannelRef, ChatError, Member, MessageRef
from bot.quiz.reveals import REVEAL_LEASE_S, Reveals
from bot.quiz.review import review
from bot.quiz.scoring import oldest_kept_periods, period_keys, points_for, with_hint
from bot.store.answers import AnswerIn, Outcome
from bot.store.errors import SlotTaken
from bot.store.leaderboards import ScoredAnswer
from bot.store.rounds import UNPOSTED_GRACE_S, RoundRow
from bot.store.transaction import Transaction


class PostFailed(Exception):
    """The question could not be posted; the round was withdrawn (nothing changed).

    ``reason`` is the adapter's member-facing explanation (``ChatError.member_reason``),
    or None when it gave none."""

    def __init__(self, channel_key: str, reason: str | None = None) -> None:
        super().__init__(channel_key)
        self.reason = reason


Claim = Callable[[Transaction], Awaitable[bool]]
"""Work that runs in the transaction opening a round; False refuses the round (:class:`SlotTaken`)."""


@dataclass(frozen=True)
class Opening:
    """Where a new round comes from: nothing (asked now), a schedule slot or a session."""

    schedule_id: int | None = None
    slot_at: float | None = None
    session_id: int | None = None
    position: tuple[int, int] | None = None


class RoundKeeper:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._refresh: dict[int, asyncio.Task[None]] = {}
        self._open: dict[int, RoundRow] = {}
        """Open rounds seen by ``answer``: their question and deadline never change, so a
        burst of answers reads the round once. Whether it is still open is re-checked
        by the answer writer inside its transaction."""
        self._loading: dict[int, asyncio.Future[RoundRow | None]] = {}
        self._posting: set[int] = set()
        """Rounds whose question this process is posting right now."""
        self.reveals = Reveals(ctx)

    @property
    def posting(self) -> frozenset[int]:
        return frozenset(self._posting)

    async def round(self, round_id: int) -> RoundRow | None:
        """The round (open ones from memory), as :meth:`answer` reads it."""
        return await self._round(round_id)

    async def _round(self, round_id: int) -> RoundRow | None:
        """The round, read once however many answers arrive for it at the same moment."""
        row = self._open.get(round_id)
        if row is not None:
            return row
        pending = self._loading.get(round_id)
        if pending is None:
            pending = asyncio.ensure_future(self.ctx.stores.rounds.get(round_id))
            self._loading[round_id] = pending
            pending.add_done_callback(lambda _: self._loading.pop(round_id, None))
        row = await asyncio.shield(pending)
        if row is not None and row.is_open and row.message_id is not None:
            if len(self._open) > 1000:
                self._open.clear()
            self._open[round_id] = row
        return row

    # -- open -------------------------------------------------------------------

    async def open(self, channel: ChannelRef, question: AskedQuestion, window_s: int,
                   opening: Opening = Opening(), opened_at: float | None = None,
                   closes_at: float | None = None, claim: Claim | None = None) -> int:
        """Open a round and post its question.

        ``claim`` runs inside the transaction that inserts the round (a schedule
        moves its next slot there), so the two commit together or not at all. That
        transaction is grouped (:meth:`Database.grouped`): rounds opened at the same
        moment share one commit, each in its own savepoint.
        Raises :class:`~bot.store.errors.ChannelBusy`, :class:`~bot.store.errors.SlotTaken`
        (``claim`` said no, or the slot already has its round) or :class:`PostFailed` (the
        round was withdrawn).
        """
        ctx = self.ctx
        channel_id = await ctx.channel_id(channel)
        now = opened_at if opened_at is not None else ctx.clock()
        deadline = closes_at if closes_at is not None else now + window_s

        async def insert(tx: Transaction) -> int:
            if claim is not None and not await claim(tx):
                raise SlotTaken(channel.key)
            season_id, mode = await tx.channels.round_terms(channel_id, channel.workspace)
            if season_id is None:  # the workspace's first round: season 1 starts
                season_id, _ = await tx.seasons.current(channel.workspace, now)
            allow_change = (mode == "changeable") if mode else ctx.settings.allow_change
            return await tx.rounds.insert(
                channel_id=channel_id, question=question, opened_at=now, closes_at=deadline,
                season_id=season_id, allow_change=allow_change,
                schedule_id=opening.schedule_id, slot_at=opening.slot_at, session_id=opening.session_id)

        # grouped: a slot opening rounds in many channels at once shares its commits;
        # ChannelBusy and SlotTaken (the store's refusals) reach the caller as they are
        round_id = await ctx.stores.grouped(insert)
        self._posting.add(round_id)
        try:
            await self._post_question(round_id, channel, question, deadline, opening.position)
        finally:
            self._posting.discard(round_id)
        log.info("event=round_opened round=%s channel=%s question=%s closes_in=%.0fs",
                 round_id, channel.key, question.key, deadline - now)
        ctx.on_change()
        return round_id

    async def _post_question(self, round_id: int, channel: ChannelRef, question: AskedQuestion,
                             deadline: float, position: tuple[int, int] | None) -> None:
        """Post an inserted round's question; withdraw the round when that fails."""
        ctx = self.ctx
        card = self.question_card(round_id, question, deadline, 0, position)
        try:
            ref = await ctx.send(channel, card)
        except ChatError as exc:
            await self._withdraw(round_id)
            raise PostFailed(channel.key, exc.member_reason) from exc
        await ctx.stores.rounds.set_message(round_id, ref.message_id)
        ctx.metrics.round_posted()

    async def _withdraw(self, round_id: int) -> None:
        """Remove a round nobody saw; a session it belonged to asks again instead."""
        await self.ctx.stores.rounds.withdraw_unseen(round_id, self.ctx.clock())

    async def post_unposted(self) -> None:
        """Rounds inserted but never posted (the process stopped in between): post them
        now, or withdraw them when that fails. Rounds being posted right now are skipped:
        by this process (it knows which), or by another one sharing the database (a round
        younger than :data:`UNPOSTED_GRACE_S` may still be on its way). Only in channels this
        process owns (``Context.owned``)."""
        for row in await self.ctx.stores.rounds.unposted(self.ctx.clock() - UNPOSTED_GRACE_S, self.ctx.owned):
            if row.id in self._posting:
                continue
            if row.closes_at <= self.ctx.clock():  # nobody saw it and it is over: no reveal either
                await self._withdraw(row.id)
                log.warning("event=round_withdrawn round=%s reason=never_posted_before_its_deadline", row.id)
                continue
            log.info("event=round_post_resumed round=%s channel=%s", row.id, row.channel.key)
            try:
                await self._post_question(row.id, row.channel, row.question, row.closes_at, None)
            except PostFailed:
                log.warning("event=round_withdrawn round=%s reason=post_failed", row.id)

    def question_card(self, round_id: int, question: AskedQuestion, closes_at: float, answered: int,
                      position: tuple[int, int] | None = None) -> m.QuestionCard:
        deck = self.ctx.library.deck(question.deck_id)
        return m.QuestionCard(
            round_id=round_id, deck_title=deck.title if deck else question.deck_id,
            prompt=question.prompt, kind=question.kind, options=question.options,
            closes_at=closes_at, answered=answered, position=position)

    # -- answer -----------------------------------------------------------------

    async def answer(self, round_id: int, member: Member, *, choice: int | None = None,
                     text: str | None = None) -> m.Notice:
        """Record one answer; the reply never tells whether it is right before the close."""
        ctx = self.ctx
        now = ctx.clock()
        row = await self._round(round_id)
        if row is None:
            return m.error("That question does not exist (any more).")
        if not row.is_open or now > row.closes_at:
            return m.Notice("This round is closed; the answer has been revealed.", "error")
        graded = grade(ctx, row.question, choice, text)
        if isinstance(graded, m.Notice):
            return graded
        choice, correct = graded.choice, graded.correct
        shown = m.LABELS[choice] if choice is not None else (text or "").strip()
        member_id = ctx.stores.directory.cached(member.key, member.name)
        points = points_for(correct, now, row.opened_at, row.closes_at, ctx.settings.scoring)
        started = time.perf_counter()
        try:
            outcome = await ctx.stores.answers.record(
                AnswerIn(round_id, member_id, choice, text if choice is None else None, correct, points, now,
                         member.key, member.name))
        except Exception:
            log.exception("event=answer_failed round=%s member=%s", round_id, member.key)
            ctx.metrics.answer_recorded(time.perf_counter() - started, "failed")
            return m.error("Your answer could not be saved; please try again.")
        ctx.metrics.answer_recorded(time.perf_counter() - started, outcome.value)
        if outcome is Outcome.CLOSED:
            return m.Notice("This round is closed; the answer has been revealed.", "error")
        if outcome is Outcome.DUPLICATE:
            return m.Notice("You already answered this round; your first answer counts.")
        self._schedule_refresh(row)
        verb = "changed to" if outcome is Outcome.CHANGED else "recorded:"
        if choice is None:  # typed text is echoed literally (each renderer escapes it)
            return m.ok(f"Answer {verb} {{0}}. The answer is revealed when the round closes.", said=(shown,))
        return m.ok(f"Answer {verb} {shown}. The answer is revealed when the round closes.")

    async def stop_refreshes(self) -> None:
        tasks = list(self._refresh.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._refresh.clear()

    def _schedule_refresh(self, row: RoundRow) -> None:
        """Refresh the "N answered" counter, at most once per interval per round."""
        if row.id in self._refresh or row.message_id is None:
            return
        self._refresh[row.id] = asyncio.create_task(self._refresh_counter(row), name=f"counter-{row.id}")

    async def _refresh_counter(self, row: RoundRow) -> None:
        try:
            await asyncio.sleep(self.ctx.settings.counter_interval_s)
            fresh = await self.ctx.stores.rounds.get(row.id)
            if fresh is None or not fresh.is_open or fresh.message_id is None:
                return
            count = await self.ctx.stores.answers.count(row.id)
            card = self.question_card(row.id, row.question, row.closes_at, count)
            await self.ctx.update(MessageRef(row.channel, fresh.message_id), card)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event=counter_failed round=%s", row.id)
        finally:
            self._refresh.pop(row.id, None)

    # -- close ------------------------------------------------------------------

    async def close(self, round_id: int) -> m.Reveal | None:
        """Close, score and reveal a round. None when it was already closed."""
        ctx = self.ctx
        if round_id in self._posting:  # its question is still on its way: not yet
            return None
        await ctx.stores.answers.flush()
        now = ctx.clock()
        row = await ctx.stores.rounds.get(round_id)
        if row is None or (row.message_id is None and not await ctx.stores.answers.count(round_id)):
            return None  # nobody saw it: withdrawn by post_unposted, never revealed
        async with ctx.stores.transaction() as tx:
            if not await tx.rounds.mark_closed(round_id, now, REVEAL_LEASE_S):
                return None
            answers = await tx.answers.of_round(round_id)
            hinted = await tx.hints.takers(round_id)
            if hinted:  # a hint halves the answer's points, however often it was asked for
                answers = [(a[0], a[1], a[2], with_hint(a[3]) if a[0] in hinted else a[3], a[4]) for a in answers]
                await tx.hints.set_points(round_id, {a[0]: a[3] for a in answers if a[0] in hinted})
            scored = [ScoredAnswer(a[0], a[2], a[3], a[4]) for a in answers]
            await tx.scores.add([f"channel:{row.channel_id}", f"workspace:{row.channel.workspace}"],
                                period_keys(row.opened_at, ctx.settings.tz, row.season_id), scored)
            await tx.scores.prune_closed(*oldest_kept_periods(now, ctx.settings.tz))
            right = {a.member_id for a in scored if a.correct}
            if row.schedule_id is not None:
                await tx.scores.update_streaks(row.channel_id, right)
            card_key = f"{row.question.deck_id}/{row.question.card_id}"
            states = await tx.reviews.load(card_key, [a.member_id for a in scored])
            await tx.reviews.save(card_key, [
                (a.member_id, *review(states.get(a.member_id), a.correct, a.answered_at)) for a in scored])
            if row.session_id is not None:  # the session moves on in the same commit as the close
                await tx.sessions.round_closed(row.session_id, now)
        self._open.pop(round_id, None)
        task = self._refresh.pop(round_id, None)
        if task is not None:
            task.cancel()
        log.info("event=round_closed round=%s channel=%s answers=%d right=%d",
                 round_id, row.channel.key, len(answers), len(right))
        reveal = await self.reveals.build(row, answers)
        await self.reveals.send(row, reveal)
        return reveal


@dataclass(frozen=True)
class Graded:
    """An answer checked against its question: the option picked (None: free text) and
    whether it is right."""

    choice: int | None
    correct: bool


def grade(ctx: Context, question: AskedQuestion, choice: int | None, text: str | None) -> Graded | m.Notice:
    """Check and grade one answer, to a round or to a private review: an option's index, or
    typed text (on a multiple-choice question a letter, a number or an option's own text picks
    that option). An error :class:`~bot.quiz.messages.Notice` for input that is not an answer
    (nothing typed, too long, no such option); nothing is stored here."""
    if choice is None:
        given = (text or "").strip()
        if not given:
            return m.error("Type an answer first.")
        if len(given) > ctx.settings.max_answer_chars:
            return m.error(f"An answer is at most {ctx.settings.max_answer_chars} characters.")
        if question.kind != "choice":
            glossary = ctx.library.glossary
            return Graded(None, is_correct_text(given, question.accept, rivals=lambda t: glossary.names_other_card(
                t, question.deck_id, question.card_id)))
        choice = choice_from_text(given, question.options)
        if choice is None:
            return m.error(f"Pick one of the options: {'/'.join(m.LABELS[: len(question.options)])}.")
    if question.kind != "choice" or not 0 <= choice < len(question.options):
        return m.error("That option does not exist for this question.")
    return Graded(choice, is_correct_choice(choice, question.correct))


def choice_from_text(text: str, options: tuple[str, ...]) -> int | None:
    """``B``, ``b``, ``2`` or the option's own text to an option index."""
    token = text.strip().rstrip(").:").strip()
    if len(token) == 1 and token.upper() in m.LABELS[: len(options)]:
        return m.LABELS.index(token.upper())
    if token.isdigit() and 1 <= int(token) <= len(options):
        return int(token) - 1
    key = match_key(text)
    for i, option in enumerate(options):
        if match_key(option) == key:
            return i
    return None
