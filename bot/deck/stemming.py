"""Word stems for /define's ranked search: plurals, verb forms and British spellings fold.

``boxes`` and ``box``, ``regularisation`` and ``regularization``, ``normalising`` and
``normalize`` get one stem, so a member's spelling never decides whether a card is found.
British forms are first rewritten to American ones by a few suffix rules (the decks use
both), then the Snowball English stemmer (PyStemmer, a C extension: about 2 µs a word,
and every stem is cached) does the rest. Index and query go through the same function,
so a rule that over-folds a word can only make two words equal, never lose one.
"""

from __future__ import annotations

import functools
import re

import Stemmer

_STEMMER = Stemmer.Stemmer("english")

_BRITISH = [
    (re.compile(r"(?<=\w{3})is(ation|ations|e|es|ed|er|ers|ing)$"), r"iz\1"),  # regularise, tokeniser
    (re.compile(r"(?<=\w{2})ys(e|es|ed|ing)$"), r"yz\1"),                        # analyse
    (re.compile(r"(?<=\w{3})our(s|ed|ing|hood|hoods|ite|ites)?$"), r"or\1"),     # colour, neighbourhood
    (re.compile(r"(?<=\w{3})tre(s|d)?$"), r"ter\1"),                             # centre
    (re.compile(r"(?<=\w{3})ell(ed|ing|er|ers)$"), r"el\1"),                     # modelling, labelled
    (re.compile(r"(?<=\w{3})ogue(s)?$"), r"og\1"),                               # catalogue
]
"""British suffix -> American suffix. Only words of six letters or more are touched
(``our``, ``four``, ``rise`` stay)."""


def americanize(word: str) -> str:
    """``normalisation`` -> ``normalization``; other words unchanged."""
    if len(word) < 6:
        return word
    for pattern, replacement in _BRITISH:
        changed = pattern.sub(replacement, word)
        if changed != word:
            return changed
    return word


@functools.lru_cache(maxsize=131072)
def stem(word: str) -> str:
    """The stem of one lowercase, normalised word (see :func:`bot.deck.text.normalize`)."""
    return str(_STEMMER.stemWord(americanize(word)))
