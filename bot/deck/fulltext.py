"""Word search over definitions: the /define fallback when no name matches.

A small BM25-style index: each card's term and definition, words folded like
names (:func:`match_key`'s normalisation and singular), common words ignored.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from bot.deck.text import normalize, singular

STOPWORDS = frozenset({
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "of", "to", "in", "on", "for",
    "with", "by", "and", "or", "not", "no", "as", "at", "it", "its", "this", "that", "which",
    "what", "who", "how", "why", "when", "where", "does", "do", "did", "can", "could", "should",
    "would", "will", "from", "into", "than", "then", "so", "such", "but", "if", "about", "over",
    "under", "more", "less", "most", "very", "your", "you", "we", "they", "their", "there"
})


@dataclass
class FullTextIndex:
    """Documents are numbered in the order they are added."""

    _postings: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    _lengths: list[int] = field(default_factory=list)

    def add(self, text: str) -> int:
        """Index one document; returns its number."""
        doc = len(self._lengths)
        words = [singular(w) for w in normalize(text).split()]
        self._lengths.append(len(words))
        for word in words:
            if word not in STOPWORDS:
                postings = self._postings[word]
                postings[doc] = postings.get(doc, 0) + 1
        return doc

    def contains(self, doc: int, word: str) -> bool:
        """Whether document ``doc`` holds ``word`` (folded like the index)."""
        return doc in self._postings.get(singular(word), {})

    def search(self, key: str, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` (document, score) pairs for the words of ``key``, best first."""
        words = {singular(w) for w in key.split() if w not in STOPWORDS}
        total = len(self._lengths)
        scores: dict[int, float] = defaultdict(float)
        for word in words:
            postings = self._postings.get(word)
            if not postings:
                continue
            idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
            for doc, count in postings.items():
                scores[doc] += idf * (count * 2.2) / (count + 1.2 * (0.25 + 0.75 * self._lengths[doc] / 30))
        return sorted(scores.items(), key=lambda kv: -kv[1])[:limit]
