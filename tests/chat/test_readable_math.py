"""Math in the shipped cards reaches every platform as readable text, not LaTeX."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from bot.chat import plain
from bot.chat.discord import render as discord_render
from bot.chat.slack import render as slack_render
from bot.deck.library import DeckLibrary
from bot.deck.load import load_deck_file
from bot.quiz import messages as m
from tests.helpers import ADMIN, CHANNEL, Clock, FakeChat, make_service

ROOT = Path(__file__).resolve().parents[2]


def shown_everywhere(message: m.Message) -> list[str]:
    """What the console, Slack and Discord would show for ``message``."""
    slack = slack_render.render(message)
    discord = discord_render.render(message)
    return [
        plain.render(message),
        slack.text + json.dumps(slack.blocks, ensure_ascii=False),
        (discord.content or "") + json.dumps(discord.embed.to_dict() if discord.embed else {}, ensure_ascii=False),
    ]


def math_library() -> DeckLibrary:
    """The shipped Deep Learning Basics deck cut down to its cards with formulas."""
    deck, _ = load_deck_file(ROOT / "decks" / "dl-basics.yaml")
    cards = tuple(card for card in deck.cards if "$" in card.definition)
    assert len(cards) >= 4
    return DeckLibrary.from_decks([dataclasses.replace(deck, cards=cards)])


async def test_define_shows_the_relu_formula_as_text_on_every_platform(tmp_path):
    service, db = await make_service(tmp_path / "q.db", Clock(), library=DeckLibrary.load(ROOT / "decks"))
    try:
        definition = service.define("ReLU")
        assert isinstance(definition, m.Definition)
        for shown in shown_everywhere(definition):
            assert "max(0, x)" in shown and "\\max" not in shown and "$" not in shown
    finally:
        await service.shutdown()
        await db.close()


async def test_questions_and_reveals_of_formula_cards_show_no_latex(tmp_path):
    chat, clock = FakeChat(), Clock()
    service, db = await make_service(tmp_path / "q.db", clock, chat=chat, library=math_library())
    try:
        for _ in range(6):
            assert await service.ask(CHANNEL, ADMIN) is None
            await service.close(CHANNEL, ADMIN)
            clock.advance(60)
        questions, reveals = chat.of_type(m.QuestionCard), chat.of_type(m.Reveal)
        assert len(questions) == 6 and reveals
        for message in [*questions, *reveals]:
            for shown in shown_everywhere(message):
                assert "$" not in shown and "\\frac" not in shown and "\\alpha" not in shown, shown
        shown_text = "\n".join(plain.render(message) for message in [*questions, *reveals])
        assert any(sign in shown_text for sign in ("α", "γ", "max(0, x)", "ᵀ", "ₜ", "/(")), shown_text  # math, as text
    finally:
        await service.shutdown()
        await db.close()
