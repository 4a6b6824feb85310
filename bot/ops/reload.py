"""Deck hot reload: poll the decks directory and swap in a new library on change.

Polling file names, modification times and sizes needs no dependency and works
on bind mounts and network file systems where inotify does not. On a change the
whole directory is reloaded through :meth:`DeckLibrary.reload`, which keeps the
last good version of a deck whose file is now broken and drops a deck whose
file is gone. Open rounds are untouched: each keeps its own copy of its question.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from bot.deck.library import DeckLibrary
from bot.deck.load import deck_files
from bot.quiz.service import QuizService

log = logging.getLogger("bot.ops")

Snapshot = dict[str, tuple[int, int]]
"""Deck file path -> (mtime in ns, size in bytes)."""


def snapshot(decks_dir: Path) -> Snapshot:
    """What the deck files look like now; a file that vanishes while being looked at is left out."""
    state: Snapshot = {}
    try:
        files = deck_files([decks_dir]) if decks_dir.is_dir() else []
    except OSError:
        return state
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        state[str(path)] = (st.st_mtime_ns, st.st_size)
    return state


def log_changes(old: DeckLibrary, new: DeckLibrary) -> None:
    """One line per deck added, changed, removed or kept at its last good version, and per problem."""
    before = {d.id: d for d in old.decks}
    after = {d.id: d for d in new.decks}
    broken = {p.path for p in new.problems if p.severity == "error"}
    for deck_id in sorted(after.keys() - before.keys()):
        deck = after[deck_id]
        log.info("event=deck_added deck=%s cards=%d file=%s", deck_id, len(deck.cards), deck.path)
    for deck_id in sorted(before.keys() - after.keys()):
        log.info("event=deck_removed deck=%s file=%s", deck_id, before[deck_id].path)
    for deck_id in sorted(before.keys() & after.keys()):
        deck = after[deck_id]
        if deck is before[deck_id]:
            if deck.path in broken:
                log.warning("event=deck_kept_last_good deck=%s file=%s", deck_id, deck.path)
        elif deck != before[deck_id]:
            log.info("event=deck_changed deck=%s cards=%d file=%s", deck_id, len(deck.cards), deck.path)
    for problem in new.problems:
        if problem.severity == "error":
            log.error("event=deck_skipped problem=%r", str(problem))
        else:
            log.warning("event=deck_warning problem=%r", str(problem))
    log.info("event=decks_reloaded decks=%d cards=%d problems=%d", len(new.decks), new.card_count,
             sum(1 for p in new.problems if p.severity == "error"))


class DeckWatcher:
    """Reloads ``decks_dir`` into ``service`` whenever its deck files change.

    ``on_reload`` is called with each new library (metrics). A reload that raises
    (it should not: bad decks are reported, not raised) is logged and the old
    library stays.
    """

    def __init__(self, service: QuizService, decks_dir: Path, interval_s: float,
                 on_reload: Callable[[DeckLibrary], None] = lambda _: None) -> None:
        self.service = service
        self.decks_dir = decks_dir
        self.interval_s = interval_s
        self.on_reload = on_reload
        self._seen = snapshot(decks_dir)

    async def check(self) -> bool:
        """Reload if anything changed since the last check. True when a reload happened."""
        current = snapshot(self.decks_dir)
        if current == self._seen:
            return False
        self._seen = current
        old = self.service.library
        try:
            # parsing YAML takes a while for big decks: keep the event loop free meanwhile
            new = await asyncio.to_thread(old.reload, self.decks_dir)
        except Exception:
            log.exception("event=deck_reload_failed dir=%s", self.decks_dir)
            return False
        self.service.set_library(new)
        log_changes(old, new)
        self.on_reload(new)
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Check every ``interval_s`` until ``stop`` is set."""
        log.info("event=deck_watch_started dir=%s interval=%ss", self.decks_dir, self.interval_s)
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.interval_s)
            except TimeoutError:
                await self.check()
