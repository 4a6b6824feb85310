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
    card = Card.from_dict(json.loads(state)) if state else Card()
    when = datetime.fromtimestamp(at, timezone.utc)
    card, _ = _SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, review_datetime=when)
    return Reviewed(json.dumps(card.to_dict()), card.due.timestamp(), correct)
