"""Spaced repetition through fsrs: one review per member per answered card.

A right answer is rated Good, a wrong one Again; the scheduler's due date then
says when the member should see the card again, which is what question
selection uses to bring weak cards back.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from fsrs import Card, Rating, Scheduler

_SCHEDULER = Scheduler(enable_fuzzing=False)


def review(state: str | None, correct: bool, at: float) -> tuple[str, float]:
    """The new (state json, due epoch) after one answer."""
    card = Card.from_dict(json.loads(state)) if state else Card()
    when = datetime.fromtimestamp(at, timezone.utc)
    card, _ = _SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, review_datetime=when)
    return json.dumps(card.to_dict()), card.due.timestamp()
