"""The HTTP endpoint decodes a request body once (yarl's C unquoter) and hands bolt the result;
bolt still verifies the signature, and reads exactly what it would have parsed itself."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import pytest

from bot.chat.slack.http import form_fields, parsed_request
from tests.chat.slack.conftest import SECRET, SlackBot
from tests.fakes.slack import RESPONSE_URL_METHOD
from tests.fakes.slack_requests import FORM, block_actions, signature, slash_command


@pytest.mark.parametrize("body", [
    "", "a", "a=1&b=&c", "=x", "a=1&&b=2", "a=%", "x=%zz%2", "a=+%2B+", "a=1;b=2", "a=1#x", "a=b?c",
    "a=%C3%A9%E2%9C%93", "a=%ff", "a=%00", "t=first&t=last", "a=é",
    block_actions("quiz:answer:1:0", "quiz:answer:1:0").body,
    slash_command("/quiz", 'schedule add "weekdays 09:30" Europe/Berlin').body,
], ids=lambda body: body[:20] or "empty")
def test_form_fields_read_a_body_exactly_as_parse_qsl_does(body: str) -> None:
    assert form_fields(body) == dict(parse_qsl(body, keep_blank_values=True))


async def test_bolt_still_refuses_a_parsed_request_whose_signature_is_wrong(http_bot: SlackBot) -> None:
    raw = slash_command("/quiz", "now").body
    timestamp = str(int(time.time()))
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": signature("not-the-secret", int(timestamp), raw)}

    response = await http_bot.adapter.app.async_dispatch(
        parsed_request(raw, form_fields(raw), "", headers))

    assert response.status == 401
    assert await http_bot.db.fetchall("SELECT id FROM rounds") == []


async def test_bolt_accepts_a_parsed_request_signed_with_the_secret(http_bot: SlackBot) -> None:
    raw = slash_command("/quiz", "help", response_url=http_bot.fake.response_url()).body
    timestamp = str(int(time.time()))
    headers = {"Content-Type": FORM, "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": signature(SECRET, int(timestamp), raw)}

    response = await http_bot.adapter.app.async_dispatch(parsed_request(raw, form_fields(raw), "", headers))

    assert response.status == 200
    await http_bot.fake.wait_for(RESPONSE_URL_METHOD)


async def test_slash_command_whose_text_says_payload_is_answered(http_bot: SlackBot) -> None:
    # bolt's own parser takes any form body containing "payload" for an interaction and reads
    # nothing from it; the endpoint's parse reads the command
    reply = await http_bot.send(slash_command("/define", "payload", response_url=http_bot.fake.response_url()))

    assert reply.status == 200
    answer = await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert "payload" in answer["text"]
