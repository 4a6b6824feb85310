"""Plain text (the console, Slack's notification fallback) shows no Markdown syntax."""

from __future__ import annotations

import pytest

from bot.chat.plain import plain_text, render
from bot.quiz import messages as m

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)


def test_code_spans_lose_their_backticks():
    assert plain_text("Unknown subcommand 'x'. Try `/quiz help`.") == "Unknown subcommand 'x'. Try /quiz help."


def test_code_fences_keep_only_the_code():
    assert plain_text("run\n```sh\nquizbot run\n```\nthen") == "run\nquizbot run\nthen"


def test_bold_and_italic_lose_their_stars():
    assert plain_text("**Term** is *really* it") == "Term is really it"


def test_link_keeps_its_words_and_address():
    assert plain_text("see [the lecture](https://example.org/nms)") == "see the lecture (https://example.org/nms)"


def test_link_whose_words_are_its_address_is_shown_once():
    assert plain_text("[https://example.org](https://example.org)") == "https://example.org"


def test_stars_and_underscores_that_are_not_markdown_stay():
    text = "a * b, 2*3*4, ____ masks ____, snake_case and __init__"
    assert plain_text(text) == text


def test_an_error_notice_renders_without_backticks():
    assert render(m.error("Usage: `/define TERM`, for example `/define NMS`.")) == \
        "Error: Usage: /define TERM, for example /define NMS."


def test_a_definition_with_bold_and_a_link_renders_as_words():
    definition = m.Definition(query="nms", term="NMS", aliases=(), deck_id="d", deck_title="Vision",
                              card_id="nms", definition="**Keeps** the best box; see [notes](https://x.org/n).",
                              source="")
    assert render(definition).splitlines()[1] == "Keeps the best box; see notes (https://x.org/n)."


def test_member_text_keeps_its_stars_while_the_bot_formatting_goes():
    notice = m.error("Unknown deck `{0}`. Try `/quiz decks`.", said=("*mine*",))
    assert render(notice) == "Error: Unknown deck *mine*. Try /quiz decks."


def test_a_member_named_in_markdown_is_shown_as_typed_on_the_board():
    board = m.Leaderboard("Leaderboard: this week", (m.LeaderboardRow(1, "**boss** `x`", 10, 1, 1),))
    assert "**boss** `x`: 10 pts" in render(board)
