"""Typo tolerance for /define: how far a typed word may be from a name word and still mean it.

Three-letter words allow one swap of adjacent letters, four-letter words a swap or a changed
letter (never one more or less: ``elu`` is not ``relu``), longer words one edit, and two
once the longer word has :data:`TWO_EDIT_MIN_WORD` letters. Pure functions over strings;
the glossary's indexes (symmetric deletes, swaps) are built from :func:`deletes` and
:func:`swaps`.
"""

from __future__ import annotations

from itertools import pairwise

from rapidfuzz.distance import OSA

SPELLED_EDIT_COST = 4.0
"""A name spelled word for word within typo tolerance scores 100 less this per edit."""

FUZZY_MIN_WORD = 4
"""Shorter words are matched exactly: one edit in a three-letter word makes another word."""


TWO_EDIT_MIN_WORD = 8
"""Two edits are allowed when the longer of two words has at least this many letters."""


def deletes(word: str) -> set[str]:
    """The word and every string one deletion away (the symmetric-delete typo index)."""
    if len(word) < FUZZY_MIN_WORD:
        return {word}
    return {word[:i] + word[i + 1:] for i in range(len(word))} | {word}


SHORT_WORD = 4
"""Words up to this long allow only a swap or a changed letter, never one more or less:
``rleu`` is ReLU, ``elu`` is not."""


def swaps(word: str) -> set[str]:
    """``nsm`` -> ``snm``, ``nms``: the transpositions of a short word."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}


def _allowed_edits(a: str, b: str, longer: int) -> int:
    if longer <= SHORT_WORD:
        return 1 if len(a) == len(b) else 0
    return 1 if longer < TWO_EDIT_MIN_WORD else 2


def _edits(a: str, b: str) -> int | None:
    """The typo distance (OSA) between two words if it is within tolerance, else None.

    Three-letter words: one swap of adjacent letters. Four letters: one swap or changed
    letter. Longer: one edit, two when the longer word has :data:`TWO_EDIT_MIN_WORD` letters.
    """
    if a == b:
        return 0
    longer = max(len(a), len(b))
    if longer < FUZZY_MIN_WORD:
        return 1 if len(a) == len(b) and b in swaps(a) else None
    allowed = _allowed_edits(a, b, longer)
    if abs(len(a) - len(b)) > allowed:
        return None
    distance = OSA.distance(a, b, score_cutoff=allowed)
    return distance if distance <= allowed else None


def spells(word: str, name_key: str) -> bool:
    """True when ``word`` is, within the allowed edits, a word of the name, two adjacent
    words written together (``nonmaximum``) or the whole name without spaces."""
    parts = name_key.split()
    segments = {*parts, *(a + b for a, b in pairwise(parts)), "".join(parts)}
    return any(_edits(word, segment) is not None for segment in segments)


def spelled_score(key: str, name_key: str) -> float:
    """100 less :data:`SPELLED_EDIT_COST` per edit when the query spells the name word for
    word within typo tolerance (``rleu`` -> ``relu``: 96), else 0. Edit ratios punish a
    swap in a short word too hard (``rleu`` is 75% ``relu``) for a match."""
    words, parts = key.split(), name_key.split()
    if len(words) != len(parts):
        return 0.0
    total = 0
    for word, part in zip(words, parts, strict=True):
        edits = _edits(word, part)
        if edits is None:
            return 0.0
        total += edits
    return 100.0 - SPELLED_EDIT_COST * total
