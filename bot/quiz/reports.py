"""Reports of wrong cards: members flag a card, admins list and resolve the reports.

A report names the card (deck id and card id) and the deck version the member saw:
the short hash of the deck file looked up when the report is made
(:func:`bot.deck.version.deck_version`). Reports are kept per card, across every
channel and platform, as the decks are.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.deck.version import deck_version
from bot.quiz import messages as m
from bot.quiz.context import Context
from bot.quiz.ports import ChannelRef, Member
from bot.store.reports import CardReports, ReportIn

MAX_REASON_CHARS = 500
MAX_CARDS_LISTED = 20
ADMIN_ONLY = m.ADMIN_ONLY


async def report_card(ctx: Context, member: Member, deck_id: str, card_id: str, reason: str = "") -> m.Notice:
    """Record (or update) ``member``'s open report of a card."""
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON_CHARS:
        return m.error(f"A reason is at most {MAX_REASON_CHARS} characters.")
    deck = ctx.library.deck(deck_id)
    card = deck.card(card_id) if deck else None
    if deck is None or card is None:
        return m.error("That card is no longer in the decks.")
    version = await asyncio.to_thread(deck_version, deck)  # a file of up to 5 MB: read and hashed off the loop
    member_id = await ctx.stores.directory.member_id(member.key, member.name)
    new = await ctx.stores.reports.record(
        ReportIn(member_id, deck_id, card_id, version, reason, ctx.clock()))
    if new:
        return m.ok(f"Thanks, reported: {card.term}. An admin will look at it.")
    return m.ok(f"Thanks, your report of {card.term} is updated.")


async def report_last(ctx: Context, channel: ChannelRef, member: Member, reason: str = "") -> m.Notice:
    """``/quiz report [reason]``: report the card of the channel's last revealed round."""
    row = await ctx.stores.rounds.last_closed_in(await ctx.channel_id(channel))
    if row is None:
        return m.error("No question has been revealed here yet. Use the Report button on a reveal or a "
                       "/define answer.")
    return await report_card(ctx, member, row.question.deck_id, row.question.card_id, reason)


async def list_reports(ctx: Context, member: Member) -> m.Notice:
    """``/quiz reports``: open reports per card, newest first (admins)."""
    if not member.is_admin:
        return m.error(ADMIN_ONLY.format(what="see card reports"))
    cards = await ctx.stores.reports.open_by_card()
    if not cards:
        return m.Notice("No open card reports.")
    lines: list[str] = []
    said: list[str] = []
    for card in cards[:MAX_CARDS_LISTED]:
        line = f"#{card.id} {describe(ctx, card)}: {card.open_count} open, newest {_day(card.newest)}"
        if card.reasons:
            marks = []
            for reason in card.reasons:
                marks.append("“{" + str(len(said)) + "}”")
                said.append(reason)
            line += "; " + ", ".join(marks)
        lines.append(line)
    if len(cards) > MAX_CARDS_LISTED:
        lines.append(f"... and {len(cards) - MAX_CARDS_LISTED} more")
    text = "Open card reports, newest first (`/quiz reports resolve ID` when fixed):\n" + "\n".join(lines)
    return m.Notice(text, said=tuple(said)) if said else m.Notice(text.replace("{{", "{").replace("}}", "}"))


async def resolve_report(ctx: Context, member: Member, ident: str) -> m.Notice:
    """``/quiz reports resolve ID``: close every open report of that report's card (admins)."""
    if not member.is_admin:
        return m.error(ADMIN_ONLY.format(what="resolve card reports"))
    number = ident.strip().lstrip("#")
    if not number.isdigit() or len(number) > 18:
        return m.error("Usage: `/quiz reports resolve ID` (the number from `/quiz reports`).")
    member_id = await ctx.stores.directory.member_id(member.key, member.name)
    resolved = await ctx.stores.reports.resolve(int(number), member_id, ctx.clock())
    if resolved is None:
        return m.error(f"No open report #{number}. See `/quiz reports`.")
    text = f"Resolved {resolved.open_count} report(s) of {describe(ctx, resolved)}."
    return m.ok(text.replace("{{", "{").replace("}}", "}"))


def describe(ctx: Context, card: CardReports) -> str:
    """``deck/card (Term)``, with braces doubled for ``str.format``."""
    found = ctx.library.card(card.deck_id, card.card_id)
    term = f" ({found.term})" if found else " (no longer in the decks)"
    return _braces(f"{card.deck_id}/{card.card_id}{term}")


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _day(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M UTC")
