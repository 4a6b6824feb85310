"""Is this answer right?

Free text is compared with every accepted answer after :func:`match_key`
(case, accents, punctuation, hyphens, a leading article and plain plurals do
not matter), then with spaces removed (``batchnorm`` = ``batch norm``), then
with a typo budget. The budget is given to each word on its own, by that
word's length in the accepted answer: none up to 4 characters, 1 up to 8, 2 up
to 14, 3 beyond. So a typo is forgiven, but a short word that names another
thing is not: ``mean pooling`` is not ``max pooling``, ``L2 loss`` is not
``L1 loss``, ``type I error`` is not ``type II error``. When the answer is
spaced differently (``batch normalisaton`` for ``batchnormalization``), the
words that run together are compared joined, each group with its own budget.
Digits are never edited: ``ReLU`` is not ``ReLU6``, ``conv1d`` is not
``conv2d``.

The whole answer is compared with the whole accepted answer, never a part of
it, so ``air`` is not ``chair`` and a short wrong word never matches a long
answer. And an answer that exactly names another card (``rivals``) is only
right when it is itself one of the accepted answers: ``Fast R-CNN`` is never
a typo of ``Faster R-CNN``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz.distance import DamerauLevenshtein

from bot.deck.text import match_key

MAX_JOINED_WORDS = 4
"""How many words may run together into one word of the other side (``batchnorm``)."""


def typo_budget(length: int) -> int:
    """How many single-character edits a word of this length may carry."""
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    if length <= 14:
        return 2
    return 3


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _close(given: str, target: str) -> bool:
    """``given`` is ``target`` up to ``target``'s typo budget (one word, or words joined)."""
    if given == target:
        return True
    budget = typo_budget(len(target))
    return (budget > 0 and abs(len(given) - len(target)) <= budget
            and DamerauLevenshtein.distance(given, target, score_cutoff=budget) <= budget)


def _words_close(given: Sequence[str], target: Sequence[str]) -> bool:
    """Word by word within budget; where the counts differ, runs of up to
    :data:`MAX_JOINED_WORDS` words on one side may stand for one word on the other."""
    if len(given) == len(target):
        return all(_close(g, t) for g, t in zip(given, target, strict=True))
    n, m = len(given), len(target)
    reach = [[False] * (m + 1) for _ in range(n + 1)]
    reach[0][0] = True
    for i in range(n + 1):
        for j in range(m + 1):
            if not reach[i][j] or (i, j) == (n, m):
                continue
            for span in range(1, MAX_JOINED_WORDS + 1):
                # ``span`` given words for one target word, and one given word for ``span`` target words
                if i + span <= n and j < m and not reach[i + span][j + 1] \
                        and _close("".join(given[i:i + span]), target[j]):
                    reach[i + span][j + 1] = True
                if span > 1 and j + span <= m and i < n and not reach[i + 1][j + span] \
                        and _close(given[i], "".join(target[j:j + span])):
                    reach[i + 1][j + span] = True
    return reach[n][m]


def is_correct_text(given: str, accepted: tuple[str, ...],
                    rivals: Callable[[str], bool] | None = None) -> bool:
    """True when ``given`` is one of ``accepted`` up to the rules in the module doc.

    ``rivals(given)`` says whether ``given`` exactly names another card; such an
    answer is right only when it is one of ``accepted`` (never through typos).
    """
    key = match_key(given)
    if not key:
        return False
    compact = key.replace(" ", "")
    targets = [t for t in (match_key(a) for a in accepted) if t]
    if any(key == t or compact == t.replace(" ", "") for t in targets):
        return True
    words, digits = key.split(), _digits(key)
    for target in targets:
        if _digits(target) != digits:
            continue
        target_compact = target.replace(" ", "")
        if abs(len(compact) - len(target_compact)) > typo_budget(len(target_compact)) * len(target.split()):
            continue  # cheap bound: every word's budget together cannot bridge the lengths
        if _words_close(words, target.split()):
            return rivals is None or not rivals(given)
    return False


def is_correct_choice(choice: int, correct: int | None) -> bool:
    return correct is not None and choice == correct
