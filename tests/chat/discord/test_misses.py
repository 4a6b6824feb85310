"""``/quiz misses`` on Discord: an ephemeral reply with the file attached, through the real
discord.py client against the fake Discord (the file's bytes as the fake received them)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.deck.library import DeckLibrary
from bot.quiz.ports import ChannelRef, Member
from tests.chat.discord.conftest import Quiz

DECKS = Path(__file__).resolve().parents[3] / "decks"


async def miss_one_card(quiz: Quiz) -> str:
    """One closed round that Alice answers wrong; returns the missed card's term."""
    quiz.service.set_library(DeckLibrary.load(DECKS))
    guild = quiz.fake.world.guild
    channel = ChannelRef("discord", f"discord:{guild.id}", str(quiz.channel_id))
    owner = Member(quiz.key(quiz.owner), "Owner", is_admin=True)
    assert await quiz.service.ask(channel, owner, kind="choice") is None
    round_id = await quiz.service.open_round_id(channel)
    assert round_id is not None
    row = await quiz.service.ctx.stores.rounds.get(round_id)
    assert row is not None and row.question.correct is not None
    alice = Member(quiz.key(quiz.fake.world.alice), "Alice")
    await quiz.service.answer_choice(round_id, alice, (row.question.correct + 1) % 4)
    await quiz.service.close(channel, owner)
    card = quiz.service.library.card(row.question.deck_id, row.question.card_id)
    assert card is not None
    return card.term


async def test_quiz_misses_answers_privately_with_the_csv_attached(quiz: Quiz) -> None:
    term = await miss_one_card(quiz)
    reply = await quiz.command("quiz", {"format": "csv"}, subcommand="misses", user=quiz.fake.world.alice)
    assert reply.ephemeral and reply.content and "1 missed card(s)" in reply.content
    assert [a["filename"] for a in reply.data["attachments"]] == ["misses-alice.csv"]
    [(path, filename, data)] = quiz.fake.rest.uploads
    assert "/callback" in path and filename == "misses-alice.csv"
    rows = [r for r in csv.reader(io.StringIO(data.decode())) if not r[0].startswith("#")]
    assert [r[0] for r in rows] == [term]


async def test_quiz_misses_for_a_member_without_misses_attaches_nothing(quiz: Quiz) -> None:
    reply = await quiz.command("quiz", subcommand="misses", user=quiz.fake.world.bob)
    assert reply.ephemeral and reply.content and "no missed cards" in reply.content
    assert quiz.fake.rest.uploads == []
