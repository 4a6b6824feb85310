"""Rounds played straight through the service (the Slack adapter posts them), for tests that
need a member's history before they drive Slack: answered wrong, answered right."""

from __future__ import annotations

from pathlib import Path

from bot.chat.slack.identity import channel_ref, member_key
from bot.deck.library import DeckLibrary
from bot.quiz.ports import Member
from tests.chat.slack.conftest import ADMIN_ID, SlackBot
from tests.fakes.slack import CHANNEL_ID, TEAM_ID

CHANNEL = channel_ref(TEAM_ID, CHANNEL_ID)
ADMIN = Member(member_key(TEAM_ID, ADMIN_ID), "Ada", is_admin=True)
DECKS = Path(__file__).resolve().parents[3] / "decks"


async def play_rounds(bot: SlackBot, results: list[dict[str, bool]]) -> None:
    """One closed multiple-choice round per entry over the shipped decks; each named Slack
    user answers right (True) or wrong."""
    bot.service.set_library(DeckLibrary.load(DECKS))
    for who in results:
        assert await bot.service.ask(CHANNEL, ADMIN, kind="choice") is None
        round_id = await bot.service.open_round_id(CHANNEL)
        assert round_id is not None
        row = await bot.service.ctx.stores.rounds.get(round_id)
        assert row is not None and row.question.correct is not None
        for user_id, right in who.items():
            bot.clock.advance(1)
            choice = row.question.correct if right else (row.question.correct + 1) % 4
            await bot.service.answer_choice(round_id, Member(member_key(TEAM_ID, user_id), user_id.lower()), choice)
        await bot.service.close(CHANNEL, ADMIN)
        bot.clock.advance(60)
