"""What a written name carries besides the term: section numbers, step labels, shared suffixes.

Real notes wrap their terms: pandoc numbers sections ("1.1 Gradient descent"),
how-tos label steps ("s1:", "Step 2:"), and flashcard exports tag every front
the same way ("Dropout - definition", "Bias (ML)"). These helpers take that
wrapping off before :func:`bot.deck.notes.draft.split_name` reads the name,
so "Bias (ML)" and "Variance (ML)" become two terms, not two qualifiers of
one, and a step of a recipe never becomes a card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SECTION_NUMBER = re.compile(r"^\s*(?:§\s*)?\d+(?:\.\d+)*[.)]?\s+(?=\S)")
_STEP_LABEL = re.compile(r"^\s*(?:s|step|stage|phase)\s*\d+[a-z]?\s*[:.)]?\s*$", re.IGNORECASE)
_TOC_HEADING = re.compile(r"^\s*(?:table of contents|contents|toc|index|outline)\s*:?\s*$", re.IGNORECASE)
_SUFFIX_START = re.compile(r"\s+(?:[-–—:|/]+\s+|\()")
MIN_NAMES_FOR_SUFFIX = 3


def strip_section_number(name: str) -> str:
    """``1.1 Gradient descent`` -> ``Gradient descent``; a name that is only a number stays."""
    stripped = _SECTION_NUMBER.sub("", name, count=1)
    return stripped if re.search(r"[A-Za-z]", stripped) else name


def is_step_label(name: str) -> bool:
    """``s1``, ``Step 2:``, ``stage 3``: the label of a step in a procedure, not a term."""
    return bool(_STEP_LABEL.match(name))


def is_toc_heading(heading: str) -> bool:
    """``Table of Contents``, ``Contents``, ``TOC``: a heading over navigation, not a term."""
    return bool(_TOC_HEADING.match(heading))


def shared_suffix(names: Sequence[str]) -> str:
    """The tail every name ends with, from a separator on (`` - definition``, `` (ML)``), or ''.

    Only a suffix that starts at a separator (a dash, colon, bar or slash
    between spaces, or an opening parenthesis) counts, every name must have
    text before it, and there must be at least :data:`MIN_NAMES_FOR_SUFFIX`
    names: two names that happen to end alike are not a file's convention.
    """
    names = [n.strip() for n in names if n.strip()]
    if len(names) < MIN_NAMES_FOR_SUFFIX:
        return ""
    common = names[0]
    for name in names[1:]:
        n = 0
        while n < min(len(common), len(name)) and common[-1 - n] == name[-1 - n]:
            n += 1
        common = common[len(common) - n:] if n else ""
        if not common:
            return ""
    shortest = min(names, key=len)
    starts = [m.start() for m in _SUFFIX_START.finditer(shortest)]
    for start in starts:
        tail = shortest[start:]
        if len(tail) <= len(common) and common.endswith(tail) and re.search(r"[A-Za-z]", tail):
            if tail.lstrip().startswith("(") and not tail.endswith(")"):
                continue
            return tail
    return ""


def strip_suffix(name: str, suffix: str) -> str:
    """``name`` without ``suffix`` (as found by :func:`shared_suffix`)."""
    return name.rstrip()[: -len(suffix)].rstrip() if suffix and name.rstrip().endswith(suffix) else name
