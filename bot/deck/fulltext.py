"""The ranked search behind /define: BM25 over each card's names and definition.

Each card is one document with two fields, its names (term and aliases, weighted
:data:`NAME_WEIGHT` times) and its definition; words are normalised, stemmed
(:func:`bot.deck.stemming.stem`: plurals and British spellings fold) and common words
dropped. A query word the index does not hold is read as a typo of an indexed word one
edit away (two in words of eight letters), or failing that as the start of indexed words
(``prec``), each at a discount. Postings are plain dicts holding each word's BM25 score
per card, computed once, so a query costs the postings of its few words. bm25s was
measured for this first: one query over 50,000 cards took p50 3.6 ms, p99 11 ms (its
sparse matrices pay off for batches of queries, not for one), over the 1 ms budget.

Every hit says how much of the query it explains (:attr:`Hit.coverage`) and whether a
query word names the card, so the glossary can decide when the best hit is a match.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from bot.deck.stemming import stem
from bot.deck.text import normalize

STOPWORDS = frozenset({
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "of", "to", "in", "on", "for",
    "with", "by", "and", "or", "not", "no", "as", "at", "it", "its", "this", "that", "which",
    "what", "who", "how", "why", "when", "where", "does", "do", "did", "can", "could", "should",
    "would", "will", "from", "into", "than", "then", "so", "such", "but", "if", "about", "over",
    "under", "more", "less", "most", "very", "your", "you", "we", "they", "their", "there",
    "whats", "thing", "things", "called", "call", "plus", "something", "get", "gets", "using",
    "use", "uses", "used", "i", "me", "my", "our", "us", "s", "e", "g", "eg", "ie",
})
"""Words that say nothing about which card is meant, including the fillers of a question
("what's the thing that ...")."""

NAME_WEIGHT = 3.0
"""A word in a card's names counts this many times a word of its definition."""
TYPO_WEIGHT = 0.8
PREFIX_WEIGHT = 0.6
MIN_PREFIX = 3
MAX_PREFIX_WORDS = 8
MAX_TYPO_STEMS = 2
"""A word that is a typo of many indexed words (``seax``: sea, seat, sex, ...) is read as
the few closest: each costs its postings, and more say less about which card is meant."""
K1 = 1.2
B = 0.75


def content_words(text: str) -> list[str]:
    """The normalised words of ``text`` that can tell cards apart (stopwords dropped)."""
    return [w for w in normalize(text).split() if w not in STOPWORDS]


@dataclass(frozen=True)
class Hit:
    """One card found by the search."""

    doc: int
    score: float
    coverage: float
    """The share of the query's weight (idf) this card holds: 1.0 when every word is in it."""
    matched: int
    """How many distinct query words are in the card."""
    named: int
    """How many distinct query words are in the card's names."""


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))} | {word}


@dataclass
class FullTextIndex:
    """Documents are numbered in the order they are added; add all, then search."""

    _postings: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    _named: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    """Stem -> the documents whose names hold it."""
    _lengths: list[float] = field(default_factory=list)
    _total_length: float = 0.0
    _surface: dict[str, str] = field(default_factory=dict)
    """Every indexed word as written (normalised) -> its stem: typos and prefixes are
    matched against words as members write them, not against stems (``poolin``)."""
    _typos: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _sorted_words: list[str] = field(default_factory=list)
    _scored: dict[str, dict[int, float]] = field(default_factory=dict)
    """Stem -> document -> its BM25 term score (idf times saturated tf), computed once by
    :meth:`freeze`: a query then only adds numbers."""
    _idf: dict[str, float] = field(default_factory=dict)
    _dirty: bool = False

    def add(self, names: tuple[str, ...] | list[str], definition: str) -> int:
        """Index one card; returns its document number."""
        doc = len(self._lengths)
        counts: dict[str, float] = defaultdict(float)
        name_stems = set()
        for name in names:
            for word in content_words(name):
                name_stems.add(self._word_stem(word))
        for s in name_stems:
            counts[s] += NAME_WEIGHT
        for word in content_words(definition):
            counts[self._word_stem(word)] += 1.0
        length = sum(counts.values())
        self._lengths.append(length)
        self._total_length += length
        for s in name_stems:
            self._named[s].add(doc)
        for s, tf in counts.items():
            self._postings[s][doc] = tf
        self._dirty = True
        return doc

    def _word_stem(self, word: str) -> str:
        known = self._surface.get(word)
        if known is None:
            known = self._surface[word] = stem(word)
            if len(word) >= 4:
                for variant in _deletes(word):
                    self._typos[variant].add(word)
        return known

    def freeze(self) -> None:
        """Finish the index after the last :meth:`add` (searching also does it once)."""
        self._ready()

    def _ready(self) -> None:
        if not self._dirty:
            return
        self._sorted_words = sorted(self._surface)
        total = len(self._lengths)
        average = self._total_length / total if total else 1.0
        lengths = self._lengths
        for s, postings in self._postings.items():
            idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
            self._idf[s] = idf
            self._scored[s] = {doc: idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[doc] / average))
                               for doc, tf in postings.items()}
        self._dirty = False

    def resolve(self, word: str) -> list[tuple[str, float]]:
        """The indexed stems a query word stands for, with their weight: its own stem (1.0),
        else the stems of indexed words one edit away (two for words of eight letters),
        else the stems of indexed words it starts."""
        s = stem(word)
        if s in self._postings:
            return [(s, 1.0)]
        if len(word) >= 4:
            near: set[str] = set()
            for variant in _deletes(word):
                near |= self._typos.get(variant, set())
            allowed = 2 if len(word) >= 8 else 1
            if len(word) <= 4:  # as for names: a short word is no typo of a longer or shorter one
                near = {n for n in near if len(n) == len(word)}
            ranked = sorted((OSA.distance(word, n, score_cutoff=allowed), n) for n in near)
            close = dict.fromkeys(self._surface[n] for d, n in ranked if d <= allowed)
            if close:
                return [(n, TYPO_WEIGHT) for n in list(close)[:MAX_TYPO_STEMS]]
        if len(word) >= MIN_PREFIX:
            self._ready()
            start = bisect.bisect_left(self._sorted_words, word)
            found: dict[str, float] = {}
            for candidate in self._sorted_words[start:start + MAX_PREFIX_WORDS]:
                if not candidate.startswith(word):
                    break
                found[self._surface[candidate]] = PREFIX_WEIGHT
            return list(found.items())
        return []

    def search(self, words: list[str], limit: int) -> list[Hit]:
        """The best ``limit`` cards for the (normalised, content) ``words``, best first.

        Only the scores are summed over every card a word reaches; coverage, matched and
        named words are counted for the ``limit`` cards returned (the same sums, in the
        same word order, so the figures are those of a full count)."""
        total = len(self._lengths)
        if not total:
            return []
        self._ready()
        max_idf = math.log(1 + (total + 0.5) / 0.5)
        query_weight = 0.0
        found: list[tuple[dict[int, float], list[str], float]] = []
        """Per query word the index holds: each card's part of it, its stems, its idf."""
        for word in dict.fromkeys(words):
            stems = self.resolve(word)
            if not stems:
                query_weight += max_idf
                continue
            word_idf = max(self._idf[s] for s, _ in stems)
            query_weight += word_idf
            found.append((self._word_parts(stems), [s for s, _ in stems], word_idf))
        if not found:
            return []
        scores = self._sum_scores([parts for parts, _, _ in found])
        best = heapq.nlargest(limit, scores, key=scores.__getitem__)
        hits = []
        for doc in best:
            weight, matched, named = 0.0, 0, 0
            for parts, word_stems, word_idf in found:
                if doc in parts:
                    weight += word_idf
                    matched += 1
                    named += any(doc in self._named.get(s, ()) for s in word_stems)
            hits.append(Hit(doc, scores[doc], weight / query_weight if query_weight else 0.0, matched, named))
        return hits

    def _word_parts(self, stems: list[tuple[str, float]]) -> dict[int, float]:
        """Each card's score for one query word: its stem's BM25 part times the stem's
        weight; a typo or a prefix read as several stems counts each card's best one."""
        if len(stems) == 1:
            s, discount = stems[0]
            scored = self._scored[s]
            return scored if discount == 1.0 else {doc: discount * part for doc, part in scored.items()}
        parts: dict[int, float] = {}
        get = parts.get
        for s, discount in stems:
            for doc, part in self._scored[s].items():
                value = discount * part
                if value > get(doc, 0.0):
                    parts[doc] = value
        return parts

    @staticmethod
    def _sum_scores(per_word: list[dict[int, float]]) -> dict[int, float]:
        """Each card's score: the sum of its parts in query word order (a card's first
        part is its score as is, so the sums are those of adding from 0.0)."""
        if len(per_word) == 1:
            return per_word[0]
        scores = dict(per_word[0])
        get = scores.get
        for parts in per_word[1:]:
            for doc, part in parts.items():
                scores[doc] = get(doc, 0.0) + part
        return scores
