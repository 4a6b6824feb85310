"""Pausing the cyclic garbage collector while a large acyclic structure is built, and
settling a large one out of its reach afterwards.

Loading a deck or building the glossary allocates hundreds of thousands of small
objects that all stay alive; the collector would rescan them again and again
(a 10,000-card deck loads about twice as slowly). They form no reference
cycles, so nothing is left for the collector when it resumes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


SETTLE_MIN_ENTRIES = 2_000
"""Below this many entries the collector's passes over the index cost less than one full
collection of the whole process (:func:`settle_if_large`), which grows with everything else alive."""


def settle_if_large(entries: int) -> None:
    """Collect once, then freeze every object alive into the collector's permanent
    generation (:func:`gc.freeze`), when ``entries`` is at least :data:`SETTLE_MIN_ENTRIES`.
    A built index is hundreds of thousands of acyclic
    objects; left to the collector, its passes walk all of them (hundreds of milliseconds
    on 50,000 cards, inside some unlucky lookup) and /define's p99 over a large glossary
    is higher. Frozen objects are still freed by reference counting when a rebuilt
    glossary replaces this one; a cycle among objects frozen earlier is collected at the
    next build, which unfreezes everything first."""
    if entries < SETTLE_MIN_ENTRIES:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()
