"""/define lookup latency over a generated 50,000-term glossary, beside a plain rapidfuzz lookup.

10,000 mixed queries (exact with case/hyphen noise, alias or acronym, one typo,
miss) are timed one by one, in ``PASSES`` passes; p50/p99 are taken over every
timing of every pass (and p99 of each pass is printed, so one noisy pass shows),
with the machine's load average beside them. The baseline is what one would
write without an index: an exact dict of lowercased names, and on a miss
``rapidfuzz.process.extractOne`` over every name. It scans all ~65,000 names
per miss, so it is timed on a fixed random sample of the same queries
(``baseline_queries``); the speedup compares p50 with p50.
Target: p99 <= 1 ms and >= 50x faster than the baseline.
"""

from __future__ import annotations

import os
import random
import string
import time

from _common import emit, note, percentile
from rapidfuzz import process

from bot.deck.glossary import Glossary
from bot.deck.model import Card, Deck

TERMS = 50_000
QUERIES = 10_000
PASSES = 3
BASELINE_QUERIES = 200  # a miss scans every name (~65 ms each)
DECKS = 10
SEED = 20240
TARGET_P99_MS = 1.0
TARGET_SPEEDUP = 50

_ONSETS = ["", "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
           "br", "ch", "cl", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th", "tr"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
_CODAS = ["", "", "n", "r", "s", "t", "l", "m", "x", "nd", "st", "rk"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                   for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        word = _word(rng)
        if len(word) >= 3:
            words.add(word)
    return sorted(words)


def build_decks(rng: random.Random) -> list[Deck]:
    """50,000 unique multi-word terms; half of the multi-word ones carry an acronym, some a synonym."""
    vocab = _vocabulary(rng, 12_000)
    seen: set[str] = set()
    cards: list[Card] = []
    while len(cards) < TERMS:
        term = " ".join(rng.sample(vocab, rng.choices((1, 2, 3), weights=(25, 50, 25))[0]))
        if term in seen:
            continue
        seen.add(term)
        words = term.split()
        aliases: list[str] = []
        if len(words) > 1 and rng.random() < 0.5:
            aliases.append("".join(w[0] for w in words).upper() + str(rng.randint(1, 99)))
        if rng.random() < 0.3:
            aliases.append(" ".join(rng.sample(vocab, 2)))
        definition = " ".join(rng.sample(vocab, rng.randint(8, 20))).capitalize() + "."
        cards.append(Card(id=f"c{len(cards)}", term=term.capitalize(), definition=definition,
                          aliases=tuple(aliases)))
    size = TERMS // DECKS
    return [Deck(id=f"deck-{i}", title=f"Deck {i}", cards=tuple(cards[i * size:(i + 1) * size]))
            for i in range(DECKS)]


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word))
    edit = rng.choice(("delete", "insert", "replace", "swap"))
    if edit == "delete" and len(word) > 4:
        return word[:i] + word[i + 1:]
    if edit == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if edit == "insert":
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i:]
    return word[:i] + rng.choice([c for c in string.ascii_lowercase if c != word[i]]) + word[i + 1:]


def build_queries(rng: random.Random, decks: list[Deck]) -> list[tuple[str, str, str | None]]:
    """(kind, query, the card id it means or None for a miss)."""
    cards = [c for d in decks for c in d.cards]
    with_aliases = [c for c in cards if c.aliases]
    known = {w for c in cards for name in c.names for w in name.lower().split()}
    out: list[tuple[str, str, str | None]] = []
    for _ in range(QUERIES):
        roll = rng.random()
        if roll < 0.35:
            card = rng.choice(cards)
            query = rng.choice((card.term, card.term.upper(), card.term.lower().replace(" ", "-")))
            out.append(("exact", query, card.id))
        elif roll < 0.55:
            card = rng.choice(with_aliases)
            out.append(("alias", rng.choice(card.aliases).lower(), card.id))
        elif roll < 0.85:
            card = rng.choice(cards)
            words = card.term.lower().split()
            j = max(range(len(words)), key=lambda k: len(words[k]))
            words[j] = _typo(rng, words[j])
            out.append(("typo", " ".join(words), card.id))
        else:
            words = []
            while len(words) < rng.choice((1, 2)):
                word = _word(rng)
                if word not in known and len(word) >= 4:
                    words.append(word)
            out.append(("miss", " ".join(words), None))
    return out


def main() -> None:
    rng = random.Random(SEED)
    decks = build_decks(rng)
    queries = build_queries(rng, decks)
    start = time.perf_counter()
    glossary = Glossary.build(decks)
    build_s = time.perf_counter() - start
    note(f"bench_define: glossary of {len(glossary)} cards built in {build_s:.2f}s")

    load_before = os.getloadavg()[0]
    timings: list[float] = []
    pass_p99: list[float] = []
    found = {"exact": [0, 0], "alias": [0, 0], "typo": [0, 0], "miss": [0, 0]}
    clock = time.perf_counter_ns
    for n in range(PASSES):
        this_pass: list[float] = []
        for kind, query, card_id in queries:
            t0 = clock()
            result = glossary.lookup(query)
            this_pass.append((clock() - t0) / 1e6)
            if n == 0:
                hit = result.match.card.id if result.match else None
                ok = hit == card_id if card_id is None else (
                    hit == card_id or any(s.card_id == card_id for s in result.suggestions))
                found[kind][0] += ok
                found[kind][1] += 1
        pass_p99.append(percentile(this_pass, 99))
        timings.extend(this_pass)
    load_after = os.getloadavg()[0]

    exact = {name.lower(): card for deck in decks for card in deck.cards for name in card.names}
    names = list(exact)
    sample = random.Random(SEED + 1).sample(queries, BASELINE_QUERIES)
    baseline: list[float] = []
    for _, query, _ in sample:
        t0 = clock()
        if query.lower() not in exact:
            process.extractOne(query.lower(), names, score_cutoff=60)
        baseline.append((clock() - t0) / 1e6)

    p50, p99 = percentile(timings, 50), percentile(timings, 99)
    base_p50, base_p99 = percentile(baseline, 50), percentile(baseline, 99)
    speedup = base_p50 / p50
    emit({
        "bench": "define",
        "terms": TERMS,
        "queries": QUERIES,
        "passes": PASSES,
        "p50_ms": round(p50, 4),
        "p99_ms": round(p99, 4),
        "p99_ms_per_pass": [round(v, 4) for v in pass_p99],
        "loadavg_1m": [round(load_before, 2), round(load_after, 2)],
        "cpus": os.cpu_count(),
        "max_ms": round(max(timings), 3),
        "build_s": round(build_s, 2),
        "found": {kind: round(n / total, 3) for kind, (n, total) in found.items()},
        "baseline": "exact dict, then rapidfuzz.process.extractOne over every name",
        "baseline_queries": BASELINE_QUERIES,
        "baseline_names": len(names),
        "baseline_p50_ms": round(base_p50, 3),
        "baseline_p99_ms": round(base_p99, 3),
        "speedup_p50": round(speedup, 1),
        "target_p99_ms": TARGET_P99_MS,
        "target_speedup": TARGET_SPEEDUP,
        "ok": p99 <= TARGET_P99_MS and speedup >= TARGET_SPEEDUP,
    })


if __name__ == "__main__":
    main()
