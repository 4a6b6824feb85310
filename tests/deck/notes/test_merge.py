"""Re-import into a hand-edited deck: definitions refresh, hand edits stay, nothing vanishes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.deck.load import load_deck_file, load_deck_text
from bot.deck.model import Card, Deck, Source, TextQuestion
from bot.deck.notes import import_note
from bot.deck.notes.draft import fingerprint
from bot.deck.notes.merge import MergeReport, merge_decks
from bot.deck.notes.write import render_deck

Reload = Callable[[Deck], Deck]

NOTE = "notes/pooling.md"


def _card(card_id: str, term: str, definition: str, drafted_from: str | None = None, **extra: object) -> Card:
    """A card citing heading ``term``, fingerprinted from ``drafted_from`` (default: its definition)."""
    text_hash = fingerprint(definition if drafted_from is None else drafted_from)
    return Card(id=card_id, term=term, definition=definition,
                source=Source(note=NOTE, heading=term, text_hash=text_hash), **extra)  # type: ignore[arg-type]


HAND = Deck(id="pooling", title="Pooling, reviewed", tags=("vision",), source=NOTE, cards=(
    _card("max-pooling", "Max pooling", "Take the max of each region; robust to scale.", "Max of each region.",
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
                             source=Source(note=NOTE, heading="Max Pooling", text_hash=note.cards[0].source.text_hash))
    assert report.updated == ("max-pooling",)
    assert (report.deck.title, report.deck.tags) == ("Pooling, reviewed", ("vision",))
    assert reload(report.deck) == report.deck


def test_card_is_matched_by_alias_when_the_note_renamed_it() -> None:
    note = _note(_card("mac", "MAC", "Maximum activations of convolutions."))
    report = merge_decks(HAND, note)
    assert report.updated == ("max-pooling",) and report.added == ()
    assert report.deck.card("max-pooling").definition == "Maximum activations of convolutions."  # type: ignore[union-attr]


def test_card_gone_from_the_note_is_kept_and_reported_orphaned() -> None:
    report = merge_decks(HAND, _note(_card("max-pooling", "Max pooling", "Max of each region.")))
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


# --- the shipped, hand-curated decks: re-importing their notes -------------

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = {"dl-basics.html": "dl-basics.yaml", "dl-flashcards.md": "dl-flashcards.yaml",
           "dl-techniques.md": "dl-techniques.yaml", "understanding-dl-language.md": "understanding-dl-language.yaml"}


def _shipped(tmp_path: Path, deck_file: str) -> Deck:
    copy = tmp_path / deck_file
    shutil.copy(ROOT / "decks" / deck_file, copy)
    return load_deck_file(copy)[0]


def _import(note: str, text: str | None = None) -> Deck:
    data = (ROOT / "notes" / note).read_bytes() if text is None else text.encode("utf-8")
    return import_note(f"notes/{note}", data).deck


def _without_hashes(deck: Deck) -> list[Card]:
    return [replace(c, source=replace(c.source, text_hash=""), line=0) for c in deck.cards]


def _merge_twice(tmp_path: Path, note: str, changed: str) -> tuple[Deck, MergeReport]:
    """Merge the unchanged note into the shipped deck (recording fingerprints), then ``changed``."""
    first = merge_decks(_shipped(tmp_path, SHIPPED[note]), _import(note)).deck
    return first, merge_decks(first, _import(note, changed))


@pytest.mark.parametrize("note", sorted(SHIPPED))
def test_unchanged_note_leaves_a_curated_deck_as_it_is_but_for_fingerprints(tmp_path: Path, note: str) -> None:
    curated = _shipped(tmp_path, SHIPPED[note])
    imported = _import(note)
    report = merge_decks(curated, imported)
    assert (report.added, report.updated, report.review, report.conflicts) == ((), (), (), ())
    assert report.orphaned == ()  # every curated card cites a heading (or the title) still in the note
    assert _without_hashes(report.deck) == _without_hashes(curated)  # no definition, id or field changed
    assert all(c.source.text_hash for c in report.deck.cards if c.id in report.fingerprinted)
    loaded, warnings = load_deck_text(render_deck(report.deck), SHIPPED[note])
    assert warnings == [] and len(loaded.cards) == len(curated.cards)
    again = merge_decks(loaded, imported)  # fingerprints recorded: a second merge is a no-op
    assert (again.added, again.updated, again.fingerprinted, again.review) == ((), (), (), ())
    assert again.deck == loaded


def test_heading_the_curator_covered_differently_adds_no_near_duplicate(tmp_path: Path) -> None:
    report = merge_decks(_shipped(tmp_path, "dl-flashcards.yaml"), _import("dl-flashcards.md"))
    assert "Precision vs. Recall (covered by 2 cards)" in report.covered
    assert "discriminative-learning-rates" in report.fingerprinted  # matched by its (misspelt) heading
    report = merge_decks(_shipped(tmp_path, "dl-basics.yaml"), _import("dl-basics.html"))
    assert report.covered == ("Transfer Learning (covered by 5 cards)", "Optimizers (covered by 9 cards)")
    report = merge_decks(_shipped(tmp_path, "dl-techniques.yaml"), _import("dl-techniques.md"))
    assert "team works are hard in most case (covered by 2 cards)" in report.covered  # a ### inside "My tips"


def test_changed_paragraph_updates_exactly_its_card_and_keeps_hand_fields(tmp_path: Path) -> None:
    text = (ROOT / "notes" / "dl-flashcards.md").read_text(encoding="utf-8")
    old = "pick a random weight and take a weighted average of 2 images from your dataset."
    first, report = _merge_twice(tmp_path, "dl-flashcards.md",
                                 text.replace(old, "pick a random weight λ and blend 2 images pixel by pixel."))
    assert report.updated == ("mixup",) and report.added == () and report.orphaned == ()
    before, after = first.card("mixup"), report.deck.card("mixup")
    assert before is not None and after is not None
    assert "blend 2 images pixel by pixel" in after.definition
    assert (after.id, after.aliases, after.questions, after.tags, after.links, after.distractors) == (
        before.id, before.aliases, before.questions, before.tags, before.links, before.distractors)
    assert after.source.heading == before.source.heading and after.source.text_hash != before.source.text_hash
    assert [c.definition for c in report.deck.cards if c.id != "mixup"] == [
        c.definition for c in first.cards if c.id != "mixup"]


def test_changed_section_split_into_several_cards_is_listed_for_review(tmp_path: Path) -> None:
    text = (ROOT / "notes" / "dl-basics.html").read_text(encoding="utf-8")
    first, report = _merge_twice(tmp_path, "dl-basics.html",
                                 text.replace("Weighted CE is not enough.", "Weighted cross-entropy is not enough."))
    assert report.updated == () and report.added == ()
    assert set(report.review) == {"focal-loss", "weighted-cross-entropy", "easy-negatives"}
    assert [c.definition for c in report.deck.cards] == [c.definition for c in first.cards]
    assert merge_decks(report.deck, _import("dl-basics.html", text.replace(
        "Weighted CE is not enough.", "Weighted cross-entropy is not enough."))).review == ()  # reported once


def test_new_heading_is_added_and_a_removed_one_orphans_but_keeps_its_cards(tmp_path: Path) -> None:
    text = (ROOT / "notes" / "dl-flashcards.md").read_text(encoding="utf-8")
    start, end = text.index("## Precision vs. Recall"), text.index("## What problem do ResNets solve?")
    changed = text[:start] + text[end:] + "\n## Label Smoothing\n\nSoften the one-hot targets a little.\n"
    first, report = _merge_twice(tmp_path, "dl-flashcards.md", changed)
    assert report.added == ("label-smoothing",) and report.updated == ()
    assert report.orphaned == ("precision", "recall")
    assert [c.id for c in report.deck.cards] == [*(c.id for c in first.cards), "label-smoothing"]
    added = report.deck.cards[-1]
    assert added.definition == "Soften the one-hot targets a little."
    assert added.source.text_hash == fingerprint(added.definition)


def test_new_subsection_beside_matched_ones_is_added_not_covered() -> None:
    from bot.deck.notes.markdown import import_markdown
    from bot.deck.notes.merge import merge_decks

    before = ("## Pooling\n\n### Mean pooling\nAverages the pooled region of the feature map.\n\n"
              "### Max pooling\nTakes the maximum of the pooled region of the feature map.\n")
    after = before + "\n### Sum pooling\nAdds the pooled region up, like mean pooling without the division.\n"
    deck = import_markdown(before, "notes/p.md", "p").deck
    report = merge_decks(deck, import_markdown(after, "notes/p.md", "p").deck)
    assert report.added == ("sum-pooling",) and report.covered == ()
