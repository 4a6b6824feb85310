"""The compiled-deck cache: a hit returns exactly what a fresh load returns, and nothing stale."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.deck.cache import LOADER_VERSION, DeckCache
from bot.deck.library import DeckLibrary
from bot.deck.load import DeckError, load_deck_file

WriteDeck = Callable[[str, str], Path]

RICH = """
deck: rich
title: Rich deck
description: Every kind of field, so a round trip through the cache covers them all.
source: notes/rich.md
tags: [demo, cache]
cards:
  - id: nms
    term: Non-maximum suppression
    aliases: [NMS, non max suppression]
    definition: >-
      Removes duplicate boxes in object detection: keep the most confident proposal,
      drop proposals that overlap it by more than a threshold.
    source: {note: notes/rich.md, heading: "NMS", text_hash: 0123abcd}
    links: [https://example.org/nms]
    tags: [detection]
    distractors: [Anchor boxes]
    from_notes: false
    questions:
      - ask: In NMS, which box is kept first?
        choices: [The most confident, The largest, A random one]
        answer: 0
        explain: The highest score wins.
      - ask: Name the technique that removes duplicate detections.
        accept: [non-maximum suppression, NMS]
  - id: cnn
    term: CNN
    definition: Short text.
"""


@pytest.fixture
def cache(tmp_path: Path) -> DeckCache:
    return DeckCache(tmp_path / "cache")


def test_a_second_load_of_the_same_file_hits_the_cache(write_deck: WriteDeck, cache: DeckCache) -> None:
    path = write_deck("rich.yaml", RICH)
    load_deck_file(path, cache)
    assert (cache.hits, cache.misses) == (0, 1)
    load_deck_file(path, cache)
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_cached_deck_and_warnings_equal_a_fresh_load(write_deck: WriteDeck, cache: DeckCache) -> None:
    path = write_deck("rich.yaml", RICH)
    fresh_deck, fresh_warnings = load_deck_file(path)
    load_deck_file(path, cache)
    cached_deck, cached_warnings = load_deck_file(path, cache)
    assert cache.hits == 1
    assert cached_deck == fresh_deck
    assert [c.line for c in cached_deck.cards] == [c.line for c in fresh_deck.cards]
    assert cached_deck.line == fresh_deck.line and cached_deck.path == str(path)
    assert cached_warnings == fresh_warnings and len(fresh_warnings) == 3  # acronym, short, no question


def test_a_copy_of_the_file_elsewhere_hits_and_reports_its_own_path(
    tmp_path: Path, write_deck: WriteDeck, cache: DeckCache
) -> None:
    path = write_deck("rich.yaml", RICH)
    load_deck_file(path, cache)
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(path.read_bytes())
    deck, warnings = load_deck_file(copy, cache)
    assert cache.hits == 1
    assert deck.path == str(copy) and {w.path for w in warnings} == {str(copy)}


def test_an_edited_file_misses_the_cache(write_deck: WriteDeck, cache: DeckCache) -> None:
    path = write_deck("rich.yaml", RICH)
    load_deck_file(path, cache)
    write_deck("rich.yaml", RICH.replace("Short text.", "Short text, now longer than five words."))
    deck, warnings = load_deck_file(path, cache)
    assert (cache.hits, cache.misses) == (0, 2)
    assert deck.card("cnn").definition == "Short text, now longer than five words."  # type: ignore[union-attr]
    assert len(warnings) == 1  # the acronym only


def test_an_entry_from_another_loader_version_is_never_used(
    tmp_path: Path, write_deck: WriteDeck, cache: DeckCache
) -> None:
    path = write_deck("rich.yaml", RICH)
    load_deck_file(path, cache)
    newer = DeckCache(cache.folder, loader_version=LOADER_VERSION + "-next")
    load_deck_file(path, newer)
    assert (newer.hits, newer.misses) == (0, 1)


def test_an_entry_claiming_another_loader_version_is_ignored(write_deck: WriteDeck, cache: DeckCache) -> None:
    path = write_deck("rich.yaml", RICH)
    load_deck_file(path, cache)
    entry = cache.folder / f"{cache.key(path.read_bytes())}.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["loader"] = "someone-else"
    entry.write_text(json.dumps(data), encoding="utf-8")
    load_deck_file(path, cache)
    assert (cache.hits, cache.misses) == (0, 2)


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"format": 1}', b'{"format": 1, "loader": "x"}',
                                    b"\xff\xfe\x00garbage"])
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(
    write_deck: WriteDeck, cache: DeckCache, damage: bytes
) -> None:
    path = write_deck("rich.yaml", RICH)
    fresh = load_deck_file(path, cache)
    entry = cache.folder / f"{cache.key(path.read_bytes())}.json"
    entry.write_bytes(damage)
    assert load_deck_file(path, cache) == fresh
    assert (cache.hits, cache.misses) == (0, 2)
    assert load_deck_file(path, cache) == fresh  # the rebuilt entry serves the next load
    assert cache.hits == 1


def test_a_truncated_cache_entry_is_ignored(write_deck: WriteDeck, cache: DeckCache) -> None:
    path = write_deck("rich.yaml", RICH)
    fresh = load_deck_file(path, cache)
    entry = cache.folder / f"{cache.key(path.read_bytes())}.json"
    body = json.loads(entry.read_text(encoding="utf-8"))
    body["deck"]["cards"][0] = body["deck"]["cards"][0][:5]  # a card with missing fields
    entry.write_text(json.dumps(body), encoding="utf-8")
    assert load_deck_file(path, cache) == fresh
    assert cache.hits == 0


def test_a_cache_folder_that_cannot_be_written_still_loads(tmp_path: Path, write_deck: WriteDeck) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    cache = DeckCache(blocker / "decks")
    path = write_deck("rich.yaml", RICH)
    assert load_deck_file(path, cache) == load_deck_file(path)
    assert load_deck_file(path, cache)[0].id == "rich"
    assert cache.hits == 0


def test_a_broken_deck_is_not_cached(write_deck: WriteDeck, cache: DeckCache) -> None:
    path = write_deck("rich.yaml", RICH.replace("term: CNN", "term: [CNN]"))
    for _ in range(2):
        with pytest.raises(DeckError):
            load_deck_file(path, cache)
    assert cache.hits == 0 and not list(cache.folder.glob("*.json"))


def test_reload_reads_unchanged_files_from_the_cache(tmp_path: Path, write_deck: WriteDeck,
                                                     cache: DeckCache) -> None:
    write_deck("rich.yaml", RICH)
    write_deck("other.yaml", RICH.replace("deck: rich", "deck: other").replace("id: nms", "id: nms2")
               .replace("Non-maximum", "Nonmaximum").replace("NMS", "NMX").replace("non max", "non maxi")
               .replace("CNN", "RNN"))
    library = DeckLibrary.load(tmp_path / "decks", cache=cache)
    assert cache.misses == 2
    write_deck("other.yaml", (tmp_path / "decks" / "other.yaml").read_text().replace("Short text.", "Brief."))
    fresh = library.reload(tmp_path / "decks")
    assert (cache.hits, cache.misses) == (1, 3)
    assert fresh.card("other", "cnn").definition == "Brief."  # type: ignore[union-attr]


def test_old_entries_beyond_the_limit_are_removed(write_deck: WriteDeck, tmp_path: Path) -> None:
    cache = DeckCache(tmp_path / "cache", max_entries=2)
    path = write_deck("rich.yaml", RICH)
    for n in range(4):
        write_deck("rich.yaml", RICH.replace("Rich deck", f"Rich deck {n}"))
        load_deck_file(path, cache)
    assert len(list(cache.folder.glob("*.json"))) == 2


def test_the_bot_keeps_its_deck_cache_beside_the_database(tmp_path: Path, write_deck: WriteDeck) -> None:
    from bot.app import load_library
    from bot.config import Settings

    write_deck("rich.yaml", RICH)
    settings = Settings(db_path=tmp_path / "data" / "quizbot.db", decks_dir=tmp_path / "decks")
    first = load_library(settings)
    again = load_library(settings)
    assert again.cache is not None and again.cache.folder == tmp_path / "data" / ".quizbot-cache" / "decks"
    assert again.cache.hits == 1 and again.decks == first.decks


NOT_DECIDING = {"bot.deck.files", "bot.deck.gc_pause"}
"""Modules a deck load runs that do not decide what it returns (which bytes are read; GC timing)."""


def _bot_imports(module: str) -> set[str]:
    """The ``bot.*`` modules ``module`` imports, at the top or inside a function."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("bot."))
    return found


def test_loader_version_fingerprints_every_module_a_deck_load_depends_on() -> None:
    from bot.deck.cache import _LOADER_MODULES

    seen: set[str] = set()
    todo = ["bot.deck.load"]
    while todo:
        module = todo.pop()
        if module in seen or module in NOT_DECIDING:
            continue
        seen.add(module)
        todo.extend(_bot_imports(module))
    assert sorted(seen - set(_LOADER_MODULES)) == []
