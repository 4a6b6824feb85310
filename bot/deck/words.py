"""Content words: the words of a text that carry its meaning, as English stems.

Questions generated from a card must not give the answer away, and wrong
options must come from the card's topic. Both questions are about *words*:
does the clue share a meaningful word with the answer (``intersection`` in the
clue of "Intersection over union")? How many meaningful words do two
definitions share? A stem (:func:`bot.deck.stemming.stem`, the one /define uses)
answers both for every form of a word (``invariance`` and ``invariant``, ``boxes``
and ``box``); function words (``the``, ``of``, ``which``) never count.
"""

from __future__ import annotations

import functools
import re

from bot.deck.stemming import stem
from bot.deck.text import strip_accents

_WORD = re.compile(r"[a-z0-9]+")

_STOP_TEXT = """
a about above after again against all also an and any are as at be because been before being below between
both but by can could did do does doing down during each either else every few for from further had has have
having here how however i if in into is it its itself just like many may more most much must my neither no nor
not now of off often on once one only or other our out over own per same should so some such than that the
their them then there these they this those through thus to too two under until up us use used uses using very
via was we were what when where whether which while who whom whose why will with within without would you your
e g eg ie vs versus etc
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
"""Words that carry no topic: they never leak an answer and never make two cards related."""


def tokens(text: str) -> list[str]:
    """Lowercase ASCII word tokens of ``text`` (accents dropped; punctuation separates)."""
    return _WORD.findall((text if text.isascii() else strip_accents(text)).lower())


def is_content(word: str) -> bool:
    """A word that can carry meaning: not a function word, and not a lone letter or digit."""
    return len(word) > 1 and word not in STOP_WORDS and not word.isdigit()


@functools.lru_cache(maxsize=16384)
def content_stems(text: str) -> frozenset[str]:
    """The stems of the content words of ``text``."""
    return frozenset(stem(word) for word in tokens(text) if is_content(word))


def name_stems(names: tuple[str, ...]) -> frozenset[str]:
    """Content stems of a card's term and aliases, with run-together forms split as written.

    ``R-CNN`` gives ``r``-less ``cnn``; ``Non-maximum suppression`` gives ``non``,
    ``maximum`` and ``suppress``. Single letters never count (``R`` in ``R-MAC``).
    """
    out: set[str] = set()
    for name in names:
        out |= content_stems(name)
    return frozenset(out)
