"""Hints in free-text rounds: the first letter of each word of the answer, the rest masked.

Taking a hint halves the points of that member's answer in that round
(:func:`bot.quiz.scoring.with_hint`, applied at the close). It counts once however
often it is asked for; a member who already answered, or a closed round, gets no hint.
"""

from __future__ import annotations

import re

from bot.quiz import messages as m
from bot.quiz.context import Context
from bot.quiz.ports import Member
from bot.store.hints import HintOutcome

_WORD = re.compile(r"(\w)(\w*)")
CLOSED = "This round is closed; the answer has been revealed."


def mask(answer: str) -> str:
    """``Non-maximum suppression`` -> ``N__-m______ s__________``: each word's first letter,
    an underscore per other letter; spaces and punctuation kept (they show the shape)."""
    return _WORD.sub(lambda hit: hit.group(1) + "_" * len(hit.group(2)), answer)


async def give_hint(ctx: Context, round_id: int, member: Member) -> m.Notice:
    """The hint for ``member`` in this round, recorded before it is shown."""
    row = await ctx.stores.rounds.get(round_id)
    if row is None:
        return m.error("That question does not exist (any more).")
    now = ctx.clock()
    if not row.is_open or now > row.closes_at:
        return m.error(CLOSED)
    if row.question.kind != "text":
        return m.error("Hints are for free-text questions; this one has options to pick from.")
    await ctx.stores.answers.flush()  # an answer on its way is stored first, so it is seen below
    member_id = await ctx.stores.directory.member_id(member.key, member.name)
    outcome = await ctx.stores.hints.take(round_id, member_id, now)
    if outcome is HintOutcome.CLOSED:
        return m.error(CLOSED)
    if outcome is HintOutcome.ANSWERED:
        return m.error("You already answered this round; hints are for before you answer.")
    # the mask is shown literally (each renderer escapes it), so its underscores stay underscores
    return m.Notice("Hint: {0}\nA right answer now scores half the points.", said=(mask(row.question.answer),))
