"""``/quiz review`` on Slack over HTTP mode: signed requests into the real bolt app, every reply
ephemeral (response_url / chat.postEphemeral), checked through the fake Slack Web API."""

from __future__ import annotations

import random

import pytest

from bot.chat.slack.identity import member_key
from bot.deck.generate import ask
from bot.quiz.review import review
from bot.store.review_questions import ReviewQuestion
from bot.store.reviews import save_states
from tests.chat.slack.conftest import SlackBot, buttons, click
from tests.fakes.slack import CHANNEL_ID, RESPONSE_URL_METHOD, TEAM_ID
from tests.fakes.slack_requests import slash_command, text_input, view_submission
from tests.helpers import review_questions_of_kind

DAY = 86400.0
USER = "U1"


async def seed(bot: SlackBot, missed: dict[str, float]) -> int:
    member_id = await bot.service.ctx.stores.directory.member_id(member_key(TEAM_ID, USER), "u1")
    for card_id, ago in missed.items():
        async with bot.db.transaction() as conn:
            await save_states(conn, f"demo/{card_id}", [(member_id, *review(None, False, bot.clock() - ago))])
    return member_id


async def start_review(bot: SlackBot, member_id: int) -> tuple[dict, ReviewQuestion]:  # type: ignore[type-arg]
    reply = await bot.send(slash_command("/quiz", "review", user_id=USER, response_url=bot.fake.response_url()))
    assert reply.status == 200
    shown = await bot.fake.wait_for(RESPONSE_URL_METHOD, lambda a: "blocks" in a)
    row = await bot.service.ctx.stores.review_questions.open_for(member_id)
    assert row is not None
    return shown, row


async def answer_wrong(bot: SlackBot, row: ReviewQuestion) -> None:
    if row.question.kind == "choice":
        wrong = ((row.question.correct or 0) + 1) % len(row.question.options)
        assert (await bot.send(click(f"review:answer:{row.id}:{wrong}", USER, bot.fake))).status == 200
    else:
        submit = view_submission(f"review:type:{row.id}", {"answer": {"text": text_input("not it")}},
                                 private_metadata=f'{{"channel": "{CHANNEL_ID}"}}', user_id=USER)
        assert (await bot.send(submit)).status == 200


async def test_review_question_is_ephemeral_with_review_buttons_and_nothing_is_posted(http_bot: SlackBot) -> None:
    member_id = await seed(http_bot, {"nms": DAY})
    shown, row = await start_review(http_bot, member_id)
    assert shown["response_type"] == "ephemeral"
    ids = buttons(shown)
    assert ids[-1] == "review:stop" and all(i.startswith("review:") for i in ids)
    assert (f"review:answer:{row.id}:0" in ids) if row.question.kind == "choice" else (f"review:type:{row.id}" in ids)
    assert http_bot.fake.calls("chat.postMessage") == []


@pytest.mark.parametrize("kind", ["choice", "text"])
async def test_review_answer_is_rated_and_the_next_question_comes_privately(
        http_bot: SlackBot, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    review_questions_of_kind(monkeypatch, kind)
    member_id = await seed(http_bot, {"nms": 2 * DAY, "adam": DAY})
    _, row = await start_review(http_bot, member_id)
    assert row.card_key == "demo/nms" and row.question.kind == kind
    await answer_wrong(http_bot, row)

    verdict = await http_bot.fake.wait_for(
        "chat.postEphemeral" if row.question.kind == "text" else RESPONSE_URL_METHOD,
        lambda a: "Rated Again" in a.get("text", ""))
    assert verdict.get("response_type", "ephemeral") == "ephemeral"
    await http_bot.settle()
    current = await http_bot.service.ctx.stores.review_questions.open_for(member_id)
    assert current is not None and current.card_key == "demo/adam"
    assert await http_bot.answers() == [] and http_bot.fake.calls("chat.postMessage") == []


async def test_stop_button_ends_the_review_privately(http_bot: SlackBot) -> None:
    member_id = await seed(http_bot, {"nms": DAY})
    await start_review(http_bot, member_id)
    assert (await http_bot.send(click("review:stop", USER, http_bot.fake))).status == 200
    stopped = await http_bot.fake.wait_for_ephemeral(USER, lambda a: "Review stopped" in a.get("text", ""))
    assert stopped["response_type"] == "ephemeral"
    assert await http_bot.service.ctx.stores.review_questions.open_for(member_id) is None


async def test_stop_from_a_member_without_a_review_says_so_and_leaves_the_others_open(http_bot: SlackBot) -> None:
    member_id = await seed(http_bot, {"nms": DAY})
    _, row = await start_review(http_bot, member_id)
    assert (await http_bot.send(click("review:stop", "U2", http_bot.fake))).status == 200
    refused = await http_bot.fake.wait_for_ephemeral("U2")
    assert "no review open" in refused["text"]
    still = await http_bot.service.ctx.stores.review_questions.open_for(member_id)
    assert still is not None and still.id == row.id


async def test_an_answer_to_another_members_review_question_is_refused_and_changes_nothing(
        http_bot: SlackBot) -> None:
    member_id = await seed(http_bot, {"nms": DAY})
    library = http_bot.service.library
    deck = library.deck("demo")
    assert deck is not None
    question = ask(next(c for c in deck.cards if c.id == "nms"), deck, "choice", random.Random(1), library.decks)
    assert question is not None and question.correct is not None
    question_id = await http_bot.service.ctx.stores.review_questions.ask(member_id, question, http_bot.clock())
    before = await http_bot.db.fetchone("SELECT state, due_at FROM reviews WHERE member_id = ?", (member_id,))
    click_id = f"review:answer:{question_id}:{question.correct}"
    assert (await http_bot.send(click(click_id, "U2", http_bot.fake))).status == 200
    refused = await http_bot.fake.wait_for_ephemeral("U2")
    assert "no longer open" in refused["text"]
    assert await http_bot.db.fetchone("SELECT state, due_at FROM reviews WHERE member_id = ?", (member_id,)) == before
    still = await http_bot.service.ctx.stores.review_questions.open_for(member_id)
    assert still is not None and still.id == question_id
