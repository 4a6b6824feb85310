"""End to end in Socket Mode: envelopes pushed over the fake's websocket into the real bolt
app, acks read back, the bot's Web API calls recorded by the fake."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app import start_adapter
from bot.chat.slack.adapter import SlackAdapter
from bot.chat.slack.identity import member_key
from tests.chat.slack.conftest import ADMIN_ID, SlackBot, buttons, click
from tests.fakes.slack import CHANNEL_ID, RESPONSE_URL_METHOD, TEAM_ID, FakeSlack
from tests.fakes.slack_requests import slash_command, text_input, view_submission
from tests.helpers import Clock, make_service


async def test_socket_mode_connects_with_the_app_token(socket_bot: SlackBot) -> None:
    opened = [c for c in socket_bot.fake.api_calls if c.method == "apps.connections.open"]

    assert [c.token for c in opened] == ["xapp-test"]
    assert socket_bot.fake.socket_connections == 1
    assert socket_bot.adapter.connected


async def test_socket_mode_round_from_command_to_reveal(socket_bot: SlackBot) -> None:
    fake = socket_bot.fake
    envelope = await fake.socket_send(slash_command("/quiz", "now", response_url=fake.response_url()).envelope())
    assert await fake.wait_for_ack(envelope) == {"envelope_id": envelope}  # acked at once, empty
    question = await socket_bot.question()

    for user in ("U1", "U2", "U3"):
        sent = await fake.socket_send(click(question.action_ids[0], user, fake).envelope())
        await fake.wait_for_ack(sent)
    for user in ("U1", "U2", "U3"):
        await fake.wait_for("chat.postEphemeral", lambda a, u=user: a["user"] == u)  # type: ignore[misc]
    await fake.socket_send(slash_command("/quiz", "close", user_id=ADMIN_ID,
                                         response_url=fake.response_url()).envelope())

    reveal = await fake.wait_for("chat.update")
    assert reveal["channel"] == CHANNEL_ID
    assert f"Round {question.round_id} closed" in str(reveal["blocks"])
    assert len(await socket_bot.answers()) == 3


async def test_socket_mode_redelivered_click_is_counted_once(socket_bot: SlackBot) -> None:
    fake = socket_bot.fake
    await fake.socket_send(slash_command("/quiz", "now", response_url=fake.response_url()).envelope())
    question = await socket_bot.question()
    request = click(question.action_ids[1], "U1", fake)

    await fake.wait_for_ack(await fake.socket_send(request.envelope("env-1")))
    await fake.wait_for_ack(await fake.socket_send(request.envelope("env-1")))  # the same envelope again

    await fake.wait_for("chat.postEphemeral", lambda a: "first answer counts" in a["text"])
    assert await socket_bot.answers() == [(question.round_id, member_key(TEAM_ID, "U1"), 1, None)]


async def test_socket_mode_modal_answer(socket_bot: SlackBot) -> None:
    fake = socket_bot.fake
    from bot.chat.slack.identity import channel_ref
    from bot.quiz.ports import Member

    admin = Member(member_key(TEAM_ID, ADMIN_ID), "Ada", is_admin=True)
    await socket_bot.service.ask(channel_ref(TEAM_ID, CHANNEL_ID), admin, kind="text")
    question = await socket_bot.question()
    await fake.socket_send(click(question.action_ids[0], "U2", fake).envelope())
    view = (await fake.wait_for("views.open"))["view"]

    submit = view_submission(view["callback_id"], {"answer": {"text": text_input("Adam")}},
                             private_metadata=view["private_metadata"], user_id="U2")
    envelope = await fake.socket_send(submit.envelope())

    assert await fake.wait_for_ack(envelope) == {"envelope_id": envelope}
    notice = await fake.wait_for("chat.postEphemeral")
    assert "Answer recorded: Adam" in notice["text"]
    assert await socket_bot.answers() == [(question.round_id, member_key(TEAM_ID, "U2"), None, "Adam")]


async def test_define_over_socket_mode(socket_bot: SlackBot) -> None:
    fake = socket_bot.fake
    await fake.socket_send(slash_command("/define", "dropout", response_url=fake.response_url()).envelope())

    body = await fake.wait_for(RESPONSE_URL_METHOD)
    assert "Randomly zeroes activations" in body["text"]
    assert all(b.startswith(("define:", "report:")) for b in buttons(body))


async def test_refused_app_token_is_one_log_line_and_no_connection(
    fake_slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.fail("apps.connections.open", "invalid_auth")
    service, db = await make_service(tmp_path / "quiz.db", Clock())
    adapter = SlackAdapter(service, "xoxb-test", app_token="xapp-revoked", api_url=fake_slack.api_url)

    with caplog.at_level(logging.WARNING):
        await start_adapter(service, adapter)
    try:
        assert not adapter.connected
        assert fake_slack.socket_connections == 0
        lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(lines) == 1
        assert "method=apps.connections.open error=invalid_auth" in lines[0] and "SLACK_APP_TOKEN" in lines[0]
        assert "xapp-revoked" not in lines[0]
    finally:
        await adapter.stop()
        await service.shutdown()
        await db.close()


async def test_refused_bot_token_is_logged_and_reported_disconnected(
    fake_slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.fail("auth.test", "invalid_auth", times=None)
    service, db = await make_service(tmp_path / "quiz.db", Clock())
    adapter = SlackAdapter(service, "xoxb-wrong", app_token="xapp-test", api_url=fake_slack.api_url)

    with caplog.at_level(logging.WARNING):
        await start_adapter(service, adapter)
    try:
        assert not adapter.connected
        assert any("method=auth.test error=invalid_auth" in r.getMessage() and "SLACK_BOT_TOKEN" in r.getMessage()
                   for r in caplog.records)
    finally:
        await adapter.stop()
        await service.shutdown()
        await db.close()


async def test_socket_mode_reconnects_when_slack_asks_and_keeps_working(socket_bot: SlackBot) -> None:
    fake = socket_bot.fake
    await fake.socket_send({"type": "disconnect", "reason": "refresh_requested"})
    await fake.wait_for("apps.connections.open", lambda _: fake.socket_connections == 2)  # envelopes go to the newest

    envelope = await fake.socket_send(slash_command("/define", "adam", response_url=fake.response_url()).envelope())

    await fake.wait_for_ack(envelope)
    assert "adaptive moment" in (await fake.wait_for(RESPONSE_URL_METHOD))["text"]


async def test_bold_display_name_shows_literally_in_the_reveal_leaderboard(socket_bot: SlackBot) -> None:
    from bot.chat.slack.render import literal

    fake = socket_bot.fake
    fake.add_user("U1", profile={"display_name": "*bold* <!channel>"})
    await fake.socket_send(slash_command("/quiz", "now", response_url=fake.response_url()).envelope())
    question = await socket_bot.question()
    await fake.wait_for_ack(await fake.socket_send(click(question.action_ids[0], "U1", fake).envelope()))
    await fake.wait_for("chat.postEphemeral", lambda a: a["user"] == "U1")
    await socket_bot.settle()
    await fake.socket_send(slash_command("/quiz", "close", user_id=ADMIN_ID,
                                         response_url=fake.response_url()).envelope())

    reveal = await fake.wait_for("chat.update")
    board = reveal["blocks"][-1]["text"]["text"]
    assert f"1. {literal('*bold* <!channel>')}: *" in board
    assert "*bold*" not in str(reveal["blocks"]) and "<!channel>" not in str(reveal["blocks"])
