"""Block Kit rendering: escaping of every deck and member text, Slack's limits, the shared ids."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.chat.slack.render import (
    MAX_BLOCKS,
    MAX_BUTTON_TEXT,
    MAX_SECTION,
    answer_modal,
    clip,
    escape,
    render,
)
from bot.quiz import messages as m
from bot.quiz.actions import AnswerAction, DefineAction, HintAction, ReportAction, TypeAnswerAction, parse
from tests.helpers import mrkdwn_texts

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)

PING = "<!channel> <!here> <!everyone> <@U0ADMIN> <#C0QUIZ> <https://evil.example|the docs> & more"


def card(**fields: Any) -> m.QuestionCard:
    values: dict[str, Any] = {"round_id": 7, "deck_title": "Deck", "prompt": "What is NMS?", "kind": "choice",
                              "options": ("One", "Two", "Three", "Four"), "closes_at": 1_795_000_600.0}
    values.update(fields)
    return m.QuestionCard(**values)


def reveal(**fields: Any) -> m.Reveal:
    values: dict[str, Any] = {
        "round_id": 7, "deck_title": "Deck", "prompt": "What is NMS?", "kind": "choice",
        "options": ("One", "Two"), "correct": 1, "answer": "Two", "explanation": "Because.",
        "source": "notes/x.md", "winners": ("Ada", "Bob"), "tally": (1, 2), "answered": 3, "right": 2,
        "leaderboard": m.Leaderboard("Leaderboard: this week", (m.LeaderboardRow(1, "Ada", 20, 2, 2),)),
    }
    values.update(fields)
    return m.Reveal(**values)


def assert_inert(text: str) -> None:
    for dangerous in ("<!channel>", "<!here>", "<!everyone>", "<@U0ADMIN>", "<#C0QUIZ>", "<https://"):
        assert dangerous not in text
    assert "@channel" not in text and "@here" not in text


ALL_MESSAGES: list[m.Message] = [
    card(deck_title=PING, prompt=PING, options=(PING, "b", "c", "d")),
    card(kind="text", options=(), prompt=PING),
    reveal(deck_title=PING, prompt=PING, options=(PING, "x"), answer=PING, explanation=PING, source=PING,
           winners=(PING,), leaderboard=m.Leaderboard(PING, (m.LeaderboardRow(1, PING, 10, 1, 1),),
                                                     you=m.LeaderboardRow(9, PING, 1, 0, 1))),
    m.Definition(query=PING, term=PING, aliases=(PING,), definition=PING, deck_id="d", deck_title=PING,
                 card_id="c", source=PING, links=(PING,), see_also=(m.CardRef(PING, "d", "c"),)),
    m.DidYouMean(PING, (m.CardRef(PING, "d", "c"),)),
    m.Stats(PING, 3, 2, 20, 1, 2, ((PING, 1, 2),), ((PING, 0, 1),)),
    m.Notice(PING, "error", lines=(PING,)),
]


@pytest.mark.parametrize("message", ALL_MESSAGES, ids=lambda msg: type(msg).__name__)
def test_deck_and_member_text_can_never_ping_or_hide_a_link(message: m.Message) -> None:
    body = render(message)

    assert_inert(body.text)  # the notification fallback is parsed too
    for text in mrkdwn_texts(body.blocks):
        assert_inert(text)
    assert "&lt;!channel&gt;" in json.dumps(body.blocks) + body.text


def test_escape_replaces_the_three_control_characters_and_defuses_broadcast_words() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape("hi @here and @Channel") == "hi @\u2060here and @\u2060Channel"
    assert escape("mail@example.com") == "mail@example.com"


def test_clip_never_leaves_half_an_entity() -> None:
    clipped = clip("x" * 8 + "&amp;" * 10, 12)

    assert len(clipped) <= 12 and clipped.endswith("…")
    assert clipped == "x" * 8 + "…"


def test_question_has_one_button_per_option_carrying_the_shared_ids() -> None:
    blocks = render(card()).blocks

    elements = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [e["action_id"] for e in elements] == [AnswerAction(7, i).pack() for i in range(4)]
    assert [parse(e["value"]) for e in elements] == [AnswerAction(7, i) for i in range(4)]
    assert [e["text"]["text"] for e in elements] == ["A. One", "B. Two", "C. Three", "D. Four"]
    assert "<!date^1795000600^{time}|" in json.dumps(blocks)


def test_free_text_question_has_an_answer_and_a_hint_button() -> None:
    blocks = render(card(kind="text", options=())).blocks

    elements = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(e["action_id"], e["text"]["text"]) for e in elements] == [
        (TypeAnswerAction(7).pack(), "Answer"), (HintAction(7).pack(), "Hint")]


def test_reveal_and_definition_carry_a_report_button_for_their_card() -> None:
    shown = render(reveal(deck_id="demo", card_id="nms")).blocks
    definition = m.Definition(query="nms", term="NMS", aliases=(), definition="d", deck_id="demo",
                              deck_title="Demo", card_id="nms", source="")
    for blocks in (shown, render(definition).blocks):
        elements = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
        assert [parse(e["action_id"]) for e in elements] == [ReportAction("demo", "nms")]


def test_hint_underscores_show_literally_instead_of_italics() -> None:
    text = mrkdwn_texts(render(m.Notice("Hint: {0}", said=("N__-m______ s__________",))).blocks)[0]
    assert "_" in text and text.replace("\u200b", "") == "Hint: N__-m______ s__________"


def test_answered_counter_is_shown_when_there_are_answers() -> None:
    assert "3 answered so far" in json.dumps(render(card(answered=3)).blocks)
    assert "answered so far" not in json.dumps(render(card()).blocks)


def test_long_texts_stay_within_block_kit_limits() -> None:
    huge = "w" * 10_000
    messages: list[m.Message] = [
        card(prompt=huge, options=(huge, huge, huge, huge)),
        reveal(prompt=huge, explanation=huge, options=(huge, huge), answer=huge,
               winners=tuple(f"member {i} " + "n" * 70 for i in range(21))),
        m.Leaderboard("Top", tuple(m.LeaderboardRow(i, "n" * 80, i, i, i) for i in range(1, 200))),
        m.Notice("many", lines=tuple(huge for _ in range(100))),
        m.DidYouMean(huge, tuple(m.CardRef(huge, "d", f"c{i}") for i in range(40))),
    ]
    for message in messages:
        body = render(message)
        assert len(body.blocks) <= MAX_BLOCKS
        assert len(body.text) <= 3000
        for block in body.blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= MAX_SECTION
            if block["type"] == "actions":
                assert len(block["elements"]) <= 25
                assert all(len(e["text"]["text"]) <= MAX_BUTTON_TEXT for e in block["elements"])


def test_reveal_marks_the_answer_and_shows_winners_tally_and_board() -> None:
    shown = json.dumps(render(reveal()).blocks)

    assert "*Answer:* B. Two" in shown
    assert "*B.* Two: 2 (67%) :white_check_mark:" in shown
    assert "*Right (2 of 3):* Ada, Bob" in shown
    assert "1. Ada: *20* pts" in shown
    assert "quiz:answer" not in shown  # no buttons once closed


def test_did_you_mean_buttons_look_the_card_up() -> None:
    miss = m.DidYouMean("poolng", (m.CardRef("Max pooling", "demo", "max-pooling"),))

    elements = [e for b in render(miss).blocks if b["type"] == "actions" for e in b["elements"]]

    assert [(e["action_id"], e["text"]["text"]) for e in elements] == [
        (DefineAction("demo", "max-pooling").pack(), "Max pooling")]


def test_answer_modal_carries_round_in_callback_id_and_channel_in_metadata() -> None:
    view = answer_modal(card(kind="text", options=(), prompt=PING), "C0QUIZ", 200)

    assert parse(view["callback_id"]) == TypeAnswerAction(7)
    assert json.loads(view["private_metadata"]) == {"channel": "C0QUIZ"}
    assert view["blocks"][1]["element"]["max_length"] == 200
    assert len(view["title"]["text"]) <= 24
    for text in mrkdwn_texts(view["blocks"]):
        assert_inert(text)
