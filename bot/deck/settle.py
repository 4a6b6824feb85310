"""Waiting, at start, for deck files that are still being written.

A file read between two writes of a slow copy (or of a writer that flushes in pieces) is
unchanged while it is read, so the read-time check of :func:`bot.deck.files.read_deck_bytes`
cannot tell it is partial; a cut at a card boundary is even a valid deck. The hot-reload
watcher avoids this by acting only once the folder held still for one interval; at start
there is no earlier look to compare with, so a file modified less than ``still_s`` ago is
given up to ``wait_s`` to grow old enough. What is still changing then is left out of the
returned states, so :func:`bot.deck.load.load_decks` does not load it (it lists it as
unsettled) and the watcher loads it once it holds still.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from bot.deck.files import FileState, find_deck_files

START_STILL_S = 0.5
"""How long a deck file must have gone unmodified to be read at start."""
START_WAIT_S = 2.0
"""The most start waits for young files; files still changing after it are left to the watcher."""


def settled_states(paths: Iterable[Path], still_s: float | None = None,
                   wait_s: float | None = None) -> dict[str, FileState]:
    """The state of each deck file under ``paths`` whose last change is at least ``still_s``
    (default :data:`START_STILL_S`) old, waiting (sleeping, at most ``wait_s``, default
    :data:`START_WAIT_S`) while some are younger. A file that cannot be looked at is left out
    too. Costs one ``stat`` per file when nothing was just written."""
    still_s = START_STILL_S if still_s is None else still_s
    wait_s = START_WAIT_S if wait_s is None else wait_s
    folders = list(paths)
    deadline = time.monotonic() + wait_s
    while True:
        states: dict[str, FileState] = {}
        youngest_age_ns: int | None = None
        now_ns = time.time_ns()
        for deck_file in find_deck_files(folders):
            try:
                state = FileState.of(deck_file.path.stat())
            except OSError:
                continue
            age_ns = now_ns - state.mtime_ns
            if age_ns < still_s * 1e9:
                youngest_age_ns = age_ns if youngest_age_ns is None else min(youngest_age_ns, age_ns)
                continue
            states[str(deck_file.path)] = state
        left = deadline - time.monotonic()
        if youngest_age_ns is None or left <= 0:
            return states
        time.sleep(min(left, max(still_s - youngest_age_ns / 1e9, 0.01)))
