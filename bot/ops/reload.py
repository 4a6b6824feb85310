"""Deck hot reload: poll the decks directory and swap in a new library on change.

Polling file names, modification times, sizes and inodes needs no dependency and
works on bind mounts and network file systems where inotify does not. A change
is acted on only once the directory has held still for one interval (two checks
in a row see the same state), and then each file is read only if it is still in
exactly that state (see :func:`bot.deck.load.load_decks`): a deck being written
is never parsed half-written, and a file replaced by an atomic rename (a new
inode) is read once it holds still. The directory is reloaded through
:meth:`DeckLibrary.reload`, which keeps the last good version of a deck whose
file is broken or still changing and drops a deck whose file is gone; unchanged
files come from the deck cache. Open rounds are untouched: each keeps its own
copy of its question. Problems are logged at most
:data:`~bot.deck.problems.LOGGED_PER_FILE` per file, then one "and N more" line.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.deck.files import FileState
from bot.deck.library import DeckLibrary
from bot.deck.load import deck_files
from bot.deck.problems import Problem, capped_by_file
from bot.quiz.service import QuizService

log = logging.getLogger("bot.ops")

Snapshot = dict[str, FileState]
"""Deck file path -> its mtime, size and inode."""


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
        state[str(path)] = FileState.of(st)
    return state


def log_problems(logger: logging.Logger, problems: Iterable[Problem]) -> None:
    """One line per problem, at most :data:`~bot.deck.problems.LOGGED_PER_FILE` per file, then
    one line counting the rest: a file with 100,000 problems does not flood the log."""
    for path, shown, more in capped_by_file(problems):
        for problem in shown:
            if problem.severity == "error":
                logger.error("event=deck_skipped problem=%r", str(problem))
            else:
                logger.warning("event=deck_warning problem=%r", str(problem))
        if more:
            logger.warning("event=deck_problems_truncated file=%s more=%d hint=%r", path, more,
                           f"and {more} more; run 'quizbot decks lint' on the file for all of them")


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
    log_problems(log, new.problems)
    for path in new.unsettled:
        log.info("event=deck_file_still_changing file=%s", path)
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
        """What the previous check saw."""
        self._loaded = {} if service.library.unsettled else self._seen
        """The state the service's library reflects (none yet when a file was still
        being written at start: it is then loaded once the folder holds still)."""

    async def check(self) -> bool:
        """Reload when the files differ from the loaded ones and held still since the
        previous check (one interval). True when a reload happened."""
        current = snapshot(self.decks_dir)
        if current != self._seen:
            self._seen = current  # still changing, or just changed: look again next interval
            return False
        if current == self._loaded:
            return False
        old = self.service.library
        try:
            # parsing YAML takes a while for big decks: keep the event loop free meanwhile
            new = await asyncio.to_thread(old.reload, self.decks_dir, settled=current)
        except Exception:
            log.exception("event=deck_reload_failed dir=%s", self.decks_dir)
            return False
        if not new.unsettled:  # otherwise the next check retries the files still changing
            self._loaded = current
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
