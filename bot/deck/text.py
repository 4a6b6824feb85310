"""Text normalisation shared by validation, the glossary and grading.

One definition of "the same words" everywhere: a term that clashes in a deck
is exactly a term that /define and grading treat as equal.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_ARTICLES = frozenset({"a", "an", "the"})


def strip_accents(text: str) -> str:
    """``Réseau`` -> ``Reseau``: accents never make an answer wrong."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Lowercase, no accents, punctuation and hyphens as spaces, spaces collapsed.

    ``"Non-Maximum  Suppression!"`` -> ``"non maximum suppression"``.
    """
    folded = strip_accents(text).casefold().replace("_", " ")
    return " ".join(_NON_WORD.sub(" ", folded).split())


def singular(word: str) -> str:
    """A cheap English singular for matching: ``embeddings`` -> ``embedding``.

    Only plain ``-s``/``-es`` plurals of words longer than three letters are
    folded; ``loss``, ``bias`` and ``focus`` stay as they are.
    """
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
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


def mask_names(text: str, names: tuple[str, ...]) -> str:
    """Replace every name in ``text`` by ``____`` so a prompt does not give the answer away."""
    out = text
    for name in sorted(names, key=len, reverse=True):
        if len(name) < 2:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?:e?s)?(?!\w)", re.IGNORECASE)
        out = pattern.sub("____", out)
    return out


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters on a word boundary, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)].rsplit(" ", 1)[0]
    return cut + "…"
