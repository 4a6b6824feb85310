"""The Slack harness drives the real slack-bolt: proof that adapter tests can trust the fake.

Each test runs a toy bolt app against FakeSlack over real HTTP (or Socket Mode) and checks
that a handler ran by waiting for the Web API call it makes, never by status code alone.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import CHANNEL_ID, MEMBER_ID, TEAM_ID, FakeSlack
from tests.fakes.slack_oauth import CLIENT_ID, CLIENT_SECRET, Team
from tests.fakes.slack_requests import (
    block_actions,
    event_callback,
    message_event,
    post_signed,
    send,
    serve_http,
    slash_command,
    text_input,
    view_submission,
)

SECRET = "test-signing-secret"


@pytest.fixture
def app(fake_slack: FakeSlack) -> AsyncApp:
    """A bolt app whose Web API client talks to the fake; tests add their listeners."""
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)
    return AsyncApp(client=client, signing_secret=SECRET)


@pytest.fixture
async def app_url(app: AsyncApp) -> AsyncIterator[str]:
    """The app served in HTTP mode on 127.0.0.1; listeners may be added after start."""
    async with serve_http(app.web_app()) as url:
        yield url


async def test_signed_slash_command_runs_handler_that_posts_a_message(
    app: AsyncApp, app_url: str, fake_slack: FakeSlack
) -> None:
    @app.command("/quiz")
    async def quiz(ack: Any, command: dict[str, Any], say: Any) -> None:
        await ack("Starting…")
        await say(f"Quiz on {command['text']}")

    reply = await send(app_url, slash_command("/quiz", "python"), SECRET)

    assert reply.status == 200
    assert reply.text == "Starting…"  # ack("text") answers text/plain in HTTP mode
    posted = await fake_slack.wait_for("chat.postMessage")
    assert posted["text"] == "Quiz on python"
    assert posted["channel"] == CHANNEL_ID
    assert fake_slack.calls("auth.test") == [{"team_id": TEAM_ID}]  # bolt adds team_id
    assert fake_slack.api_calls[-1].token == "xoxb-test"


async def test_respond_posts_to_the_fakes_response_url(
    app: AsyncApp, app_url: str, fake_slack: FakeSlack
) -> None:
    @app.command("/quiz")
    async def quiz(ack: Any, respond: Any) -> None:
        await ack()
        await respond(text="Only you can see this", response_type="ephemeral")

    url = fake_slack.response_url()
    await send(app_url, slash_command(response_url=url), SECRET)

    body = await fake_slack.wait_for("response_url")
    assert body["text"] == "Only you can see this"
    assert body["response_type"] == "ephemeral"


async def test_bad_signature_is_refused_with_401_and_no_api_calls(
    app: AsyncApp, app_url: str, fake_slack: FakeSlack
) -> None:
    ran: list[str] = []

    @app.command("/quiz")
    async def quiz(ack: Any) -> None:
        ran.append("quiz")
        await ack()

    reply = await send(app_url, slash_command(), "not-the-secret")

    assert reply.status == 401
    assert ran == []
    assert fake_slack.api_calls == []


async def test_request_signed_six_minutes_ago_is_refused_with_401(
    app: AsyncApp, app_url: str, fake_slack: FakeSlack
) -> None:
    request = slash_command()

    reply = await post_signed(
        app_url, request.body, request.content_type, SECRET, timestamp=int(time.time()) - 360
    )

    assert reply.status == 401
    assert fake_slack.api_calls == []


async def test_button_click_reaches_action_handler_with_value_and_message_ts(
    app: AsyncApp, app_url: str, fake_slack: FakeSlack
) -> None:
    @app.action("quiz:answer")
    async def answer(ack: Any, body: dict[str, Any], action: dict[str, Any], client: Any) -> None:
        await ack()
        await client.chat_update(
            channel=body["channel"]["id"],
            ts=body["container"]["message_ts"],
            text=f"{body['user']['id']} chose {action['value']}",
        )

    click = block_actions("quiz:answer", "r1:2", message_ts="1700000000.000200")
    reply = await send(app_url, click, SECRET)

    assert reply.status == 200
    updated = await fake_slack.wait_for("chat.update")
    assert updated == {
        "channel": CHANNEL_ID,
        "ts": "1700000000.000200",
        "text": f"{MEMBER_ID} chose r1:2",
        "team_id": TEAM_ID,  # bolt adds team_id to every call
    }


async def test_modal_submit_reaches_view_handler_with_state_and_metadata(
    app: AsyncApp, app_url: str, fake_slack: FakeSlack
) -> None:
    @app.view("quiz:define")
    async def define(ack: Any, view: dict[str, Any], client: Any) -> None:
        await ack()
        term = view["state"]["values"]["term"]["term_input"]["value"]
        await client.chat_postMessage(channel=view["private_metadata"], text=f"Defined {term}")

    submit = view_submission(
        "quiz:define", {"term": {"term_input": text_input("epoch")}}, private_metadata="C0OTHER"
    )
    reply = await send(app_url, submit, SECRET)

    assert reply.status == 200
    posted = await fake_slack.wait_for("chat.postMessage")
    assert (posted["channel"], posted["text"]) == ("C0OTHER", "Defined epoch")


async def test_event_retry_headers_reach_event_handler(
    app: AsyncApp, app_url: str, fake_slack: FakeSlack
) -> None:
    @app.event("message")
    async def on_message(event: dict[str, Any], request: Any, client: Any) -> None:
        retry = request.headers.get("x-slack-retry-num", ["none"])[0]
        reason = request.headers.get("x-slack-retry-reason", ["none"])[0]
        await client.chat_postMessage(channel=event["channel"], text=f"retry={retry} {reason}")

    delivery = event_callback(message_event("hello"), retry_num=1, retry_reason="http_timeout")
    reply = await send(app_url, delivery, SECRET)

    assert reply.status == 200
    posted = await fake_slack.wait_for("chat.postMessage")
    assert posted["text"] == "retry=1 http_timeout"


async def test_failing_web_api_call_raises_slack_api_error_in_handler(
    app: AsyncApp, app_url: str, fake_slack: FakeSlack
) -> None:
    fake_slack.set_latency(0.05)  # bolt 1.30 can lose an ack when a handler fails at once
    fake_slack.fail("chat.postMessage", error="channel_not_found")

    @app.command("/quiz")
    async def quiz(ack: Any, command: dict[str, Any], say: Any, client: Any) -> None:
        await ack()
        try:
            await say("Question 1")
        except SlackApiError as e:
            await client.chat_postEphemeral(
                channel=command["channel_id"], user=command["user_id"], text=e.response["error"]
            )

    reply = await send(app_url, slash_command(), SECRET)

    assert reply.status == 200
    warning = await fake_slack.wait_for("chat.postEphemeral")
    assert warning["text"] == "channel_not_found"
    assert [c.error for c in fake_slack.api_calls if c.method == "chat.postMessage"] == [
        "channel_not_found"
    ]


async def test_failed_auth_test_stops_bolt_before_the_handler(
    app: AsyncApp, app_url: str, fake_slack: FakeSlack
) -> None:
    fake_slack.fail("auth.test", error="invalid_auth", times=None)
    ran: list[str] = []

    @app.command("/quiz")
    async def quiz(ack: Any) -> None:
        ran.append("quiz")
        await ack()

    reply = await send(app_url, slash_command(), SECRET)

    assert reply.status == 200  # bolt answers 200 anyway...
    assert "Please reinstall this app" in reply.text  # ...with this, and never runs the handler
    assert ran == []
    assert [(c.method, c.error) for c in fake_slack.api_calls] == [("auth.test", "invalid_auth")]


async def test_rate_limit_answers_429_with_retry_after_then_recovers(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.rate_limit("chat.update", retry_after=7)
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)

    with pytest.raises(SlackApiError) as raised:
        await client.chat_update(channel=CHANNEL_ID, ts="1.2", text="3 answered")
    second = await client.chat_update(channel=CHANNEL_ID, ts="1.2", text="3 answered")

    assert raised.value.response.status_code == 429
    assert raised.value.response["error"] == "ratelimited"
    assert raised.value.response.headers["Retry-After"] == "7"
    assert second["ok"] is True


async def test_posted_messages_get_rising_ts_and_lookups_answer_for_any_id(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.add_user("U0ADA", real_name="Ada", tz="Europe/London")
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)

    first = await client.chat_postMessage(channel=CHANNEL_ID, text="Question 1")
    second = await client.chat_postMessage(channel=CHANNEL_ID, text="Question 2")
    ada = await client.users_info(user="U0ADA")
    channel = await client.conversations_info(channel="C0ANY")
    modal = await client.views_open(trigger_id="1.2.3", view={"type": "modal", "blocks": []})

    assert first["ts"] < second["ts"]
    assert (ada["user"]["real_name"], ada["user"]["tz"]) == ("Ada", "Europe/London")
    assert channel["channel"]["id"] == "C0ANY"
    assert modal["view"]["id"].startswith("V")


async def test_message_over_block_kit_limits_is_refused_with_invalid_blocks(
    fake_slack: FakeSlack,
) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)
    too_long = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}

    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel=CHANNEL_ID, text="Q", blocks=[too_long])

    assert raised.value.response["error"] == "invalid_blocks"


@pytest.fixture
async def socket_app(fake_slack: FakeSlack) -> AsyncIterator[AsyncApp]:
    """A bolt app connected in Socket Mode to the fake (no signing secret involved)."""
    app = AsyncApp(client=AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url))
    handler = AsyncSocketModeHandler(app, app_token="xapp-test")
    await handler.connect_async()
    try:
        yield app
    finally:
        await handler.close_async()


async def test_socket_mode_slash_command_is_acked_with_its_envelope_id_and_handled(
    socket_app: AsyncApp, fake_slack: FakeSlack
) -> None:
    @socket_app.command("/quiz")
    async def quiz(ack: Any, say: Any) -> None:
        await ack("Starting…")
        await say("Question 1")

    envelope_id = await fake_slack.socket_send(slash_command().envelope("env-1"))

    ack = await fake_slack.wait_for_ack(envelope_id)
    assert ack == {"envelope_id": "env-1", "payload": {"text": "Starting…"}}
    posted = await fake_slack.wait_for("chat.postMessage")
    assert (posted["channel"], posted["text"]) == (CHANNEL_ID, "Question 1")
    opened = [c for c in fake_slack.api_calls if c.method == "apps.connections.open"]
    assert [c.token for c in opened] == ["xapp-test"]


async def test_socket_mode_first_event_delivery_shows_retry_num_zero(
    socket_app: AsyncApp, fake_slack: FakeSlack
) -> None:
    # Slack's events_api envelopes always carry retry_attempt (0 at first); bolt maps it to
    # x-slack-retry-num, so the header's presence alone does not mean "this is a retry".
    @socket_app.event("message")
    async def on_message(event: dict[str, Any], request: Any, client: Any) -> None:
        retry = request.headers.get("x-slack-retry-num", ["none"])[0]
        await client.chat_postMessage(channel=event["channel"], text=f"retry={retry}")

    envelope_id = await fake_slack.socket_send(event_callback(message_event("hi")).envelope())

    assert await fake_slack.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    posted = await fake_slack.wait_for("chat.postMessage")
    assert posted["text"] == "retry=0"


# -- OAuth: installs in many workspaces ---------------------------------------------------

ALPHA = Team("T0ALPHA", "Alpha", "U0ALPHABOT", "B0ALPHA")
BETA = Team("T0BETA", "Beta", "U0BETABOT", "B0BETA")


def oauth_client(fake_slack: FakeSlack, token: str | None = None) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=fake_slack.api_url)


async def test_oauth_access_exchanges_a_code_once_for_the_teams_bot_token(fake_slack: FakeSlack) -> None:
    code = fake_slack.installs.approve(ALPHA)
    client = oauth_client(fake_slack)

    got = await client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)

    assert got["team"] == {"id": "T0ALPHA", "name": "Alpha"}
    assert got["bot_user_id"] == "U0ALPHABOT"
    assert str(got["access_token"]).startswith("xoxb-")
    assert got.get("refresh_token") is None  # no rotation asked for
    with pytest.raises(SlackApiError) as again:
        await client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, code=code)
    assert again.value.response["error"] == "invalid_code"


async def test_oauth_access_refuses_a_wrong_client_secret(fake_slack: FakeSlack) -> None:
    code = fake_slack.installs.approve(ALPHA)

    with pytest.raises(SlackApiError) as refused:
        await oauth_client(fake_slack).oauth_v2_access(client_id=CLIENT_ID, client_secret="wrong", code=code)

    assert refused.value.response["error"] == "bad_client_secret"


async def test_auth_test_answers_the_team_of_each_issued_token(fake_slack: FakeSlack) -> None:
    client = oauth_client(fake_slack)
    tokens = {}
    for team in (ALPHA, BETA):
        got = await client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                           code=fake_slack.installs.approve(team))
        tokens[team.team_id] = str(got["access_token"])

    alpha = await oauth_client(fake_slack, tokens["T0ALPHA"]).auth_test()
    beta = await oauth_client(fake_slack, tokens["T0BETA"]).auth_test()
    default = await oauth_client(fake_slack, "xoxb-test").auth_test()

    assert (alpha["team_id"], alpha["user_id"], alpha["bot_id"]) == ("T0ALPHA", "U0ALPHABOT", "B0ALPHA")
    assert (beta["team_id"], beta["user_id"]) == ("T0BETA", "U0BETABOT")
    assert default["team_id"] == TEAM_ID  # a token the fake never issued keeps the default team


async def test_refresh_token_rotates_the_bot_token_and_is_spent(fake_slack: FakeSlack) -> None:
    client = oauth_client(fake_slack)
    first = await client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                         code=fake_slack.installs.approve(ALPHA, rotating=True, expires_in=600))
    assert first["expires_in"] == 600

    rotated = await client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                           grant_type="refresh_token", refresh_token=first["refresh_token"])

    assert rotated["token_type"] == "bot"
    assert rotated["access_token"] != first["access_token"]
    assert rotated["refresh_token"] != first["refresh_token"]
    assert (await oauth_client(fake_slack, str(rotated["access_token"])).auth_test())["team_id"] == "T0ALPHA"
    with pytest.raises(SlackApiError) as spent:
        await client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                     grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert spent.value.response["error"] == "invalid_refresh_token"


async def test_expired_and_revoked_tokens_are_refused_on_every_method(fake_slack: FakeSlack) -> None:
    client = oauth_client(fake_slack)
    alpha = str((await client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                              code=fake_slack.installs.approve(ALPHA, rotating=True)))["access_token"])
    beta = str((await client.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                             code=fake_slack.installs.approve(BETA)))["access_token"])
    fake_slack.installs.expire(alpha, -1)
    fake_slack.installs.revoke("T0BETA")

    with pytest.raises(SlackApiError) as expired:
        await oauth_client(fake_slack, alpha).chat_postMessage(channel=CHANNEL_ID, text="hi")
    with pytest.raises(SlackApiError) as revoked:
        await oauth_client(fake_slack, beta).auth_test()

    assert expired.value.response["error"] == "token_expired"
    assert revoked.value.response["error"] == "token_revoked"


# -- the external file upload flow ------------------------------------------------------


async def test_files_upload_v2_runs_the_external_upload_flow_into_the_channel(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

    done = await client.files_upload_v2(channel=CHANNEL_ID, file=png, filename="chart.png", title="Chart")

    assert [c.method for c in fake_slack.api_calls] == [
        "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    assert fake_slack.calls("files.getUploadURLExternal")[0]["length"] == str(len(png))
    [shared] = fake_slack.shared_files
    assert (shared.filename, shared.title, shared.channel_id, shared.data) == ("chart.png", "Chart", CHANNEL_ID, png)
    assert done["file"]["id"] == shared.file_id and done["file"]["channels"] == [CHANNEL_ID]


async def test_completing_an_upload_whose_bytes_never_arrived_is_file_not_found(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)
    issued = await client.files_getUploadURLExternal(filename="chart.png", length=10)

    with pytest.raises(SlackApiError) as refused:
        await client.files_completeUploadExternal(files=[{"id": issued["file_id"]}], channel_id=CHANNEL_ID)

    assert refused.value.response["error"] == "file_not_found"
    assert fake_slack.shared_files == []


async def test_upload_url_refuses_bytes_of_another_length_than_announced(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)
    issued = await client.files_getUploadURLExternal(filename="chart.png", length=10)
    import aiohttp

    async with aiohttp.ClientSession() as session, session.post(issued["upload_url"], data=b"12345") as reply:
        assert reply.status == 404
    assert fake_slack.calls("upload")[0] == {"file_id": issued["file_id"], "length": 5}
