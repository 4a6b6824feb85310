"""Is this answer right?

Free text is compared with every accepted answer after :func:`match_key`
(case, accents, punctuation, hyphens, a leading article and plain plurals do
not matter), then with spaces removed (``batchnorm`` = ``batch norm``), then
with a typo budget that grows with the answer's length: none up to 4
characters, 1 up to 8, 2 up to 14, 3 beyond. The whole answer is compared with
the whole accepted answer, never a part of it, so ``air`` is not ``chair`` and
a short wrong word never matches a long answer.
"""

from __future__ import annotations

from rapidfuzz.distance import DamerauLevenshtein

from bot.deck.text import match_key


def typo_budget(length: int) -> int:
    """How many single-character edits an answer of this length may carry."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    if length <= 14:
        return 2
    return 3


def is_correct_text(given: str, accepted: tuple[str, ...]) -> bool:
    """True when ``given`` is one of ``accepted`` up to the rules in the module doc."""
    key = match_key(given)
    if not key:
        return False
    compact = key.replace(" ", "")
    for answer in accepted:
        target = match_key(answer)
        if not target:
            continue
        target_compact = target.replace(" ", "")
        if key == target or compact == target_compact:
            return True
        budget = typo_budget(len(target_compact))
        if (budget and abs(len(compact) - len(target_compact)) <= budget
                and DamerauLevenshtein.distance(compact, target_compact, score_cutoff=budget) <= budget):
            return True
    return False


def is_correct_choice(choice: int, correct: int | None) -> bool:
    return correct is not None and choice == correct
