"""Deck load: a generated 10,000-card deck file parsed and validated by ``load_deck_file``.

The cards look like the shipped ones (aliases, a folded definition, source,
tags, links, a hand-written question on every fifth card). Best of 3, beside
plain ``yaml.load(text, yaml.SafeLoader)`` (PyYAML's pure-Python loader, no
validation) of the same file in the same run; that baseline takes several
seconds, so it runs once. Target: <= 0.5 s.
"""

from __future__ import annotations

import random
import tempfile
import textwrap
from pathlib import Path

import yaml
from _common import best_of, emit, note

from bot.deck.gc_pause import gc_paused
from bot.deck.load import load_deck_file

CARDS = 10_000
SEED = 7
RUNS = 3
BASELINE_RUNS = 1
TARGET_S = 0.5

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


def main() -> None:
    text = deck_text(random.Random(SEED))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(text, encoding="utf-8")
        deck, warnings = load_deck_file(path)  # also proves the generated deck is valid
        assert len(deck.cards) == CARDS, len(deck.cards)
        note(f"bench_deck_load: {path.stat().st_size} bytes, {len(warnings)} warning(s)")
        seconds = best_of(RUNS, lambda: load_deck_file(path))
        # Where the time goes: libyaml's C parser producing the events, and its C composer
        # building the node tree (no positions kept for our errors, no validation).
        # (with the garbage collector paused, as load_deck_file does)
        with gc_paused():
            events = best_of(RUNS, lambda: [None for _ in yaml.parse(text, Loader=yaml.CSafeLoader)])
            composed = best_of(RUNS, lambda: yaml.compose(text, Loader=yaml.CSafeLoader))
        baseline = best_of(BASELINE_RUNS, lambda: yaml.load(path.read_text(encoding="utf-8"),
                                                             Loader=yaml.SafeLoader))
    emit({
        "bench": "deck_load",
        "cards": CARDS,
        "bytes": len(text.encode()),
        "seconds": round(seconds, 3),
        "runs": RUNS,
        "baseline": "yaml.load(SafeLoader) (pure Python, no validation)",
        "baseline_seconds": round(baseline, 3),
        "baseline_runs": BASELINE_RUNS,
        "speedup": round(baseline / seconds, 1),
        "libyaml_events_s": round(events, 3),
        "libyaml_compose_s": round(composed, 3),
        "target_s": TARGET_S,
        "ok": seconds <= TARGET_S,
    })


if __name__ == "__main__":
    main()
