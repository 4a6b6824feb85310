"""Spaced repetition through fsrs: one review per member per answered card.

In a channel round a right answer is rated Good, a wrong one Again (members who did not
answer are not rated); a private review (:mod:`bot.quiz.review_session`) rates finer, see
:func:`rating_for`. the scheduler's due date then
says when the member should see the card again. Question selection only
brings a due card back to a channel when it needs it: the member's last
answer was wrong, or the card is in long-term review (see
:meth:`bot.store.reviews.Reviews.due_in_channel`). A card answered right once
is still in fsrs's learning steps (due again in minutes); treating that as due
would crowd out the cards nobody has seen yet.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import NamedTuple

from fsrs import Card, Rating, Scheduler

_SCHEDULER = Scheduler(enable_fuzzing=False)


class Reviewed(NamedTuple):
    """What is stored after one answer: ``(state json, due epoch, last answer right)``."""

    state: str
    due_at: float
    correct: bool


def rating_for(correct: bool, hinted: bool, seconds: float, easy_within_s: float) -> Rating:
    """How a private review answer is rated: wrong -> Again, right after a hint -> Hard,
    right within ``easy_within_s`` seconds of the question -> Easy, else right -> Good."""
    if not correct:
        return Rating.Again
    if hinted:
        return Rating.Hard
    return Rating.Easy if seconds <= easy_within_s else Rating.Good


def review(state: str | None, correct: bool, at: float, rating: Rating | None = None) -> Reviewed:
    """The new state, due date and outcome after one answer, rated ``rating`` (a channel
    round, which gives none: Good when right, Again when wrong)."""
    when = datetime.fromtimestamp(at, timezone.utc)
    # A new card gets an explicit id and due date: fsrs would otherwise sleep 1 ms per card to
    # make a unique id from the wall clock (5 s of a blocked loop for 5,000 first answers at a
    # close), and date it by the real clock rather than the round's. The id is not ours to use:
    # a review is keyed by member and card in the store.
    card = Card.from_dict(json.loads(state)) if state else Card(card_id=0, due=when)
    if rating is None:
        rating = Rating.Good if correct else Rating.Again
    card, _ = _SCHEDULER.review_card(card, rating, review_datetime=when)
    return Reviewed(json.dumps(card.to_dict()), card.due.timestamp(), correct)
