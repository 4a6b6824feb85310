"""Text normalisation shared by validation, the glossary and grading.

One definition of "the same words" everywhere: a term that clashes in a deck
is exactly a term that /define and grading treat as equal.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_ARTICLES = frozenset({"a", "an", "the"})
_FOLDS = str.maketrans({"×": "x", "✕": "x", "⨯": "x", "∗": "*", "−": "-", "·": " "})
"""Characters Unicode compatibility folding leaves alone but members type for plain ones:
``1×1 conv`` is ``1x1 conv``. Ligatures, full-width forms, superscripts and accents are
folded by NFKD in :func:`strip_accents`; dashes and punctuation become spaces in :func:`normalize`."""
_SINGULAR_S = frozenset({"alias", "atlas", "bias", "canvas", "lens", "news", "series", "species"})
"""Singular words ending in ``s`` that the plain rules would shorten."""


def strip_accents(text: str) -> str:
    """``Réseau`` -> ``Reseau``: accents never make an answer wrong."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Lowercase, no accents, ``×`` as ``x``, ligatures split, punctuation and hyphens as
    spaces, spaces collapsed.

    ``"Non-Maximum  Suppression!"`` -> ``"non maximum suppression"``.
    """
    folded = (text.lower() if text.isascii() else strip_accents(text.translate(_FOLDS)).casefold()).replace("_", " ")
    return " ".join(_NON_WORD.sub(" ", folded).split())


@functools.lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """A cheap English singular for matching: ``embeddings`` -> ``embedding``.

    Only plain ``-s``/``-es`` plurals of words longer than three letters are
    folded; ``loss``, ``bias`` and ``focus`` stay as they are.
    """
    if len(word) <= 3 or word.endswith(("ss", "us", "is")) or word in _SINGULAR_S:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def match_key(text: str) -> str:
    """The key two names are compared by: normalised, singular, no leading article."""
    words = normalize(text).split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(singular(w) for w in words)


_NAME_SEPARATOR = re.compile(r"[\s\-_]+")


def _is_y_plural(word: str) -> bool:
    return len(word) > 2 and word[-1] in "yY" and word[-2].lower() not in "aeiou"


def _needle(parts: list[str]) -> str:
    """A plain lowercase substring every match of the name's pattern contains ('' if none)."""
    last = parts[-1]
    needle = parts[0] if len(parts) > 1 or not _is_y_plural(last) else last[:-1]
    return needle.lower() if needle.isascii() else ""


@functools.lru_cache(maxsize=4096)
def _name_pattern(name: str) -> re.Pattern[str]:
    """Spaces, hyphens and underscores in the name match any run of them, or none
    (``Batch Norm`` masks ``batch-norm`` and ``batchnorm``); the last word may be
    plural (``-s``, ``-es``, ``-y`` -> ``-ies``)."""
    parts = [part for part in _NAME_SEPARATOR.split(name) if part]
    last = parts[-1]
    tail = re.escape(last[:-1]) + "(?:y|ies)" if _is_y_plural(last) else re.escape(last) + "(?:e?s)?"
    body = r"[\s\-_]*".join([*(re.escape(part) for part in parts[:-1]), tail])
    return re.compile(r"(?<!\w)" + body + r"(?!\w)", re.IGNORECASE)


def mask_names(text: str, names: tuple[str, ...]) -> str:
    """Replace every name in ``text`` by ``____`` so a prompt does not give the answer away."""
    out = text
    lowered = text.lower()
    for name in sorted(names, key=len, reverse=True):
        parts = [part for part in _NAME_SEPARATOR.split(name) if part]
        if len(name) < 2 or not parts:
            continue
        needle = _needle(parts)
        if needle and needle not in lowered:
            continue  # the cheap test first: most definitions contain none of the names
        out = _name_pattern(name).sub("____", out)
    return out


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters on a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)].rsplit(" ", 1)[0]
    return cut + "…"
