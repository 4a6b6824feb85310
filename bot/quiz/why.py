"""The "Why" of a reveal: what the question did not already say.

A generated question's clue *is* the card's definition, so repeating the
definition at the reveal teaches nothing. For those questions the reveal
contrasts the answer with the wrong option most members picked (what that
option really means), or, for a typed answer, names the other accepted forms.
A hand-written question keeps its written explanation (or the card's
definition, which its prompt did not show).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.deck.generate import AskedQuestion

GENERATED_VARIANTS = ("choice", "text")


def is_generated(question: AskedQuestion) -> bool:
    """True for a question built from the card's definition (not written by hand)."""
    return question.key.rsplit("/", 1)[-1] in GENERATED_VARIANTS


def most_picked_wrong(question: AskedQuestion, tally: Sequence[int]) -> int | None:
    """The index of the wrong option picked most (the first such on a tie); None when no wrong option has a note."""
    wrong = [i for i in range(len(question.options))
             if i != question.correct and i < len(question.notes) and question.notes[i]]
    if not wrong:
        return None
    return max(wrong, key=lambda i: (tally[i] if i < len(tally) else 0, -i))


def why(question: AskedQuestion, tally: Sequence[int] = ()) -> str:
    """The explanation a reveal shows for ``question`` given how often each option was picked."""
    if not is_generated(question):
        return question.explanation
    if question.kind == "choice":
        index = most_picked_wrong(question, tally)
        if index is None:
            return ""
        wrong, note = question.options[index], question.notes[index]
        if index < len(tally) and tally[index]:
            return f"{wrong}, the most-picked wrong option, is something else: {note}"
        return f"Not to be confused with {wrong}: {note}"
    others = [name for name in question.accept if name != question.answer]
    return f"Also accepted: {', '.join(others)}." if others else ""
