"""``/quiz review``: a private review of one member's due cards, one question at a time.

The member's cards come from their fsrs state (the ``reviews`` table, written by channel
rounds and by reviews), most overdue first. Each answer is rated (:func:`rating_for`: wrong
-> Again, right after a hint -> Hard, right within ``QuizSettings.review_easy_s`` -> Easy,
else Good), stored with its new due date, and the next due card is asked, until none is
due or the member stops.

Guarantees:
- a review writes only that member's review state and their open review question: never
  ``scores``, ``answers`` or ``rounds``, so no leaderboard and no channel round moves;
- the open question is stored (``review_questions``), so a review survives a restart;
- an answer counts once: it removes its question in the transaction that rates it, so a
  double click, a click on an older (replaced) question or on someone else's is refused
  and changes nothing;
- nothing here knows a platform: adapters render the :class:`~bot.quiz.messages.QuestionCard`
  (``review=True``) privately.
"""

from __future__ import annotations

from datetime import datetime

from fsrs import Rating

from bot.quiz import messages as m
from bot.quiz.context import Context
from bot.quiz.hints import mask
from bot.quiz.ports import Member
from bot.quiz.review import rating_for, review
from bot.quiz.rounds import grade
from bot.quiz.selection import pick_question
from bot.store.review_questions import ReviewQuestion

PAGE = 50
"""Due cards read at a time; cards whose deck was removed since are stepped over, page by page."""

STALE = "That review question is no longer open. `/quiz review` shows your current one."

_RATED = {Rating.Again: "Again", Rating.Hard: "Hard", Rating.Good: "Good", Rating.Easy: "Easy"}


class ReviewSessions:
    """Every member's private review; state lives in the store, none in this object."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def start(self, member: Member) -> m.QuestionCard | m.Notice:
        """The member's open review question (asked again, same buttons), else their most
        overdue card, else a friendly notice saying when the next card is due."""
        member_id = await self._member_id(member)
        current = await self.ctx.stores.review_questions.open_for(member_id)
        if current is not None:
            return await self._card(current.id, current, member_id)
        return await self._next(member_id) or await self._nothing_due(member_id)

    async def answer(self, question_id: int, member: Member, *, choice: int | None = None,
                     text: str | None = None) -> tuple[m.Message, ...]:
        """Grade, rate and store one answer; returns the verdict and then the next question
        (or "all done"). Bad input or a stale question: one error, nothing changed."""
        ctx = self.ctx
        member_id = await self._member_id(member)
        row = await ctx.stores.review_questions.get(question_id)
        if row is None or row.member_id != member_id:
            return (m.error(STALE),)
        graded = grade(ctx, row.question, choice, text)
        if isinstance(graded, m.Notice):
            return (graded,)
        correct = graded.correct
        now = ctx.clock()
        rating = rating_for(correct, row.hinted, now - row.asked_at, ctx.settings.review_easy_s)
        async with ctx.stores.transaction() as tx:
            if not await tx.review_questions.take(question_id, member_id):
                return (m.error(STALE),)
            states = await tx.reviews.load(row.card_key, [member_id])
            rated = review(states.get(member_id), correct, now, rating)
            await tx.reviews.save(row.card_key, [(member_id, *rated)])
        verdict = _verdict(row, correct, rating, rated.due_at - now)
        return (verdict, await self._next(member_id) or await self._all_done(member_id))

    async def hint(self, question_id: int, member: Member) -> m.Notice:
        """The answer's first letters; a right answer to this question is then rated Hard."""
        member_id = await self._member_id(member)
        row = await self.ctx.stores.review_questions.get(question_id)
        if row is None or row.member_id != member_id:
            return m.error(STALE)
        if row.question.kind != "text":
            return m.error("Hints are for free-text questions; this one has options to pick from.")
        await self.ctx.stores.review_questions.mark_hinted(question_id)
        return m.Notice("Hint: {0}\nA right answer now rates the card Hard.", said=(mask(row.question.answer),))

    async def stop(self, member: Member) -> m.Notice:
        """End the member's review; their due cards stay due."""
        member_id = await self._member_id(member)
        if not await self.ctx.stores.review_questions.stop(member_id):
            return m.error("You have no review open. `/quiz review` starts one.")
        left = await self.ctx.stores.reviews.due_count(member_id, self.ctx.clock(), self.ctx.library.card_keys)
        return m.ok(f"Review stopped. {left} card(s) still due; `/quiz review` picks up where you left off.")

    async def open_question(self, question_id: int, member: Member) -> m.QuestionCard | None:
        """The member's open review question ``question_id`` (what an answer box shows), else None."""
        member_id = await self._member_id(member)
        row = await self.ctx.stores.review_questions.get(question_id)
        if row is None or row.member_id != member_id:
            return None
        return await self._card(row.id, row, member_id)

    async def open_id(self, member: Member) -> int | None:
        """The id of the member's open review question (the console answers it with a plain line)."""
        return await self.ctx.stores.review_questions.open_id_of(member.key)

    # -- helpers --------------------------------------------------------------------

    async def _member_id(self, member: Member) -> int:
        return await self.ctx.stores.directory.member_id(member.key, member.name)

    async def _next(self, member_id: int) -> m.QuestionCard | None:
        """Ask the member's most overdue card that still makes a question; None when none is due."""
        ctx = self.ctx
        now = ctx.clock()
        after: tuple[float, str] | None = None
        while page := await ctx.stores.review_questions.most_overdue(member_id, now, PAGE, after):
            for _, card_key in page:
                deck_id, _, card_id = card_key.partition("/")
                deck = ctx.library.deck(deck_id)
                card = deck.card(card_id) if deck else None
                if deck is None or card is None:  # its deck or card was removed since
                    continue
                question = pick_question(deck, card, ctx.rng, None, ctx.library.decks)
                if question is None:
                    continue
                question_id = await ctx.stores.review_questions.ask(member_id, question, now)
                row = ReviewQuestion(question_id, member_id, card_key, question, now, False)
                return await self._card(question_id, row, member_id)
            after = page[-1]
        return None

    async def _card(self, question_id: int, row: ReviewQuestion, member_id: int) -> m.QuestionCard:
        due = await self.ctx.stores.reviews.due_count(member_id, self.ctx.clock(), self.ctx.library.card_keys)
        deck = self.ctx.library.deck(row.question.deck_id)
        return m.QuestionCard(
            round_id=question_id, deck_title=deck.title if deck else row.question.deck_id,
            prompt=row.question.prompt, kind=row.question.kind, options=row.question.options,
            closes_at=0.0, review=True, due=max(due, 1))

    async def _nothing_due(self, member_id: int) -> m.Notice:
        nxt = await self.ctx.stores.reviews.next_due_at(member_id, self.ctx.library.card_keys)
        if nxt is None:
            return m.Notice("Nothing to review yet: answer questions in a channel, and the cards you "
                            "meet come back here when they are due.")
        return m.Notice(f"Nothing is due for review right now. Your next card is due {self._when(nxt)}.")

    async def _all_done(self, member_id: int) -> m.Notice:
        nxt = await self.ctx.stores.reviews.next_due_at(member_id, self.ctx.library.card_keys)
        when = f" Your next card is due {self._when(nxt)}." if nxt is not None else ""
        return m.ok(f"Review done: nothing else is due.{when}")

    def _when(self, at: float) -> str:
        moment = datetime.fromtimestamp(at, self.ctx.settings.tz)
        return f"{moment:%a %-d %b %H:%M} {moment.tzname()} ({_after(at - self.ctx.clock())})"


def _verdict(row: ReviewQuestion, correct: bool, rating: Rating, wait_s: float) -> m.Notice:
    question = row.question
    answer = question.answer
    if question.kind == "choice" and question.correct is not None:
        answer = f"{m.LABELS[question.correct]}) {question.options[question.correct]}"
    again = f"Rated {_RATED[rating]}: you will see it again {_after(wait_s)}."
    if correct:
        return m.ok(f"Right: {answer}. {again}")
    return m.Notice(f"Not quite: the answer is {answer}. {again}", "error")


def _after(seconds: float) -> str:
    """``in 3 days``, ``in 10 minutes``; ``now`` for what is already due."""
    if seconds < 60:
        return "now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            return f"in {count} {unit}{'s' if count != 1 else ''}"
    return "now"
