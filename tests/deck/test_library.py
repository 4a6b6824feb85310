"""The deck library: one consistent snapshot of decks and glossary; reload keeps the last good deck."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.deck.library import DeckLibrary
from tests.deck.samples import PETS

WriteDeck = Callable[[str, str], Path]

BIRDS = """
deck: birds
title: Birds
cards:
  - id: robin
    term: Robin
    definition: A small bird with a red breast that sings at dawn.
"""


def test_load_builds_decks_and_a_glossary_over_them(tmp_path: Path, write_deck: WriteDeck) -> None:
    write_deck("pets.yaml", PETS)
    write_deck("birds.yaml", BIRDS)
    library = DeckLibrary.load(tmp_path / "decks")
    assert [d.id for d in library.decks] == ["birds", "pets"]
    assert library.card_count == 2
    assert library.deck("pets") is not None and library.deck("fish") is None
    card = library.card("birds", "robin")
    assert card is not None and card.term == "Robin"
    assert library.card("birds", "cat") is None and library.card("fish", "cat") is None
    match = library.glossary.lookup("robins").match
    assert match is not None and match.card.id == "robin"


def test_a_deck_broken_at_first_load_is_reported_and_left_out(
    tmp_path: Path, write_deck: WriteDeck
) -> None:
    write_deck("pets.yaml", PETS)
    broken = write_deck("birds.yaml", BIRDS.replace("term: Robin", "term: [Robin]"))
    library = DeckLibrary.load(tmp_path / "decks")
    assert [d.id for d in library.decks] == ["pets"]
    assert [p.path for p in library.problems] == [str(broken)]
    assert library.glossary.lookup("robin").match is None


def test_reload_picks_up_an_edited_deck(tmp_path: Path, write_deck: WriteDeck) -> None:
    write_deck("pets.yaml", PETS)
    library = DeckLibrary.load(tmp_path / "decks")
    write_deck("pets.yaml", PETS.replace("term: Cat", "term: Cat\n    aliases: [kitty]"))
    fresh = library.reload(tmp_path / "decks")
    match = fresh.glossary.lookup("kitty").match
    assert match is not None and match.card.id == "cat"
    assert library.glossary.lookup("kitty").match is None  # the old snapshot is untouched


def test_reload_keeps_the_last_good_version_of_a_deck_broken_on_disk(
    tmp_path: Path, write_deck: WriteDeck
) -> None:
    write_deck("pets.yaml", PETS)
    write_deck("birds.yaml", BIRDS)
    library = DeckLibrary.load(tmp_path / "decks")
    broken = write_deck("pets.yaml", PETS.replace("definition:", "definitoin:"))
    fresh = library.reload(tmp_path / "decks")
    assert [d.id for d in fresh.decks] == ["birds", "pets"]
    assert fresh.deck("pets") is library.deck("pets")
    assert fresh.glossary.lookup("cat").match is not None
    assert {p.path for p in fresh.problems if p.severity == "error"} == {str(broken)}


def test_reload_drops_a_deck_whose_file_was_removed(tmp_path: Path, write_deck: WriteDeck) -> None:
    pets = write_deck("pets.yaml", PETS)
    write_deck("birds.yaml", BIRDS)
    library = DeckLibrary.load(tmp_path / "decks")
    pets.unlink()
    fresh = library.reload(tmp_path / "decks")
    assert [d.id for d in fresh.decks] == ["birds"]
    assert fresh.glossary.lookup("cat").match is None
    assert fresh.problems == ()


def test_reload_adds_a_new_deck(tmp_path: Path, write_deck: WriteDeck) -> None:
    write_deck("pets.yaml", PETS)
    library = DeckLibrary.load(tmp_path / "decks")
    write_deck("birds.yaml", BIRDS)
    assert [d.id for d in library.reload(tmp_path / "decks").decks] == ["birds", "pets"]
