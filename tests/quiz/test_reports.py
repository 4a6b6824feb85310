"""Reports of wrong cards: one open report per member per card, listed and resolved by admins."""

import asyncio
from pathlib import Path

from bot.deck.library import DeckLibrary
from bot.deck.version import deck_version
from bot.quiz import messages as m
from tests.helpers import ADMIN, CHANNEL, OTHER_CHANNEL, SMALL_DECK, member


async def reports(bot) -> list[tuple]:
    rows = await bot.db.fetchall(
        "SELECT r.deck_id, r.card_id, mb.name, r.reason, r.resolved_at IS NOT NULL FROM card_reports r "
        "JOIN members mb ON mb.id = r.member_id ORDER BY r.id")
    return [tuple(r) for r in rows]


async def test_report_button_stores_member_card_and_reason(bot):
    reply = await bot.service.report_card(member("alice"), "demo", "nms", "the threshold is wrong")
    assert reply.tone == "ok" and reply.text.startswith("Thanks, reported")
    assert await reports(bot) == [("demo", "nms", "alice", "the threshold is wrong", 0)]


async def test_second_report_of_the_same_card_updates_the_reason_instead_of_adding_one(bot):
    await bot.service.report_card(member("alice"), "demo", "nms", "first")
    again = await bot.service.report_card(member("alice"), "demo", "nms", "second thoughts")
    assert again.tone == "ok" and "updated" in again.text
    assert await reports(bot) == [("demo", "nms", "alice", "second thoughts", 0)]


async def test_report_without_a_reason_keeps_the_reason_given_before(bot):
    await bot.service.report_card(member("alice"), "demo", "nms", "typo in the definition")
    await bot.service.report_card(member("alice"), "demo", "nms")
    assert await reports(bot) == [("demo", "nms", "alice", "typo in the definition", 0)]


async def test_report_of_an_unknown_card_is_refused_and_stores_nothing(bot):
    reply = await bot.service.report_card(member("alice"), "demo", "no-such-card", "x")
    assert reply.tone == "error" and "no longer in the decks" in reply.text
    assert await reports(bot) == []


async def test_reason_over_500_characters_is_refused_and_stores_nothing(bot):
    reply = await bot.service.report_card(member("alice"), "demo", "nms", "x" * 501)
    assert reply.tone == "error" and "500" in reply.text
    assert await reports(bot) == []


async def test_report_records_the_deck_files_content_hash(bot, tmp_path: Path):
    deck_file = tmp_path / "demo.yaml"
    deck_file.write_text(SMALL_DECK, encoding="utf-8")
    bot.service.set_library(DeckLibrary.load(deck_file))
    await bot.service.report_card(member("alice"), "demo", "nms")
    row = await bot.db.fetchone("SELECT deck_version FROM card_reports")
    deck = bot.service.library.deck("demo")
    assert row[0] == deck_version(deck) and len(row[0]) == 12


async def test_report_reads_the_deck_file_off_the_event_loop(bot, tmp_path: Path, monkeypatch):
    """A deck file is up to 5 MB: reading and hashing it on the loop would stall every ack meanwhile."""
    import threading

    from bot.quiz import reports as quiz_reports

    deck_file = tmp_path / "demo.yaml"
    deck_file.write_text(SMALL_DECK, encoding="utf-8")
    bot.service.set_library(DeckLibrary.load(deck_file))
    threads: list[threading.Thread] = []

    def recording(deck):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread())
        return deck_version(deck)

    monkeypatch.setattr(quiz_reports, "deck_version", recording)
    await bot.service.report_card(member("alice"), "demo", "nms")
    assert threads and threads[0] is not threading.main_thread()


async def test_report_command_reports_the_card_of_the_last_revealed_round(bot):
    assert await bot.service.ask(CHANNEL, ADMIN) is None
    await bot.service.close(CHANNEL, ADMIN)
    reveal = bot.chat.of_type(m.Reveal)[-1]
    reply = await bot.service.report_last(CHANNEL, member("bob"), "ambiguous")
    assert reply.tone == "ok"
    assert await reports(bot) == [(reveal.deck_id, reveal.card_id, "bob", "ambiguous", 0)]


async def test_report_command_before_any_reveal_in_the_channel_is_refused(bot):
    assert await bot.service.ask(CHANNEL, ADMIN) is None
    await bot.service.close(CHANNEL, ADMIN)
    reply = await bot.service.report_last(OTHER_CHANNEL, member("bob"))
    assert reply.tone == "error" and "No question has been revealed here" in reply.text
    assert await reports(bot) == []


async def test_admin_lists_open_reports_per_card_newest_first_with_count_and_reasons(bot):
    await bot.service.report_card(member("alice"), "demo", "nms", "wrong *threshold*")
    bot.clock.advance(60)
    await bot.service.report_card(member("bob"), "demo", "adam")
    bot.clock.advance(60)
    await bot.service.report_card(member("carol"), "demo", "nms", "typo")
    listing = await bot.service.reports(ADMIN)
    lines = listing.text.splitlines()[1:]
    assert lines[0].startswith("#3 demo/nms (Non-maximum suppression): 2 open")
    assert lines[1].startswith("#2 demo/adam (Adam): 1 open")
    assert listing.said == ("typo", "wrong *threshold*")


async def test_members_who_are_not_admins_cannot_list_or_resolve_reports(bot):
    await bot.service.report_card(member("alice"), "demo", "nms", "x")
    listed = await bot.service.reports(member("alice"))
    resolved = await bot.service.resolve_report(member("alice"), "1")
    assert listed.tone == resolved.tone == "error" and "Only admins" in listed.text + resolved.text
    assert await reports(bot) == [("demo", "nms", "alice", "x", 0)]


async def test_resolving_a_report_closes_every_open_report_of_its_card(bot):
    await bot.service.report_card(member("alice"), "demo", "nms", "x")
    await bot.service.report_card(member("bob"), "demo", "nms", "y")
    await bot.service.report_card(member("bob"), "demo", "adam", "z")
    reply = await bot.service.resolve_report(ADMIN, "#2")
    assert reply.tone == "ok" and "2 report(s) of demo/nms" in reply.text
    assert [r[4] for r in await reports(bot)] == [1, 1, 0]
    assert "demo/nms" not in (await bot.service.reports(ADMIN)).text


async def test_a_new_report_after_resolving_starts_a_new_open_report(bot):
    await bot.service.report_card(member("alice"), "demo", "nms", "x")
    await bot.service.resolve_report(ADMIN, "1")
    await bot.service.report_card(member("alice"), "demo", "nms", "still wrong")
    assert await reports(bot) == [("demo", "nms", "alice", "x", 1), ("demo", "nms", "alice", "still wrong", 0)]


async def test_resolving_an_unknown_or_malformed_id_is_refused(bot):
    await bot.service.report_card(member("alice"), "demo", "nms", "x")
    unknown = await bot.service.resolve_report(ADMIN, "99")
    malformed = await bot.service.resolve_report(ADMIN, "nms")
    assert unknown.tone == malformed.tone == "error"
    assert "No open report #99" in unknown.text and "Usage" in malformed.text
    assert [r[4] for r in await reports(bot)] == [0]


async def test_concurrent_report_clicks_from_one_member_store_one_report(bot):
    replies = await asyncio.gather(*[bot.service.report_card(member("alice"), "demo", "nms") for _ in range(5)])
    assert all(r.tone == "ok" for r in replies)
    assert await reports(bot) == [("demo", "nms", "alice", "", 0)]
