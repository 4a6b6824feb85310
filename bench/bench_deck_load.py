"""Deck load: a generated 10,000-card deck file parsed and validated by ``load_deck_file``.

The cards look like the shipped ones (aliases, a folded definition, source,
tags, links, a hand-written question on every fifth card). Measured, best of 3
each, in the same run:

- cold: ``load_deck_file`` without a cache (parse, compose with positions, validate);
- warm: ``load_deck_file`` through a :class:`DeckCache` that already holds the file
  (read, hash, decode the compiled entry);
- baseline: ``yaml.load(text, yaml.CSafeLoader)``, libyaml with PyYAML's constructor,
  no positions, no validation: what a plain YAML loader costs (garbage collector
  paused like ours, so the comparison is fair).

Wall-clock and CPU seconds are both printed, with the load average: on a shared
machine the CPU time moves less. Targets: warm <= 0.5 s and <= 0.35x cold; cold <= 1 s.
"""

from __future__ import annotations

import os
import random
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from _common import best_of, emit, note

from bot.deck.cache import DeckCache
from bot.deck.gc_pause import gc_paused
from bot.deck.load import load_deck_file

CARDS = 10_000
SEED = 7
RUNS = 3
TARGET_WARM_S = 0.5
TARGET_WARM_RATIO = 0.35
TARGET_COLD_S = 1.0

_SYLLABLES = ["ba", "co", "de", "fi", "gu", "ha", "ji", "ko", "lu", "ma", "ne", "po", "qui", "ra", "si",
              "tu", "ve", "wo", "xa", "yo", "ze", "tion", "ing", "er", "al", "ous"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))


def deck_text(rng: random.Random) -> str:
    vocab = sorted({_word(rng) for _ in range(6000)})
    lines = [
        "# Generated for bench/bench_deck_load.py",
        "deck: bench",
        "title: Bench deck",
        "description: >-",
        "  Ten thousand generated cards.",
        "source: notes/bench.md",
        "tags: [bench]",
        "cards:",
    ]
    for i in range(CARDS):
        term = f"{' '.join(rng.sample(vocab, rng.randint(1, 3)))} {i}"
        definition = " ".join(rng.sample(vocab, rng.randint(12, 30))).capitalize() + "."
        lines += [
            f"  - id: card-{i}",
            f"    term: {term.capitalize()}",
            f"    aliases: [{'T' + str(i)}, {rng.choice(vocab)} alias {i}]",
            "    definition: >-",
            *("      " + chunk for chunk in textwrap.wrap(definition, 72)),
            f'    source: {{note: notes/bench.md, heading: "Section {i // 50}"}}',
            f"    tags: [{rng.choice(vocab)}, group-{i % 40}]",
        ]
        if i % 3 == 0:
            lines.append(f"    links: [https://example.org/cards/{i}]")
        if i % 5 == 0:
            choices = rng.sample(vocab, 4)
            lines += [
                "    questions:",
                f"      - ask: Which word goes with card {i}?",
                f"        choices: [{', '.join(choices)}]",
                f"        answer: {rng.randrange(4)}",
                "        explain: Because the generator said so.",
            ]
    return "\n".join(lines) + "\n"


def best_cpu_of(runs: int, fn: Callable[[], object]) -> float:
    """The least CPU time (this process) of ``runs`` calls of ``fn``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    text = deck_text(random.Random(SEED))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(text, encoding="utf-8")
        cache = DeckCache(Path(tmp) / "cache")
        deck, warnings = load_deck_file(path, cache)  # proves the deck is valid, and fills the cache
        assert len(deck.cards) == CARDS, len(deck.cards)
        assert load_deck_file(path, cache) == (deck, warnings) and cache.hits == 1
        note(f"bench_deck_load: {path.stat().st_size} bytes, {len(warnings)} warning(s)")
        load_before = os.getloadavg()[0]
        cold = best_of(RUNS, lambda: load_deck_file(path))
        warm = best_of(RUNS, lambda: load_deck_file(path, cache))
        cold_cpu = best_cpu_of(RUNS, lambda: load_deck_file(path))
        warm_cpu = best_cpu_of(RUNS, lambda: load_deck_file(path, cache))

        def baseline_load() -> object:
            with gc_paused():
                return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        baseline = best_of(RUNS, baseline_load)
        baseline_cpu = best_cpu_of(RUNS, baseline_load)
        # Where the cold time goes: libyaml's C parser producing the events alone.
        with gc_paused():
            events = best_of(RUNS, lambda: [None for _ in yaml.parse(text, Loader=yaml.CSafeLoader)])
        load_after = os.getloadavg()[0]
    emit({
        "bench": "deck_load",
        "cards": CARDS,
        "bytes": len(text.encode()),
        "warm_s": round(warm, 3),
        "cold_s": round(cold, 3),
        "warm_to_cold": round(warm / cold, 2),
        "warm_cpu_s": round(warm_cpu, 3),
        "cold_cpu_s": round(cold_cpu, 3),
        "runs": RUNS,
        "baseline": "yaml.load(CSafeLoader), no positions, no validation",
        "baseline_s": round(baseline, 3),
        "baseline_cpu_s": round(baseline_cpu, 3),
        "cold_to_baseline": round(cold / baseline, 2),
        "warm_speedup_vs_baseline": round(baseline / warm, 1),
        "libyaml_events_s": round(events, 3),
        "loadavg_1m": [round(load_before, 2), round(load_after, 2)],
        "cpus": os.cpu_count(),
        "target": {"warm_s": TARGET_WARM_S, "warm_to_cold": TARGET_WARM_RATIO, "cold_s": TARGET_COLD_S},
        "ok": warm <= TARGET_WARM_S and warm <= TARGET_WARM_RATIO * cold and cold <= TARGET_COLD_S,
    })


if __name__ == "__main__":
    main()
