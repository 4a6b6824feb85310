"""``/quiz review`` on Discord: ephemeral questions and replies, review button ids, Stop,
through the real discord.py client and the fake Discord."""

from __future__ import annotations

import pytest

from bot.quiz.review import review
from bot.store.review_questions import ReviewQuestion
from bot.store.reviews import save_states
from tests.chat.discord.conftest import Quiz
from tests.chat.discord.test_round import custom_ids
from tests.fakes.discord_payloads import FakeMember
from tests.helpers import review_questions_of_kind

DAY = 86400.0


async def seed(quiz: Quiz, who: FakeMember, missed: dict[str, float]) -> int:
    """``who`` answered each card (id -> seconds ago) wrong; their member id."""
    member_id = await quiz.service.ctx.stores.directory.member_id(quiz.key(who), who.user.username)
    for card_id, ago in missed.items():
        async with quiz.db.transaction() as conn:
            await save_states(conn, f"demo/{card_id}", [(member_id, *review(None, False, quiz.clock() - ago))])
    return member_id


async def open_review(quiz: Quiz, member_id: int) -> ReviewQuestion:
    row = await quiz.service.ctx.stores.review_questions.open_for(member_id)
    assert row is not None
    return row


def right_choice_id(row: ReviewQuestion) -> str:
    if row.question.kind == "choice":
        return f"review:answer:{row.id}:{row.question.correct}"
    return f"review:type:{row.id}"


async def test_review_question_is_ephemeral_with_review_buttons_and_posts_nothing_in_the_channel(quiz: Quiz) -> None:
    alice = quiz.fake.world.alice
    alice_id = await seed(quiz, alice, {"nms": DAY})
    before = len(quiz.fake.requests)

    reply = await quiz.command("quiz", subcommand="review", user=alice)

    row = await open_review(quiz, alice_id)
    assert reply.ephemeral and reply.embeds[0]["title"].startswith("Review: ")
    ids = [c["custom_id"] for r in reply.components for c in r["components"]]
    assert ids[-1] == "review:stop" and all(i.startswith("review:") for i in ids)
    assert right_choice_id(row) in ids
    assert not [r for r in quiz.fake.requests[before:] if r.method == "POST" and "/channels/" in r.path]


@pytest.mark.parametrize("kind", ["choice", "text"])
async def test_review_answer_rates_the_card_and_the_next_question_follows_privately(
        quiz: Quiz, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    review_questions_of_kind(monkeypatch, kind)
    alice = quiz.fake.world.alice
    alice_id = await seed(quiz, alice, {"nms": 2 * DAY, "adam": DAY})
    first = await quiz.command("quiz", subcommand="review", user=alice)
    row = await open_review(quiz, alice_id)
    assert first.message_id is not None and row.card_key == "demo/nms" and row.question.kind == kind
    wrong = (row.question.correct or 0) + 1 if kind == "choice" else None
    if wrong is None:  # a free-text question: answer through its box
        await quiz.click(first.message_id, f"review:type:{row.id}", user=alice)
        sent = await quiz.fake.submit_modal(f"review:type:{row.id}", {"answer": "not it"}, user=alice)
        verdict = await quiz.fake.wait_for_callback(sent)
    else:
        verdict = await quiz.click(first.message_id, f"review:answer:{row.id}:{wrong % len(row.question.options)}",
                                   user=alice)

    assert verdict.ephemeral and verdict.content and "Rated Again" in verdict.content
    follow = await quiz.fake.wait_for("POST", r"/webhooks/\d+/[^/]+$")
    nxt = quiz.fake.messages_in(quiz.channel_id)[-1]
    assert follow.json is not None and int(nxt["flags"]) & 64  # ephemeral
    current = await open_review(quiz, alice_id)
    assert current.card_key == "demo/adam" and "review:stop" in custom_ids(nxt)
    assert await quiz.answers() == []  # a review is never a channel answer


async def test_stop_button_ends_the_review_and_an_old_button_then_changes_nothing(
        quiz: Quiz, monkeypatch: pytest.MonkeyPatch) -> None:
    review_questions_of_kind(monkeypatch, "choice")  # the old button is an option
    alice = quiz.fake.world.alice
    alice_id = await seed(quiz, alice, {"nms": DAY})
    first = await quiz.command("quiz", subcommand="review", user=alice)
    row = await open_review(quiz, alice_id)
    assert first.message_id is not None

    stopped = await quiz.click(first.message_id, "review:stop", user=alice)
    assert stopped.ephemeral and stopped.content and "Review stopped. 1 card(s) still due" in stopped.content
    stale = await quiz.click(first.message_id, right_choice_id(row), user=alice)
    assert stale.ephemeral and stale.content and "no longer open" in stale.content
    assert await quiz.service.ctx.stores.review_questions.open_for(alice_id) is None


async def test_review_with_nothing_due_replies_privately_when_the_next_card_is_due(quiz: Quiz) -> None:
    alice = quiz.fake.world.alice
    await seed(quiz, alice, {"nms": 0})
    reply = await quiz.command("quiz", subcommand="review", user=alice)
    assert reply.ephemeral and reply.content and "Nothing is due for review right now" in reply.content
    assert "(in 1 minute)" in reply.content
