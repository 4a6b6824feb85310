"""End to end in HTTP mode: signed requests over real HTTP into the real bolt app, a real
QuizService on SQLite behind it, the fake Slack Web API recording what the bot does."""

from __future__ import annotations

import logging
import time

import pytest

from bot.chat.slack.identity import channel_ref, member_key
from bot.quiz.ports import Member
from tests.chat.slack.conftest import ADMIN_ID, SlackBot, buttons, click
from tests.fakes.slack import CHANNEL_ID, RESPONSE_URL_METHOD, TEAM_ID
from tests.fakes.slack_requests import post_signed, slash_command, text_input, view_submission

CHANNEL = channel_ref(TEAM_ID, CHANNEL_ID)


def replies(bot: SlackBot) -> list[str]:
    return [str(args.get("text", "")) for args in bot.fake.calls(RESPONSE_URL_METHOD)]


async def command(bot: SlackBot, name: str, text: str = "", user_id: str = "U0MEMBER") -> str:
    """Send a slash command; returns the response_url its ephemeral replies go to."""
    url = bot.fake.response_url()
    reply = await bot.send(slash_command(name, text, user_id=user_id, response_url=url))
    assert reply.status == 200
    assert reply.text == ""  # acked at once, empty: the work happens after the ack
    return url


# -- /define ----------------------------------------------------------------------------


async def test_define_hit_replies_ephemerally_with_definition_and_source(http_bot: SlackBot) -> None:
    await command(http_bot, "/define", "NMS")

    body = await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert body["response_type"] == "ephemeral"
    shown = str(body["blocks"])
    assert "*Non-maximum suppression* (NMS)" in shown
    assert "Removes duplicate boxes" in shown
    assert "Source: notes/demo.md" in shown
    assert http_bot.fake.calls("chat.postMessage") == []  # nothing in the channel


async def test_define_miss_suggests_buttons_and_a_click_looks_the_term_up(http_bot: SlackBot) -> None:
    await command(http_bot, "/define", "poolng")

    miss = await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert "Did you mean" in miss["text"]
    suggestions = buttons(miss)
    assert "define:demo:mean-pooling" in suggestions or "define:demo:max-pooling" in suggestions

    card = "define:demo:max-pooling"
    reply = await http_bot.send(click(card, "U0MEMBER", http_bot.fake))
    assert reply.status == 200
    found = await http_bot.fake.wait_for(RESPONSE_URL_METHOD, lambda a: "Takes the maximum" in a["text"])
    assert found["replace_original"] is True  # the "did you mean" turns into the card
    assert "*Max pooling* (MAC)" in str(found["blocks"])


async def test_define_without_a_term_explains_usage(http_bot: SlackBot) -> None:
    await command(http_bot, "/define", "   ")

    body = await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert "Usage: `/define TERM`" in body["text"]


# -- a full round -----------------------------------------------------------------------


async def test_full_round_three_clicks_close_reveal_in_place_and_leaderboard(http_bot: SlackBot) -> None:
    fake = http_bot.fake
    await command(http_bot, "/quiz", "now")
    question = await http_bot.question()
    assert question.correct is not None
    right, wrong = question.action_ids[question.correct], question.action_ids[(question.correct + 1) % 4]

    for user, action_id in (("U1", right), ("U2", right), ("U3", wrong)):
        assert (await http_bot.send(click(action_id, user, fake))).status == 200
    for user in ("U1", "U2", "U3"):
        notice = await fake.wait_for_ephemeral(user)
        assert notice["response_type"] == "ephemeral" and notice["replace_original"] is False
        assert "revealed when the round closes" in notice["text"]
        assert "right" not in notice["text"].lower() and "wrong" not in notice["text"].lower()
    assert fake.calls("chat.update") == []  # never edited per answer
    await http_bot.settle()

    await command(http_bot, "/quiz", "close", user_id=ADMIN_ID)
    reveal = await fake.wait_for("chat.update")
    row = await http_bot.service.ctx.stores.rounds.get(question.round_id)
    assert row is not None and row.closed_at is not None
    assert (reveal["channel"], reveal["ts"]) == (CHANNEL_ID, row.message_id)
    shown = str(reveal["blocks"])
    assert f"Round {question.round_id} closed" in shown
    assert "Right (2 of 3):* u1, u2" in shown  # the names the clicks carried
    assert [b for b in buttons(reveal) if b.startswith("quiz:")] == []  # the answer buttons are gone
    assert len(fake.calls("chat.postMessage")) == 1  # revealed in place, not re-posted

    url = await command(http_bot, "/leaderboard")
    board = await fake.wait_for(RESPONSE_URL_METHOD, lambda a: "Leaderboard" in a.get("text", ""))
    assert url and board["response_type"] == "ephemeral"
    assert "1. u1" in board["text"] and "u3: 0 pts" in board["text"]
    assert sorted(key for _, key, _, _ in await http_bot.answers()) == [
        member_key(TEAM_ID, u) for u in ("U1", "U2", "U3")]


async def test_retried_and_double_clicks_store_one_answer(http_bot: SlackBot) -> None:
    fake = http_bot.fake
    await command(http_bot, "/quiz", "now")
    question = await http_bot.question()
    first = click(question.action_ids[0], "U1", fake)
    retried = first.__class__(first.kind, first.payload, retry_num=1, retry_reason="http_timeout")
    second_button = click(question.action_ids[1], "U1", fake)

    for request in (first, retried, first, second_button):
        assert (await http_bot.send(request)).status == 200
    await fake.wait_for_ephemeral("U1", lambda a: "first answer counts" in a["text"])

    assert await http_bot.answers() == [(question.round_id, member_key(TEAM_ID, "U1"), 0, None)]


async def test_retried_quiz_now_opens_one_round_and_the_retry_is_acked_quietly(http_bot: SlackBot) -> None:
    request = slash_command("/quiz", "now", response_url=http_bot.fake.response_url())
    retried = request.__class__(request.kind, request.payload, retry_num=1, retry_reason="http_timeout")

    await http_bot.send(request)
    await http_bot.question()
    again = await http_bot.send(retried)
    await http_bot.settle()

    assert (again.status, again.text) == (200, "")  # the first posted a question and said nothing
    assert len(http_bot.fake.calls("chat.postMessage")) == 1
    assert http_bot.fake.calls(RESPONSE_URL_METHOD) == []  # no "already open": it is the same request
    assert len(await http_bot.db.fetchall("SELECT id FROM rounds")) == 1


async def test_a_new_quiz_now_while_one_is_open_says_already_open(http_bot: SlackBot) -> None:
    await command(http_bot, "/quiz", "now")
    await http_bot.question()

    await command(http_bot, "/quiz", "now")  # a fresh trigger_id: a second request, not a retry

    busy = await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert "already open" in busy["text"]
    assert len(http_bot.fake.calls("chat.postMessage")) == 1


async def test_member_who_is_not_admin_cannot_close(http_bot: SlackBot) -> None:
    await command(http_bot, "/quiz", "now")
    await http_bot.question()

    await command(http_bot, "/quiz", "close", user_id="U0MEMBER")

    refused = await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert "Only admins" in refused["text"]
    assert http_bot.fake.calls("chat.update") == []


async def test_reveal_is_posted_when_the_question_message_is_gone(http_bot: SlackBot) -> None:
    await command(http_bot, "/quiz", "now")
    await http_bot.question()
    http_bot.fake.fail("chat.update", "message_not_found")

    await command(http_bot, "/quiz", "close", user_id=ADMIN_ID)

    reveal = await http_bot.fake.wait_for("chat.postMessage", lambda a: "closed" in a["text"])
    assert reveal["channel"] == CHANNEL_ID


# -- free text through a modal ------------------------------------------------------------


async def test_free_text_round_answer_button_opens_modal_and_submit_records(http_bot: SlackBot) -> None:
    fake = http_bot.fake
    admin = Member(member_key(TEAM_ID, ADMIN_ID), "Ada", is_admin=True)
    assert await http_bot.service.ask(CHANNEL, admin, kind="text") is None
    question = await http_bot.question()
    assert question.action_ids == [f"quiz:type:{question.round_id}", f"quiz:hint:{question.round_id}"]

    await http_bot.send(click(question.action_ids[0], "U1", fake, trigger="trigger-1"))
    opened = await fake.wait_for("views.open")
    assert opened["trigger_id"] == "trigger-1"
    view = opened["view"]
    assert view["callback_id"] == f"quiz:type:{question.round_id}"

    submit = view_submission(view["callback_id"], {"answer": {"text": text_input("  max pooling ")}},
                             private_metadata=view["private_metadata"], user_id="U1")
    reply = await http_bot.send(submit)
    assert reply.status == 200 and reply.text == ""  # empty ack: the modal closes

    notice = await fake.wait_for("chat.postEphemeral")
    assert (notice["channel"], notice["user"]) == (CHANNEL_ID, "U1")
    assert "Answer recorded: max pooling" in notice["text"]
    assert await http_bot.answers() == [(question.round_id, member_key(TEAM_ID, "U1"), None, "max pooling")]


async def test_empty_modal_answer_is_refused_inside_the_modal(http_bot: SlackBot) -> None:
    submit = view_submission("quiz:type:1", {"answer": {"text": text_input("   ")}},
                             private_metadata='{"channel": "C0QUIZ"}')

    reply = await http_bot.send(submit)

    assert reply.json() == {"response_action": "errors", "errors": {"answer": "Type an answer first."}}
    assert await http_bot.answers() == []


async def test_member_text_is_escaped_so_it_cannot_ping(http_bot: SlackBot) -> None:
    admin = Member(member_key(TEAM_ID, ADMIN_ID), "Ada", is_admin=True)
    await http_bot.service.ask(CHANNEL, admin, kind="text")
    question = await http_bot.question()
    sneaky = "<!channel> <@U0ADMIN> <https://evil.example|docs>"
    submit = view_submission(f"quiz:type:{question.round_id}", {"answer": {"text": text_input(sneaky)}},
                             private_metadata='{"channel": "C0QUIZ"}', user_id="U1")

    await http_bot.send(submit)

    notice = await http_bot.fake.wait_for("chat.postEphemeral")
    for shown in (notice["text"], str(notice["blocks"])):
        assert "<!channel>" not in shown and "<@U0ADMIN>" not in shown and "<https://" not in shown
        assert "&lt;!channel&gt;" in shown


async def test_answer_button_of_a_closed_round_says_so_without_a_modal(http_bot: SlackBot) -> None:
    admin = Member(member_key(TEAM_ID, ADMIN_ID), "Ada", is_admin=True)
    await http_bot.service.ask(CHANNEL, admin, kind="text")
    question = await http_bot.question()
    await http_bot.service.close(CHANNEL, admin)

    await http_bot.send(click(question.action_ids[0], "U1", http_bot.fake))

    notice = await http_bot.fake.wait_for_ephemeral("U1")
    assert "This round is closed" in notice["text"]
    assert http_bot.fake.calls("views.open") == []


# -- forged and stale requests --------------------------------------------------------------


async def test_bad_signature_is_refused_401_with_no_side_effects(http_bot: SlackBot) -> None:
    calls_before = len(http_bot.fake.api_calls)
    request = slash_command("/quiz", "now", response_url=http_bot.fake.response_url())
    assert http_bot.adapter.url is not None

    reply = await post_signed(http_bot.adapter.url, request.body, request.content_type, "not-the-secret")

    assert reply.status == 401
    assert len(http_bot.fake.api_calls) == calls_before
    assert await http_bot.db.fetchall("SELECT id FROM rounds") == []


async def test_stale_timestamp_is_refused_401_with_no_side_effects(http_bot: SlackBot) -> None:
    calls_before = len(http_bot.fake.api_calls)
    request = slash_command("/quiz", "now", response_url=http_bot.fake.response_url())

    reply = await http_bot.send(request, timestamp=int(time.time()) - 6 * 60)

    assert reply.status == 401
    assert len(http_bot.fake.api_calls) == calls_before
    assert await http_bot.db.fetchall("SELECT id FROM rounds") == []


async def test_forged_button_id_gets_a_polite_ephemeral_error(http_bot: SlackBot) -> None:
    await http_bot.send(click("quiz:answer:1:../../etc", "U1", http_bot.fake))

    notice = await http_bot.fake.wait_for_ephemeral("U1")
    assert "out of date or not one of mine" in notice["text"]
    assert await http_bot.answers() == []


# -- Web API failures ----------------------------------------------------------------------


@pytest.mark.parametrize(("error", "told"), [
    ("not_in_channel", "Slack says I am not in this channel: invite me (`/invite @quizbot`)"),
    ("channel_not_found", "Slack says I cannot see this channel"),
    ("invalid_auth", "Slack refused my credentials"),
])
async def test_refused_question_post_is_one_log_line_and_the_member_is_told_why(
    http_bot: SlackBot, caplog: pytest.LogCaptureFixture, error: str, told: str
) -> None:
    http_bot.fake.set_latency(0.02)
    http_bot.fake.fail("chat.postMessage", error)

    with caplog.at_level(logging.WARNING):
        await command(http_bot, "/quiz", "now")
        reply = await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
        await http_bot.settle()

    assert reply["response_type"] == "ephemeral"
    assert "could not be posted" in reply["text"] and told in reply["text"]  # one message, with the reason
    assert len(http_bot.fake.calls(RESPONSE_URL_METHOD)) == 1
    lines = [r.getMessage() for r in caplog.records if error in r.getMessage()]
    assert len(lines) == 1 and "event=post_failed" in lines[0] and "chat.postMessage" in lines[0]
    assert await http_bot.db.fetchall("SELECT id FROM rounds") == []  # withdrawn: the channel stays free


async def test_rate_limited_post_is_retried_after_retry_after(http_bot: SlackBot) -> None:
    http_bot.fake.rate_limit("chat.postMessage", retry_after=0)

    await command(http_bot, "/quiz", "now")
    fake = http_bot.fake
    await fake.wait_for("chat.postMessage", lambda _: len(fake.calls("chat.postMessage")) == 2)

    errors = [c.error for c in fake.api_calls if c.method == "chat.postMessage"]
    assert errors == ["ratelimited", None]
    await http_bot.settle()
    assert fake.calls(RESPONSE_URL_METHOD) == []  # nothing to apologise for


async def test_long_rate_limit_is_not_waited_out_and_the_member_is_told(http_bot: SlackBot) -> None:
    http_bot.fake.rate_limit("chat.postMessage", retry_after=600)

    await command(http_bot, "/quiz", "now")

    told = await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert "rate limiting me" in told["text"]
    assert len(http_bot.fake.calls("chat.postMessage")) == 1


async def test_confirmation_goes_through_the_clicks_response_url_not_a_web_api_call(http_bot: SlackBot) -> None:
    await command(http_bot, "/quiz", "now")
    question = await http_bot.question()
    calls_before = len(http_bot.fake.api_calls)

    await http_bot.send(click(question.action_ids[0], "U1", http_bot.fake))
    await http_bot.settle()

    after = http_bot.fake.api_calls[calls_before:]
    assert [(c.method, c.response_id) for c in after] == [(RESPONSE_URL_METHOD, "U1")]
    assert "recorded" in after[0].args["text"]


async def test_failing_response_url_falls_back_to_post_ephemeral_and_logs_one_line(
    http_bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    await command(http_bot, "/quiz", "now")
    question = await http_bot.question()
    http_bot.fake.fail(RESPONSE_URL_METHOD, "expired_url")

    with caplog.at_level(logging.WARNING):
        await http_bot.send(click(question.action_ids[0], "U1", http_bot.fake))
        fallback = await http_bot.fake.wait_for("chat.postEphemeral", lambda a: "recorded" in a.get("text", ""))

    assert (fallback["channel"], fallback["user"]) == (CHANNEL_ID, "U1")
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "method=response_url status=404" in lines[0] and "user=U1" in lines[0]
    assert len(await http_bot.answers()) == 1


async def test_answer_never_asks_users_info_and_keeps_the_name_the_click_carries(http_bot: SlackBot) -> None:
    await command(http_bot, "/quiz", "now")
    question = await http_bot.question()

    await http_bot.send(click(question.action_ids[0], "U7", http_bot.fake))
    await http_bot.fake.wait_for_ephemeral("U7", lambda a: "recorded" in a["text"])
    await http_bot.settle()

    assert {"user": "U7"} not in http_bot.fake.calls("users.info")  # only /quiz now's caller was looked up
    name = await http_bot.db.fetchone("SELECT name FROM members WHERE key = ?", (member_key(TEAM_ID, "U7"),))
    assert name is not None and name[0] == "u7"


async def test_modal_answer_does_not_wait_for_users_info(http_bot: SlackBot) -> None:
    admin = Member(member_key(TEAM_ID, ADMIN_ID), "Ada", is_admin=True)
    await http_bot.service.ask(CHANNEL, admin, kind="text")
    question = await http_bot.question()
    http_bot.fake.set_latency(1.5, "users.info")
    submit = view_submission(f"quiz:type:{question.round_id}", {"answer": {"text": text_input("adam")}},
                             private_metadata='{"channel": "C0QUIZ"}', user_id="U9")

    await http_bot.send(submit)

    notice = await http_bot.fake.wait_for("chat.postEphemeral", timeout=1.0)
    assert "Answer recorded: adam" in notice["text"]
    assert [tuple(r) for r in await http_bot.db.fetchall("SELECT text FROM answers")] == [("adam",)]
    assert http_bot.fake.calls("users.info") == []  # Slack has not answered yet


async def test_admin_command_still_asks_slack_for_rights(http_bot: SlackBot) -> None:
    await command(http_bot, "/quiz", "now")
    question = await http_bot.question()
    await http_bot.send(click(question.action_ids[0], ADMIN_ID, http_bot.fake))  # an answer: no rights needed
    await http_bot.fake.wait_for_ephemeral(ADMIN_ID)
    await http_bot.settle()

    await command(http_bot, "/quiz", "close", user_id=ADMIN_ID)

    await http_bot.fake.wait_for("chat.update", lambda a: "closed" in a["text"])  # the admin's right was seen
    asked = [a["user"] for a in http_bot.fake.calls("users.info")]
    assert asked.count(ADMIN_ID) == 1  # for the close only, never for the answer


# -- the service survives -------------------------------------------------------------------


async def test_a_failing_listener_logs_one_line_tells_the_member_and_the_next_click_works(
    http_bot: SlackBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    await command(http_bot, "/quiz", "now")
    question = await http_bot.question()
    real = http_bot.service.answer_choice

    async def broken(*args: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(http_bot.service, "answer_choice", broken)
    with caplog.at_level(logging.ERROR):
        assert (await http_bot.send(click(question.action_ids[0], "U1", http_bot.fake))).status == 200
        sorry = await http_bot.fake.wait_for_ephemeral("U1")
    assert "Something went wrong" in sorry["text"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "event=slack_listener_failed kind=action user=U1 channel=C0QUIZ"]

    monkeypatch.setattr(http_bot.service, "answer_choice", real)
    await http_bot.send(click(question.action_ids[0], "U1", http_bot.fake))
    await http_bot.fake.wait_for_ephemeral("U1", lambda a: "recorded" in a["text"])
    assert len(await http_bot.answers()) == 1


async def test_answered_counter_is_refreshed_in_place_with_buttons_kept(http_bot: SlackBot) -> None:
    from dataclasses import replace

    ctx = http_bot.service.ctx
    ctx.settings = replace(ctx.settings, counter_interval_s=0.05)
    await command(http_bot, "/quiz", "now")
    question = await http_bot.question()

    for user in ("U1", "U2"):
        await http_bot.send(click(question.action_ids[0], user, http_bot.fake))
    await http_bot.fake.wait_for_ephemeral("U2")

    refresh = await http_bot.fake.wait_for("chat.update", lambda a: "2 answered so far" in str(a["blocks"]))
    row = await ctx.stores.rounds.get(question.round_id)
    assert row is not None and refresh["ts"] == row.message_id
    assert buttons(refresh) == question.action_ids
