"""Messages to embeds and buttons within Discord's limits; names cannot format or ping."""

from __future__ import annotations

import discord
import pytest

from bot.chat.discord.render import MAX_EMBED_TOTAL, render
from bot.quiz import messages as m

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)


def card(**changes: object) -> m.QuestionCard:
    values: dict[str, object] = {"round_id": 12, "deck_title": "Deck", "prompt": "Which?", "kind": "choice",
                                     "options": ("one", "two", "three"), "closes_at": 1_795_000_600.0}
    values.update(changes)
    return m.QuestionCard(**values)  # type: ignore[arg-type]


def button_rows(view: discord.ui.View) -> list[list[str]]:
    rows = view.to_components()
    return [[c["custom_id"] for c in row["components"]] for row in rows]


async def test_question_has_one_button_per_option_then_type_answer() -> None:
    rendered = render(card())

    assert rendered.view is not None
    assert button_rows(rendered.view) == [["quiz:answer:12:0", "quiz:answer:12:1", "quiz:answer:12:2"],
                                          ["quiz:type:12"]]
    assert rendered.embed is not None and "**B**) two" in (rendered.embed.description or "")


async def test_ten_options_fill_rows_of_five_and_long_labels_are_cut() -> None:
    rendered = render(card(options=tuple("x" * 300 for _ in range(10))))

    assert rendered.view is not None
    rows = rendered.view.to_components()
    assert [len(row["components"]) for row in rows] == [5, 5, 1]
    assert all(len(c["label"]) <= 80 for row in rows for c in row["components"])


async def test_text_question_has_the_type_answer_and_hint_buttons() -> None:
    rendered = render(card(kind="text", options=()))

    assert rendered.view is not None and button_rows(rendered.view) == [["quiz:type:12", "quiz:hint:12"]]


async def test_reveal_has_one_report_button_for_its_card() -> None:
    reveal = m.Reveal(round_id=1, deck_title="D", prompt="p", kind="text", options=(), correct=None, answer="a",
                      explanation="e", source="s", winners=(), tally=(), answered=0, deck_id="demo", card_id="nms")

    rendered = render(reveal)

    assert rendered.view is not None and button_rows(rendered.view) == [["report:demo:nms"]]


async def test_definition_has_its_suggestions_then_a_report_button_on_the_next_row() -> None:
    found = m.Definition(query="nms", term="NMS", aliases=(), definition="d", deck_id="demo", deck_title="Demo",
                         card_id="nms", source="", see_also=(m.CardRef("Adam", "demo", "adam"),))

    rendered = render(found)

    assert rendered.view is not None
    assert button_rows(rendered.view) == [["define:demo:adam"], ["report:demo:nms"]]


async def test_huge_texts_fit_every_embed_limit() -> None:
    reveal = m.Reveal(round_id=1, deck_title="D" * 500, prompt="p" * 9000, kind="choice", options=("a", "b"),
                      correct=0, answer="a" * 3000, explanation="e" * 3000, source="s" * 3000,
                      winners=tuple(f"member {i}" for i in range(20)), tally=(3, 1), answered=4, right=20,
                      leaderboard=m.Leaderboard("Board", tuple(m.LeaderboardRow(i, "n" * 300, 1, 1, 1)
                                                               for i in range(1, 11))))

    embed = render(reveal).embed

    assert embed is not None
    assert len(embed) <= MAX_EMBED_TOTAL
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert all(len(f.value or "") <= 1024 and len(f.name or "") <= 256 for f in embed.fields)


async def test_long_notice_is_cut_to_the_content_limit() -> None:
    rendered = render(m.Notice("Schedules:", lines=tuple("x" * 100 for _ in range(50))))

    assert rendered.content is not None and len(rendered.content) == 2000 and rendered.content.endswith("…")


async def test_member_names_cannot_format_the_leaderboard() -> None:
    board = m.Leaderboard("Top", (m.LeaderboardRow(1, "**boss** @everyone", 10, 1, 1),))

    embed = render(board).embed

    assert embed is not None and "\\*\\*boss\\*\\*" in (embed.description or "")


async def test_did_you_mean_offers_one_button_per_suggestion() -> None:
    miss = m.DidYouMean("poolin", (m.CardRef("Mean pooling", "demo", "mean-pooling"),
                                   m.CardRef("Max pooling", "demo", "max-pooling")))

    rendered = render(miss)

    assert rendered.view is not None
    assert button_rows(rendered.view) == [["define:demo:mean-pooling", "define:demo:max-pooling"]]
