"""A cache of compiled decks, so an unchanged deck file is not parsed and validated again.

An entry is keyed by the SHA-256 of the loader's version and the file's exact
bytes, and holds the valid deck and its warnings as plain JSON (never pickle:
reading an entry builds only strings, numbers and lists, then the model's own
dataclasses). Guarantees:

- A hit returns what a fresh load of the same bytes returns: the same cards,
  lines and warnings; only the file's path is filled in from the caller.
- An entry is never trusted across loader versions: :data:`LOADER_VERSION`
  fingerprints the source of every module that decides what a load returns, and
  PyYAML's version; a change to any of them misses every old entry.
- A cache that cannot be written (a read-only disk) or an entry that cannot be
  read back (corrupt, truncated, another format) costs a fresh load, never an
  error; a corrupt entry is overwritten by the rebuilt one.
- Only decks without errors are stored: a broken file is parsed every time,
  so its problems are always current.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from bot.deck.gc_pause import gc_paused
from bot.deck.model import Card, ChoiceQuestion, Deck, Question, Source, TextQuestion
from bot.deck.problems import Problem

log = logging.getLogger("bot.deck")

FORMAT = 1
"""The layout of an entry; bump it when :func:`_encode` changes."""

_LOADER_MODULES = ("bot.deck.load", "bot.deck.names", "bot.deck.walker", "bot.deck.yaml_nodes", "bot.deck.model",
                   "bot.deck.problems", "bot.deck.text", "bot.deck.generate", "bot.deck.words", "bot.deck.stemming",
                   "bot.deck.lint_rules", "bot.deck.cache")
"""Every module whose code decides what a deck load returns (``generate``, with the content words and
stems it masks clues by, and ``lint_rules`` decide warnings)."""

MAX_ENTRIES = 256
"""Entries kept; beyond it the least recently used are removed when a new one is written."""


def _loader_version() -> str:
    digest = hashlib.sha256(f"format {FORMAT}; pyyaml {yaml.__version__}".encode())
    for name in _LOADER_MODULES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec else None
        digest.update(name.encode())
        if origin:
            digest.update(Path(origin).read_bytes())
    return digest.hexdigest()[:16]


LOADER_VERSION = _loader_version()


class DeckCache:
    """Compiled decks in ``folder``, one JSON file per (loader version, file content).

    ``hits`` and ``misses`` count lookups since creation (for tests and metrics).
    The folder is made on the first write; nothing is written while it cannot be.
    """

    def __init__(self, folder: Path, loader_version: str = LOADER_VERSION,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.folder = folder
        self.loader_version = loader_version
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0

    @classmethod
    def beside(cls, db_path: Path) -> DeckCache:
        """The cache for a bot whose database is ``db_path``: ``.quizbot-cache/decks`` beside it,
        so it lives on the same (writable) volume, and a read-only decks folder still works."""
        return cls(db_path.parent / ".quizbot-cache" / "decks")

    def key(self, raw: bytes) -> str:
        return hashlib.sha256(self.loader_version.encode() + b"\0" + raw).hexdigest()

    def _entry(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, raw: bytes, path: str) -> tuple[Deck, list[Problem]] | None:
        """The deck compiled from exactly these bytes, with its warnings, or None."""
        entry = self._entry(self.key(raw))
        try:
            with gc_paused():  # tens of thousands of objects that all stay alive
                data = json.loads(entry.read_bytes())
                if data["format"] != FORMAT or data["loader"] != self.loader_version:
                    raise ValueError("another loader's entry")
                found = _decode_deck(data["deck"], path), [_decode_problem(p, path) for p in data["warnings"]]
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            log.debug("event=deck_cache_entry_ignored file=%s entry=%s reason=%r", path, entry.name, str(exc)[:80])
            self.misses += 1
            return None
        self.hits += 1
        try:
            os.utime(entry)  # recently used: kept by the pruning below
        except OSError:
            pass
        return found

    def put(self, raw: bytes, deck: Deck, warnings: list[Problem]) -> None:
        """Store a valid deck compiled from ``raw``; a cache that cannot be written is skipped."""
        body = json.dumps({"format": FORMAT, "loader": self.loader_version, "deck": _encode_deck(deck),
                           "warnings": [_encode_problem(p) for p in warnings]},
                          ensure_ascii=False, separators=(",", ":")).encode()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".tmp-", suffix=".json",
                                             delete=False) as tmp:
                tmp.write(body)
            os.replace(tmp.name, self._entry(self.key(raw)))  # readers see a whole entry or none
        except OSError as exc:
            log.debug("event=deck_cache_not_written dir=%s reason=%r", self.folder, exc.strerror)
            return
        self._prune()

    def _prune(self) -> None:
        try:
            entries = [(e.stat().st_mtime_ns, e) for e in self.folder.glob("*.json")]
        except OSError:
            return
        if len(entries) <= self.max_entries:
            return
        entries.sort()
        for _, old in entries[: len(entries) - self.max_entries]:
            try:
                old.unlink()
            except OSError:
                pass


# --- plain data --------------------------------------------------------------
# Lists, not objects with key names: an entry for 10,000 cards reads back in a few tens of ms.

def _encode_question(q: Question) -> list[Any]:
    if isinstance(q, ChoiceQuestion):
        return ["choice", q.ask, list(q.choices), q.answer, q.explain]
    return ["text", q.ask, list(q.accept), q.explain]


def _decode_question(data: list[Any]) -> Question:
    if data[0] == "choice":
        return ChoiceQuestion(ask=data[1], choices=tuple(data[2]), answer=int(data[3]), explain=data[4])
    if data[0] == "text":
        return TextQuestion(ask=data[1], accept=tuple(data[2]), explain=data[3])
    raise ValueError(f"unknown question kind {str(data[0])[:20]!r}")


def _encode_card(c: Card) -> list[Any]:
    return [c.id, c.term, c.definition, list(c.aliases), [c.source.note, c.source.heading, c.source.text_hash],
            list(c.links), list(c.tags), [_encode_question(q) for q in c.questions], list(c.distractors),
            c.from_notes, c.line]


def _decode_card(d: list[Any]) -> Card:
    if len(d) != 11:
        raise ValueError("a card entry has 11 fields")
    note, heading, text_hash = d[4]
    return Card(id=d[0], term=d[1], definition=d[2], aliases=tuple(d[3]),
                source=Source(note=note, heading=heading, text_hash=text_hash), links=tuple(d[5]),
                tags=tuple(d[6]), questions=tuple(_decode_question(q) for q in d[7]),
                distractors=tuple(d[8]), from_notes=bool(d[9]), line=int(d[10]))


def _encode_deck(deck: Deck) -> dict[str, Any]:
    return {"id": deck.id, "title": deck.title, "description": deck.description, "source": deck.source,
            "tags": list(deck.tags), "line": deck.line, "cards": [_encode_card(c) for c in deck.cards]}


def _decode_deck(d: dict[str, Any], path: str) -> Deck:
    return Deck(id=d["id"], title=d["title"], cards=tuple(_decode_card(c) for c in d["cards"]),
                description=d["description"], source=d["source"], tags=tuple(d["tags"]), path=path,
                line=int(d["line"]))


def _encode_problem(p: Problem) -> list[Any]:
    return [p.line, p.column, p.field, p.message, p.severity]


def _decode_problem(d: list[Any], path: str) -> Problem:
    line, column, field_path, message, severity = d
    return Problem(path, int(line), int(column), field_path, message, severity)
