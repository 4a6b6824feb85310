"""The /define index over every loaded deck.

Lookup order, first hit wins:

1. exact: the query's match key (case, accents, ``×``, punctuation, hyphens, a
   leading article and plain plurals ignored) equals a term or an alias;
   ``batchnorm`` also finds ``Batch Norm`` (spaces ignored); then the same with
   abbreviations expanded (``lr decay``: see :mod:`bot.deck.abbreviations`);
2. fuzzy: typo tolerance through rapidfuzz, over the few names that share a
   word (or a near-spelling of a word: one edit, two in long words, a swap or
   a changed letter in a word of three or four letters, ``nsm``, ``rleu``) with
   the query, so the cost does not grow with the size of the glossary. A fuzzy
   match also needs every word of the query to be (a near-spelling of) a word
   of the name: ``dice loss`` is not ``CE loss``;
3. ranked search: BM25 over names and definitions, stemmed (plurals, British
   spellings), typo- and prefix-tolerant (:mod:`bot.deck.fulltext`), so
   "what's the thing that removes duplicate boxes" finds non-maximum suppression.
   Its best card is a match only when it is sure: it holds most of the query's
   weight, the query's words all name it (or three of them are in it), and it
   is the only card found or leads the next by :data:`RANKED_LEAD`. Equal scores
   are ordered by how close the card's term is to the query.

When no candidate is clearly best, the reply is "did you mean" with up to three
suggestions; a name holding every word of the query (``sigmoid`` in ``Softmax vs
sigmoid``) is one. A term no card has never matches: every path above needs
every word of the query, or most of its weight, in the card it returns.
A lookup never raises for user input except :class:`QueryTooLong`.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.deck.abbreviations import expand
from bot.deck.fulltext import STOPWORDS, FullTextIndex, Hit, content_words
from bot.deck.gc_pause import gc_paused, settle_if_large
from bot.deck.lookup import Entry, Lookup, QueryTooLong, Suggestion
from bot.deck.model import Deck
from bot.deck.spelling import FUZZY_MIN_WORD, TWO_EDIT_MIN_WORD, deletes, spelled_score, spells, swaps
from bot.deck.text import match_key, normalize

MAX_QUERY = 200
MATCH_SCORE = 86.0
SUGGEST_SCORE = 60.0
MAX_SUGGESTIONS = 3
WORD_HIT_SCORE = 70.0
"""A name holding every query word scores this plus up to 15 for how much of the name they cover."""
FULLTEXT_SUGGEST_SCORE = MATCH_SCORE - 1
"""The best full-text hit that is not a match is suggested with this score, the others below it."""
RANKED_POOL = 8
"""How many cards the ranked search returns: the match, its runner-up and suggestions."""
RANKED_LEAD = 1.25
"""The best ranked card is a match only if its score is this many times the runner-up's."""
RANKED_COVERAGE = 0.5
"""... and it holds at least this share of the query's weight (idf) ..."""
RANKED_DESCRIPTION_WORDS = 3
"""... and either every query word names it, or it holds this many of them: "genetic
algorithms", both words in one definition, is a term the decks lack, not a description."""



@dataclass
class _Name:
    key: str
    text: str
    entry: Entry
    is_alias: bool


@dataclass
class Glossary:
    """An immutable-after-build index; build a new one when decks change."""

    entries: list[Entry] = field(default_factory=list)
    _exact: dict[str, list[_Name]] = field(default_factory=dict)
    _compact: dict[str, list[_Name]] = field(default_factory=dict)
    _names: list[_Name] = field(default_factory=list)
    _keys: list[str] = field(default_factory=list)
    """``_names[i].key``, kept flat: the fuzzy path reads thousands of them per query."""
    _letters: list[int] = field(default_factory=list)
    """Name i's letters plus one (its key's length less its spaces): what a word hit's
    share of the name is measured against, kept flat for the same reason."""
    _word_names: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _word_deletes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _long_words: dict[tuple[int, int, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    """Name words of six letters or more, under (a query length they may be two edits from,
    0 or 1 for first or last letter, that letter): the second-edit search reads two small lists."""
    _sorted: list[tuple[str, int]] = field(default_factory=list)
    _text: FullTextIndex = field(default_factory=FullTextIndex)
    _term_keys: list[str] = field(default_factory=list)
    """``match_key`` of entry i's term: ties in the ranked search go to the closest term."""
    _by_id: dict[tuple[str, str], Entry] = field(default_factory=dict)

    @classmethod
    def build(cls, decks: Iterable[Deck]) -> Glossary:
        """Index every card of ``decks``.

        The index is built with the cyclic collector paused and then moved out of its
        reach (:func:`~bot.deck.gc_pause.settle_if_large`): lookups that follow pay no collector pass over it."""
        g = cls()
        with gc_paused():
            for deck in decks:
                for card in deck.cards:
                    g._add(Entry(deck, card))
            g._sorted.sort()
            g._text.freeze()
        settle_if_large(len(g._sorted))
        return g

    def _add(self, entry: Entry) -> None:
        self.entries.append(entry)  # entry i is document i of the full-text index
        self._by_id.setdefault((entry.deck.id, entry.card.id), entry)
        for i, text in enumerate(entry.card.names):
            key = match_key(text)
            if not key:
                continue
            name = _Name(key, text, entry, is_alias=i > 0)
            index = len(self._names)
            self._names.append(name)
            self._keys.append(key)
            self._letters.append(max(len(key) - len(key.split()) + 1, 1))
            self._exact.setdefault(key, []).append(name)
            self._compact.setdefault(key.replace(" ", ""), []).append(name)
            self._sorted.append((normalize(text), index))
            for word in set(key.split()):
                if word not in self._word_names:
                    for variant in deletes(word):
                        self._word_deletes[variant].add(word)
                    if len(word) >= TWO_EDIT_MIN_WORD - 2:
                        for length in range(len(word) - 2, len(word) + 3):
                            self._long_words[(length, 0, word[0])].append(word)
                            self._long_words[(length, 1, word[-1])].append(word)
                self._word_names[word].append(index)
        self._text.add(entry.card.names, entry.card.definition)
        self._term_keys.append(match_key(entry.card.term))

    def __len__(self) -> int:
        return len(self.entries)

    # -- lookup ---------------------------------------------------------------

    def lookup(self, query: str) -> Lookup:
        """Find the card a query means; see the module doc for the order."""
        if len(query) > MAX_QUERY:
            raise QueryTooLong(f"a query is at most {MAX_QUERY} characters (this one has {len(query)})")
        key = match_key(query)
        if not key:
            return Lookup(query, None, None)
        found = self._exact_lookup(query, key)
        if found is not None:
            return found
        expanded = match_key(" ".join(expand(key.split())))
        if expanded != key:
            found = self._exact_lookup(query, expanded)
            if found is not None:
                return Lookup(query, found.match, "abbreviation", found.suggestions)
            key = expanded
        near = self._near_words(key)
        scored = self._fuzzy(key, near)
        if scored and scored[0].score >= MATCH_SCORE and (
            len(scored) == 1 or scored[1].score < scored[0].score - 2
        ):
            best_entry = self._entry_of(scored[0])
            if self._names_spell(key, best_entry):
                return Lookup(query, best_entry, "fuzzy", tuple(scored[1:1 + MAX_SUGGESTIONS]))
            # Close as a string, but a word of the query is in no name: only a suggestion.
            scored = _merge([_with_score(scored[0], MATCH_SCORE - 1)], scored[1:])
        scored = _merge(scored, self._word_hits(key, near))
        words = content_words(" ".join(expand(normalize(query).split())))
        hits = self._ranked(key, words)
        if hits:
            top, top_score = hits[0], hits[0].score
            # Each later card scores a little less than the one before, so equal scores keep
            # the ranked order (the closest term first) through the merge with other suggestions.
            also = [self._suggest(self.entries[h.doc], FULLTEXT_SUGGEST_SCORE * h.score / top_score - 0.1 * rank)
                    for rank, h in enumerate(hits[1:], start=1)]
            if self._sure(hits, words):
                rest = _merge(also, [s for s in scored if s.card_id != self.entries[top.doc].card.id
                                     or s.deck_id != self.entries[top.doc].deck.id])
                return Lookup(query, self.entries[top.doc], "fulltext", tuple(rest[:MAX_SUGGESTIONS]))
            scored = _merge(scored, [self._suggest(self.entries[top.doc], FULLTEXT_SUGGEST_SCORE), *also])
        suggestions = tuple(s for s in scored if s.score >= SUGGEST_SCORE)[:MAX_SUGGESTIONS]
        return Lookup(query, None, None, suggestions)

    def _exact_lookup(self, query: str, key: str) -> Lookup | None:
        exact = self._exact.get(key) or self._compact.get(key.replace(" ", ""))
        if not exact:
            return None
        best = min(exact, key=lambda n: n.is_alias)
        others = self._distinct_entries(exact, best.entry)
        return Lookup(query, best.entry, "alias" if best.is_alias else "exact",
                      tuple(Suggestion(n.entry.card.term, n.entry.deck.id, n.entry.card.id, 100.0)
                            for n in others[:MAX_SUGGESTIONS]))

    def _ranked(self, key: str, words: list[str]) -> list[Hit]:
        """The ranked search's cards, best first; equal scores go to the closest term."""
        if not words:
            return []
        hits = self._text.search(words, RANKED_POOL)
        return sorted(hits, key=lambda h: (-round(h.score, 6), -fuzz.ratio(key, self._term_keys[h.doc])))

    @staticmethod
    def _sure(hits: list[Hit], words: list[str]) -> bool:
        """Whether the best ranked card is a match rather than a suggestion. It must hold
        much of the query, and then be the only card whose names hold every query word
        (``focal lsos``, ``covariate``), or hold a description's worth of the query words
        (or all of them in its names) and lead the runner-up clearly."""
        top, runner_up = hits[0], (hits[1] if len(hits) > 1 else None)
        if top.coverage < RANKED_COVERAGE:
            return False
        distinct = len(dict.fromkeys(words))
        if top.named >= distinct and not any(h.named >= distinct for h in hits[1:]):
            return True
        evidence = top.named >= distinct or top.matched >= RANKED_DESCRIPTION_WORDS
        return evidence and (runner_up is None or top.score >= RANKED_LEAD * runner_up.score)

    def _entry_of(self, suggestion: Suggestion) -> Entry:
        return self._by_id[(suggestion.deck_id, suggestion.card_id)]

    def entry(self, deck_id: str, card_id: str) -> Entry | None:
        """The card with these ids, or None (used by "did you mean" buttons)."""
        return self._by_id.get((deck_id, card_id))

    def names_other_card(self, text: str, deck_id: str, card_id: str) -> bool:
        """True when ``text`` is exactly (as /define's exact step sees it) the term or an
        alias of a card other than ``deck_id/card_id``, and not one of that card's own names.
        Grading uses it so a neighbouring concept is never taken for a typo."""
        key = match_key(text)
        if not key:
            return False
        names = [*self._exact.get(key, ()), *self._compact.get(key.replace(" ", ""), ())]
        own = (deck_id, card_id)
        idents = {(n.entry.deck.id, n.entry.card.id) for n in names}
        return bool(idents) and own not in idents

    @staticmethod
    def _suggest(entry: Entry, score: float) -> Suggestion:
        return Suggestion(entry.card.term, entry.deck.id, entry.card.id, round(score, 1))

    @staticmethod
    def _distinct_entries(names: list[_Name], skip: Entry) -> list[_Name]:
        seen = {(skip.deck.id, skip.card.id)}
        out = []
        for name in names:
            ident = (name.entry.deck.id, name.entry.card.id)
            if ident not in seen:
                seen.add(ident)
                out.append(name)
        return out

    def _near(self, word: str, two_edits: bool) -> set[str]:
        """Name words one edit from ``word`` (symmetric deletes); failing that, and when
        ``two_edits``, words two edits away if one of the two words is long."""
        near: set[str] = set()
        word_deletes = self._word_deletes
        for variant in deletes(word):
            hits = word_deletes.get(variant)
            if hits:
                near |= hits
        if len(word) < FUZZY_MIN_WORD:
            near |= {swap for swap in swaps(word) if swap in self._word_names}
        if near or not two_edits or len(word) < TWO_EDIT_MIN_WORD - 2:
            return near
        size = len(word)
        for end, letter in ((0, word[0]), (1, word[-1])):
            choices = self._long_words.get((size, end, letter))
            if choices:
                for hit, _, _ in process.extract(word, choices, scorer=Levenshtein.distance,
                                                 score_cutoff=2, limit=None):
                    if max(len(hit), size) >= TWO_EDIT_MIN_WORD:
                        near.add(hit)
        return near

    def _near_words(self, key: str) -> dict[str, set[str]]:
        """Each query word, and the query without spaces, to the name words it may mean."""
        near = {word: self._near(word, two_edits=True) for word in key.split()}
        compact = key.replace(" ", "")
        if compact not in near:
            near[compact] = self._near(compact, two_edits=False)
        return near

    def _candidates(self, near: dict[str, set[str]]) -> list[int]:
        """Names sharing a word, or a near-spelling of a word, with the query."""
        found: set[int] = set()
        for hits in near.values():
            for hit in hits:
                found.update(self._word_names.get(hit, ()))
        return sorted(found)

    def _fuzzy(self, key: str, near: dict[str, set[str]] | None = None) -> list[Suggestion]:
        ids = self._candidates(self._near_words(key) if near is None else near)
        if not ids:
            return []
        choices = list(map(self._keys.__getitem__, ids))
        results = process.extract(key, choices, scorer=fuzz.ratio, limit=12, score_cutoff=SUGGEST_SCORE)
        return self._best_per_card((max(ratio, spelled_score(key, choice)), ids[pos])
                                   for choice, ratio, pos in results)

    def _best_per_card(self, scored: Iterable[tuple[float, int]]) -> list[Suggestion]:
        """One suggestion per card from (score, name index) pairs, its first best score
        (compared with the one-decimal score kept), best first, then by term."""
        best: dict[tuple[str, str], tuple[float, Entry]] = {}
        names = self._names
        for score, index in scored:
            entry = names[index].entry
            ident = (entry.deck.id, entry.card.id)
            kept = best.get(ident)
            if kept is None or kept[0] < score:
                best[ident] = (round(score, 1), entry)
        suggestions = [Suggestion(entry.card.term, entry.deck.id, entry.card.id, score)
                       for score, entry in best.values()]
        return sorted(suggestions, key=lambda s: (-s.score, s.term))

    @staticmethod
    def _names_spell(key: str, entry: Entry) -> bool:
        """Every word of the query (stopwords aside) spells a word of one of the card's names."""
        words = [w for w in key.split() if w not in STOPWORDS] or key.split()
        return any(all(spells(w, name) for w in words)
                   for name in (match_key(n) for n in entry.card.names) if name)

    def _word_hits(self, key: str, near: dict[str, set[str]]) -> list[Suggestion]:
        """Names holding every query word (or a near-spelling of it) as a whole word:
        ``sigmoid`` -> ``Softmax vs sigmoid``. Suggestions only, never a match."""
        words = [w for w in dict.fromkeys(key.split()) if w not in STOPWORDS]
        if not words:
            return []
        common: set[int] | None = None
        for word in words:
            ids: set[int] = set()
            for hit in near.get(word, ()):
                ids.update(self._word_names.get(hit, ()))
            common = ids if common is None else common & ids
            if not common:
                return []
        typed = sum(len(w) for w in words)
        # A name holds every word itself, not only a near-spelling, when it is listed under each.
        spelled = set(self._word_names.get(words[0], ()))
        for word in words[1:]:
            spelled.intersection_update(self._word_names.get(word, ()))
        letters, cap = self._letters, MATCH_SCORE - 1
        ranked = [(min((WORD_HIT_SCORE if index in spelled else WORD_HIT_SCORE - 8)
                       + 15 * typed / letters[index], cap), index) for index in common or ()]
        # Only the best few can be suggested: a short typo may hit hundreds of names.
        return self._best_per_card(heapq.nlargest(4 * MAX_SUGGESTIONS, ranked))

    # -- autocomplete ---------------------------------------------------------

    def complete(self, prefix: str, limit: int = 25) -> list[str]:
        """Terms for an autocomplete box: prefix matches first, then fuzzy ones."""
        text = normalize(prefix[:MAX_QUERY])
        out: list[str] = []
        seen: set[str] = set()

        def add(term: str) -> None:
            if term not in seen and len(out) < limit:
                seen.add(term)
                out.append(term)

        if not text:
            for entry in sorted(self.entries, key=lambda e: e.card.term.lower())[:limit]:
                add(entry.card.term)
            return out
        start = bisect.bisect_left(self._sorted, (text, -1))
        for name_text, index in self._sorted[start:]:
            if not name_text.startswith(text) or len(out) >= limit:
                break
            add(self._names[index].entry.card.term)
        if len(out) < limit:
            for suggestion in self._fuzzy(match_key(prefix[:MAX_QUERY])):
                add(suggestion.term)
        return out


def _with_score(suggestion: Suggestion, score: float) -> Suggestion:
    return Suggestion(suggestion.term, suggestion.deck_id, suggestion.card_id, min(suggestion.score, score))


def _merge(first: list[Suggestion], second: list[Suggestion]) -> list[Suggestion]:
    best: dict[tuple[str, str], Suggestion] = {}
    for s in [*first, *second]:
        ident = (s.deck_id, s.card_id)
        if ident not in best or best[ident].score < s.score:
            best[ident] = s
    return sorted(best.values(), key=lambda s: (-s.score, s.term))
