"""At start, a deck file written to just now is waited for, and left out while it keeps changing."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bot.deck.library import DeckLibrary
from bot.deck.settle import settled_states
from tests.helpers import SMALL_DECK
from tests.process import write_deck


def age(path: Path, seconds: float) -> None:
    """Set the file's modification time ``seconds`` ago (negative: in the future)."""
    when = time.time_ns() - int(seconds * 1e9)
    os.utime(path, ns=(when, when))


def test_a_file_unmodified_for_long_enough_is_settled_at_once(tmp_path: Path) -> None:
    path = write_deck(tmp_path, SMALL_DECK)
    age(path, 60)

    states = settled_states([tmp_path], still_s=0.5, wait_s=0.0)

    assert list(states) == [str(path)]


def test_a_file_that_keeps_changing_is_left_out_after_the_wait(tmp_path: Path) -> None:
    old = write_deck(tmp_path, SMALL_DECK, "old.yaml")
    age(old, 60)
    young = write_deck(tmp_path, SMALL_DECK.replace("deck: demo", "deck: young"), "young.yaml")
    age(young, -60)  # modified "after now" for the whole wait: it never holds still long enough

    states = settled_states([tmp_path], still_s=0.5, wait_s=0.05)

    assert set(states) == {str(old)}


def test_a_file_written_just_before_is_waited_for_and_then_settled(tmp_path: Path) -> None:
    path = write_deck(tmp_path, SMALL_DECK)
    age(path, 0.02)

    states = settled_states([tmp_path], still_s=0.1, wait_s=5.0)

    assert list(states) == [str(path)]


def test_settled_load_lists_a_still_changing_file_as_unsettled_and_does_not_serve_it(
        tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    write_deck(tmp_path, SMALL_DECK)
    age(tmp_path / "demo.yaml", 60)
    growing = write_deck(tmp_path, "deck: growing\ntitle: Growing\ncards:\n  - id: a\n    term: A\n"
                                   "    definition: A definition long enough to be asked about here.\n", "growing.yaml")
    age(growing, -60)
    monkeypatch.setattr("bot.deck.settle.START_WAIT_S", 0.05)

    library = DeckLibrary.load(tmp_path, settle=True)

    assert [d.id for d in library.decks] == ["demo"]
    assert library.unsettled == (str(growing),)
