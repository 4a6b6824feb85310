"""Spaced repetition through fsrs: one review per member per answered card.

A right answer is rated Good, a wrong one Again; the scheduler's due date then
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


def review(state: str | None, correct: bool, at: float) -> Reviewed:
    """The new state, due date and outcome after one answer."""
    when = datetime.fromtimestamp(at, timezone.utc)
    # A new card gets an explicit id and due date: fsrs would otherwise sleep 1 ms per card to
    # make a unique id from the wall clock (5 s of a blocked loop for 5,000 first answers at a
    # close), and date it by the real clock rather than the round's. The id is not ours to use:
    # a review is keyed by member and card in the store.
    card = Card.from_dict(json.loads(state)) if state else Card(card_id=0, due=when)
    card, _ = _SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, review_datetime=when)
    return Reviewed(json.dumps(card.to_dict()), card.due.timestamp(), correct)
