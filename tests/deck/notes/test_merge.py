"""Re-import into a hand-edited deck: definitions refresh, hand edits stay, nothing vanishes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.deck.model import Card, Deck, Source, TextQuestion
from bot.deck.notes.merge import merge_decks

Reload = Callable[[Deck], Deck]

NOTE = "notes/pooling.md"


def _card(card_id: str, term: str, definition: str, **extra: object) -> Card:
    return Card(id=card_id, term=term, definition=definition, source=Source(note=NOTE, heading=term),
                **extra)  # type: ignore[arg-type]


HAND = Deck(id="pooling", title="Pooling, reviewed", tags=("vision",), source=NOTE, cards=(
    _card("max-pooling", "Max pooling", "Take the max of each region; robust to scale.",
          aliases=("MAC", "max pool"), tags=("pooling",), distractors=("GeM",), links=("https://x.org",),
          questions=(TextQuestion(ask="Which pooling keeps the strongest activation?", accept=("max pooling",)),)),
    _card("mean-pooling", "Mean pooling", "Average of each region; robust to distractors."),
    _card("r-mac", "R-MAC", "Max over several regions of the feature map.", from_notes=False),
    _card("gem", "GeM", "Generalised mean pooling with a learnt exponent p."),
))


def _note(*cards: Card) -> Deck:
    return Deck(id="pooling", title="Pooling", source=NOTE, cards=cards)


def test_changed_definition_is_updated_and_every_hand_field_kept(reload: Reload) -> None:
    note = _note(_card("max-pooling", "Max Pooling", "Max of each region: invariant to scale change."))
    report = merge_decks(HAND, note)
    merged = report.deck.card("max-pooling")
    assert merged == replace(HAND.cards[0], definition="Max of each region: invariant to scale change.",
                             source=Source(note=NOTE, heading="Max Pooling"))
    assert report.updated == ("max-pooling",)
    assert (report.deck.title, report.deck.tags) == ("Pooling, reviewed", ("vision",))
    assert reload(report.deck) == report.deck


def test_card_is_matched_by_alias_when_the_note_renamed_it() -> None:
    note = _note(_card("mac", "MAC", "Maximum activations of convolutions."))
    report = merge_decks(HAND, note)
    assert report.updated == ("max-pooling",) and report.added == ()
    assert report.deck.card("max-pooling").definition == "Maximum activations of convolutions."  # type: ignore[union-attr]


def test_card_gone_from_the_note_is_kept_and_reported_orphaned() -> None:
    report = merge_decks(HAND, _note(HAND.cards[0]))
    assert [c.id for c in report.deck.cards] == ["max-pooling", "mean-pooling", "r-mac", "gem"]
    assert report.orphaned == ("mean-pooling", "r-mac", "gem")
    assert report.unchanged == ("max-pooling",)


def test_new_note_card_is_added_at_the_end_without_clashing_names(reload: Reload) -> None:
    note = _note(HAND.cards[0],
                 _card("sum-pooling", "Sum pooling", "Sum of each region (SPoC).", aliases=("max pool", "SPoC")))
    report = merge_decks(HAND, note)
    added = report.deck.cards[-1]
    assert report.added == ("sum-pooling",)
    assert added.aliases == ("SPoC",)  # 'max pool' already names a hand-made card
    assert reload(report.deck) == report.deck


def test_hand_written_definition_is_never_overwritten() -> None:
    note = _note(_card("r-mac", "R-MAC", "Define multiple regions and take the max."))
    report = merge_decks(HAND, note)
    assert report.kept == ("r-mac",) and report.updated == ()
    assert report.deck.card("r-mac") == HAND.cards[2]


def test_note_card_whose_name_is_taken_is_reported_as_conflict() -> None:
    note = _note(_card("max-pooling", "Max pooling", "Max of each region."),
                 _card("mac-2", "MAC", "Another card claiming the MAC name."))
    report = merge_decks(HAND, note)
    assert report.conflicts == ("MAC",)
    assert len(report.deck.cards) == len(HAND.cards)
    assert "1 conflicting (not added)" in report.summary()
