"""/define through the real discord.py client: hit, miss with suggestions, autocomplete, DMs."""

from __future__ import annotations

from tests.chat.discord.conftest import Quiz


async def test_define_hit_answers_privately_with_the_card(quiz: Quiz) -> None:
    reply = await quiz.command("define", {"term": "NMS"})

    assert (reply.type, reply.ephemeral) == (4, True)
    (embed,) = reply.embeds
    assert embed["title"] == "Non-maximum suppression"
    assert embed["description"].startswith("Removes duplicate boxes")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Also called"] == "NMS"
    assert fields["Source"].startswith("Demo Deck")
    assert reply.allowed_mentions == {"parse": []}


async def test_define_miss_offers_suggestion_buttons_that_define_the_card(quiz: Quiz) -> None:
    reply = await quiz.command("define", {"term": "poolin"})

    assert reply.ephemeral
    assert reply.content is not None and reply.content.startswith("No card for")
    assert "define:demo:mean-pooling" in reply.custom_ids
    assert reply.message_id is not None

    card = await quiz.click(reply.message_id, "define:demo:mean-pooling")

    assert card.ephemeral
    assert card.embeds[0]["title"] == "Mean pooling"


async def test_define_autocomplete_offers_matching_terms(quiz: Quiz) -> None:
    typing = await quiz.fake.autocomplete("define", {"term": "max"}, focused="term")

    reply = await quiz.fake.wait_for_callback(typing)
    assert reply.type == 8
    assert "Max pooling" in [c["value"] for c in reply.choices]
    assert len(reply.choices) <= 25
