"""Text is data: what members typed (names, answers, queries) shows as typed on every platform;
deck text is Markdown by design and renders as formatting; neither can ping."""

from __future__ import annotations

import html
from typing import Any

import pytest

from bot.chat import plain
from bot.chat.discord import render as discord_render
from bot.chat.slack import render as slack_render
from bot.quiz import messages as m
from tests.helpers import mrkdwn_texts

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)

NAMES = ["*bold*", "_x_", "~s~", "`c`", "<!channel>", "@everyone", "[link](http://x)", "> quote", "# heading",
         "- item", "**boss** and __it__"]
ZWSP = "\u200b"


def reveal(name: str, **fields: Any) -> m.Reveal:
    values: dict[str, Any] = {
        "round_id": 3, "deck_title": "Deck", "prompt": "Which?", "kind": "choice", "options": ("a", "b"),
        "correct": 0, "answer": "a", "explanation": "Because.", "source": "", "winners": (name,),
        "tally": (1, 0), "answered": 1, "right": 1,
        "leaderboard": m.Leaderboard("Leaderboard: this week in this channel", (m.LeaderboardRow(1, name, 10, 1, 1),)),
    }
    values.update(fields)
    return m.Reveal(**values)


def member_messages(name: str) -> list[m.Message]:
    """One of each message that shows member text."""
    return [
        reveal(name),
        m.Leaderboard("Leaderboard", (m.LeaderboardRow(1, name, 10, 1, 1),), m.LeaderboardRow(9, name, 1, 0, 1)),
        m.Stats(name, 1, 1, 10, 0, 0, (), ()),
        m.SessionResult(3, (m.SessionScore(name, 2),), players=1),
        m.DidYouMean(name, ()),
        m.ok("Answer recorded: {0}. The answer is revealed when the round closes.", said=(name,)),
    ]


def slack_texts(message: m.Message) -> str:
    """Every mrkdwn text of the Block Kit message, joined."""
    return "\n".join(mrkdwn_texts(slack_render.render(message).blocks))


def discord_texts(message: m.Message) -> str:
    """The content and every text of the embed, joined."""
    rendered = discord_render.render(message)
    parts = [rendered.content or ""]

    def walk(node: Any) -> None:
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    if rendered.embed is not None:
        walk(rendered.embed.to_dict())
    return "\n".join(parts)


# -- Slack ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_slack_literal_leaves_no_formatting_marker_touching_text(name: str) -> None:
    shown = slack_render.literal(name)
    for i, ch in enumerate(shown):
        if ch in "*_~`":
            assert shown[i - 1] == ZWSP and shown[i + 1] == ZWSP, (name, shown)
    assert not any(line.startswith("&gt;") for line in shown.splitlines())
    assert "<" not in shown and "@everyone" not in shown


@pytest.mark.parametrize("name", NAMES)
def test_slack_literal_reads_as_typed(name: str) -> None:
    shown = slack_render.literal(name).replace(ZWSP, "").replace("@\u2060", "@")
    assert html.unescape(shown) == name


@pytest.mark.parametrize("name", NAMES)
def test_slack_shows_member_text_literally_in_every_message(name: str) -> None:
    for message in member_messages(name):
        assert slack_render.literal(name) in slack_texts(message), message


def test_slack_bold_display_name_is_not_bold_in_the_reveal_leaderboard() -> None:
    text = slack_texts(reveal("*bold*"))
    assert "*bold*" not in text
    assert f"1. {ZWSP}*{ZWSP}bold{ZWSP}*{ZWSP}: *10* pts" in text


def test_slack_notice_keeps_its_own_formatting_around_member_text() -> None:
    notice = m.error("Unknown deck {0}; see `/quiz decks`.", said=("*x*",))
    assert f"Unknown deck {ZWSP}*{ZWSP}x{ZWSP}*{ZWSP}; see `/quiz decks`." in slack_texts(notice)


def test_slack_deck_markdown_renders_as_formatting_but_cannot_ping() -> None:
    message = reveal("ann", prompt="**NMS** keeps the _best_ box. @everyone <!channel>")
    text = slack_texts(message)
    assert "*NMS* keeps the _best_ box." in text
    assert "<!channel>" not in text and "@everyone" not in text


# -- Discord ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "shown"), [
    ("*bold*", "\\*bold\\*"), ("_x_", "\\_x\\_"), ("~s~", "\\~s\\~"), ("`c`", "\\`c\\`"),
    ("@everyone", "@\u200beveryone"), ("[link](http://x)", "\\[link](http://x)"), ("> quote", "\\> quote"),
    ("# heading", "\\# heading"), ("- item", "\\- item"),
])
def test_discord_member_text_is_escaped(name: str, shown: str) -> None:
    assert discord_render.name(name) == shown


@pytest.mark.parametrize("name", NAMES)
def test_discord_shows_member_text_literally_in_every_message(name: str) -> None:
    for message in member_messages(name):
        assert discord_render.name(name) in discord_texts(message), message


def test_discord_deck_markdown_renders_as_formatting_and_nothing_pings() -> None:
    rendered = discord_render.render(reveal("ann", prompt="**NMS** keeps the best box. @everyone"))
    assert rendered.embed is not None and (rendered.embed.description or "").startswith("**NMS** keeps")
    assert discord_render.send_options(rendered)["allowed_mentions"].everyone is False


# -- console ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_console_shows_member_text_as_typed(name: str) -> None:
    for message in member_messages(name):
        assert name in plain.render(message), message


# -- stats ------------------------------------------------------------------------------


def test_stats_say_what_a_streak_counts_on_every_platform() -> None:
    stats = m.Stats("ann", 3, 3, 30, 0, 0, (), ())
    meaning = "streak: consecutive scheduled rounds answered right in this channel"
    assert meaning in plain.render(stats)
    assert meaning in slack_texts(stats)
    assert meaning in discord_texts(stats)
