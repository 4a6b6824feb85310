"""Deck hot reload: edits, additions and removals are picked up; broken edits are not."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.deck.library import DeckLibrary
from bot.ops.reload import DeckWatcher, snapshot
from bot.quiz import messages as m
from tests.helpers import ADMIN, CHANNEL, SMALL_DECK, Clock, FakeChat, make_service, member
from tests.process import write_deck

OTHER_DECK = """\
deck: other
title: Other Deck
cards:
  - id: relu
    term: ReLU
    definition: Rectified linear unit, max(0, x), the default activation in deep networks.
  - id: softmax
    term: Softmax
    definition: Turns a vector of scores into probabilities that sum to one.
"""


@pytest.fixture
async def running(tmp_path):  # type: ignore[no-untyped-def]
    decks = tmp_path / "decks"
    write_deck(decks, SMALL_DECK)
    chat = FakeChat()
    service, db = await make_service(tmp_path / "q.db", Clock(), chat, library=DeckLibrary.load(decks))
    watcher = DeckWatcher(service, decks, interval_s=0.05)
    yield service, watcher, decks, chat
    await service.shutdown()
    await db.close()


async def reload_once_settled(watcher: DeckWatcher) -> bool:
    """Two checks, one interval apart in the real loop: the first sees the change, the second
    (nothing changed since) reloads. True when the second reloaded."""
    assert not await watcher.check(), "a change was loaded before it held still for one interval"
    return await watcher.check()


def definition_of(service, term: str) -> str:  # type: ignore[no-untyped-def]
    found = service.define(term)
    assert isinstance(found, m.Definition), found
    return found.definition


async def test_an_edited_deck_is_seen_by_define(running):
    service, watcher, decks, _ = running
    write_deck(decks, SMALL_DECK.replace("Randomly zeroes activations", "Randomly drops units"))
    assert await reload_once_settled(watcher)
    assert definition_of(service, "Dropout").startswith("Randomly drops units")


async def test_nothing_is_reloaded_when_nothing_changed(running):
    _, watcher, _, _ = running
    assert not await watcher.check()


async def test_a_broken_edit_keeps_the_last_good_deck_and_logs_file_and_line(running, caplog):
    service, watcher, decks, _ = running
    path = write_deck(decks, SMALL_DECK.replace("  - id: adam\n", "  - id: Adam!\n"))
    with caplog.at_level(logging.INFO, logger="bot.ops"):
        assert await reload_once_settled(watcher)
    assert [d.id for d in service.library.decks] == ["demo"]
    assert "Randomly zeroes" in definition_of(service, "Dropout")
    bad_line = SMALL_DECK.splitlines().index("  - id: adam") + 1
    assert f"{path}:{bad_line}:" in caplog.text
    assert "event=deck_kept_last_good deck=demo" in caplog.text


async def test_invalid_yaml_keeps_the_last_good_deck(running, caplog):
    service, watcher, decks, _ = running
    path = write_deck(decks, SMALL_DECK + "  - id: [unclosed\n")
    with caplog.at_level(logging.INFO, logger="bot.ops"):
        assert await reload_once_settled(watcher)
    assert service.library.deck("demo") is not None
    assert f"{path}:" in caplog.text and "not valid YAML" in caplog.text


async def test_a_fixed_deck_replaces_the_last_good_one(running):
    service, watcher, decks, _ = running
    write_deck(decks, SMALL_DECK + "  - id: [unclosed\n")
    await reload_once_settled(watcher)
    write_deck(decks, SMALL_DECK.replace("Adam", "AdamW"))
    assert await reload_once_settled(watcher)
    assert service.define("AdamW").term == "AdamW"  # type: ignore[union-attr]


async def test_a_removed_file_drops_its_deck(running, caplog):
    service, watcher, decks, _ = running
    (decks / "demo.yaml").unlink()
    with caplog.at_level(logging.INFO, logger="bot.ops"):
        assert await reload_once_settled(watcher)
    assert service.library.decks == ()
    assert "event=deck_removed deck=demo" in caplog.text


async def test_an_added_file_appears(running, caplog):
    service, watcher, decks, _ = running
    write_deck(decks, OTHER_DECK, "other.yaml")
    with caplog.at_level(logging.INFO, logger="bot.ops"):
        assert await reload_once_settled(watcher)
    assert {d.id for d in service.library.decks} == {"demo", "other"}
    assert definition_of(service, "ReLU").startswith("Rectified")
    assert "event=deck_added deck=other cards=2" in caplog.text


async def test_an_open_round_still_closes_and_reveals_after_its_deck_is_removed(running):
    service, watcher, decks, chat = running
    assert await service.ask(CHANNEL, ADMIN) is None
    round_id = await service.open_round_id(CHANNEL)
    assert round_id is not None
    (decks / "demo.yaml").unlink()
    write_deck(decks, OTHER_DECK, "other.yaml")
    assert await reload_once_settled(watcher)
    answer = await service.answer_text(round_id, member("ann"), "A")
    assert answer.tone != "error", answer
    assert await service.close(CHANNEL, ADMIN) is None
    reveals = chat.of_type(m.Reveal)
    assert len(reveals) == 1 and reveals[0].round_id == round_id and reveals[0].answered == 1


async def test_the_watch_loop_reloads_without_being_asked(running):
    import asyncio

    service, watcher, decks, _ = running
    stop = asyncio.Event()
    task = asyncio.create_task(watcher.run(stop))
    write_deck(decks, OTHER_DECK, "other.yaml")
    for _ in range(200):
        if service.library.deck("other") is not None:
            break
        await asyncio.sleep(0.02)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert service.library.deck("other") is not None


def test_snapshot_lists_only_deck_files(tmp_path: Path):
    write_deck(tmp_path, SMALL_DECK)
    (tmp_path / "notes.md").write_text("not a deck")
    assert list(snapshot(tmp_path)) == [str(tmp_path / "demo.yaml")]
    assert snapshot(tmp_path / "missing") == {}


def cards_yaml(count: int, start: int = 0) -> str:
    return "".join(f"  - id: card-{i}\n    term: Term number {i}\n"
                   f"    definition: The definition of term number {i}, long enough to ask.\n"
                   for i in range(start, start + count))


async def test_a_file_written_in_two_halves_across_ticks_is_never_served_half(running):
    service, watcher, decks, _ = running
    head = "deck: growing\ntitle: Growing\ncards:\n" + cards_yaml(3)  # a valid deck on its own
    path = decks / "growing.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(head)
        handle.flush()
        assert not await watcher.check()  # tick: the half is seen
        assert service.library.deck("growing") is None
        handle.write(cards_yaml(3, start=3))
        handle.flush()
        assert not await watcher.check()  # tick: it changed again, so it is not read yet
        assert service.library.deck("growing") is None
    assert await watcher.check()  # held still for one interval: read whole
    deck = service.library.deck("growing")
    assert deck is not None and len(deck.cards) == 6


async def test_a_file_replaced_by_atomic_rename_is_loaded_after_one_still_interval(running):
    service, watcher, decks, _ = running
    staged = decks / ".demo.yaml.tmp"
    staged.write_text(SMALL_DECK.replace("Randomly zeroes activations", "Randomly drops units"), encoding="utf-8")
    staged.replace(decks / "demo.yaml")  # a new inode under the old name
    assert await reload_once_settled(watcher)
    assert definition_of(service, "Dropout").startswith("Randomly drops units")


async def test_a_file_changed_after_it_held_still_is_not_read_until_it_holds_still_again(running):
    service, watcher, decks, _ = running
    write_deck(decks, OTHER_DECK, "other.yaml")
    assert not await watcher.check()
    # written between the still check and the read: the settled state no longer matches
    settled = snapshot(decks)
    write_deck(decks, OTHER_DECK + "  - id: half\n", "other.yaml")
    fresh = await asyncio.to_thread(service.library.reload, decks, settled=settled)
    assert fresh.deck("other") is None and fresh.unsettled == (str(decks / "other.yaml"),)
    assert fresh.deck("demo") is not None


async def test_a_deck_with_thousands_of_repeated_alias_problems_logs_at_most_21_lines(running, caplog):
    _, watcher, decks, _ = running
    card = ("  - &card\n    id: same\n    term: Same\n"
            "    definition: One card repeated through a YAML alias many times over.\n")
    path = write_deck(decks, "deck: flood\ntitle: Flood\ncards:\n" + card + "  - *card\n" * 5_000, "flood.yaml")
    with caplog.at_level(logging.INFO, logger="bot.ops"):
        assert await reload_once_settled(watcher)
    lines = [r.getMessage() for r in caplog.records if str(path) in r.getMessage()]
    assert 2 <= len(lines) <= 21
    assert "event=deck_problems_truncated" in lines[-1] and "more=" in lines[-1]
    assert int(lines[-1].rsplit("more=", 1)[1].split()[0]) >= 4_900  # every problem counted, 20 shown


async def test_a_symlink_leaving_the_decks_folder_is_refused_and_never_read(running, caplog, tmp_path):
    service, watcher, decks, _ = running
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root-secret-marker:/root:/bin/bash\n", encoding="utf-8")
    (decks / "leak.yaml").symlink_to(secret)
    with caplog.at_level(logging.DEBUG):
        assert await reload_once_settled(watcher)
    assert "root-secret-marker" not in caplog.text and "root:x" not in caplog.text
    assert f"{decks / 'leak.yaml'}:1:1 is a symbolic link that leads outside the decks folder" in caplog.text
    assert [d.id for d in service.library.decks] == ["demo"]


async def test_a_symlink_inside_the_decks_folder_still_loads(running):
    service, watcher, decks, _ = running
    (decks / "drafts").mkdir()
    write_deck(decks / "drafts", OTHER_DECK, "other.txt")
    (decks / "other.yaml").symlink_to(decks / "drafts" / "other.txt")
    assert await reload_once_settled(watcher)
    assert definition_of(service, "ReLU").startswith("Rectified")


async def test_a_file_still_changing_at_start_is_loaded_once_it_holds_still(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, SMALL_DECK)
    unsettled = DeckLibrary.from_decks(DeckLibrary.load(decks).decks, unsettled=[str(decks / "other.yaml")])
    write_deck(decks, OTHER_DECK, "other.yaml")  # finished before the watcher first looks
    service, db = await make_service(tmp_path / "q.db", Clock(), FakeChat(), library=unsettled)
    try:
        watcher = DeckWatcher(service, decks, interval_s=0.05)
        assert await watcher.check()
        assert definition_of(service, "ReLU").startswith("Rectified")
    finally:
        await service.shutdown()
        await db.close()
