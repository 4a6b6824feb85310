"""Signed requests whose body is not what Slack sends: HTTP 400, one warning line, no traceback,
nothing changed."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from tests.chat.slack.conftest import SECRET, SlackBot
from tests.fakes.slack_requests import FORM, JSON, post_signed

CLICK_WITHOUT_ACTIONS = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"}}


@pytest.mark.parametrize(("body", "content_type", "reason"), [
    ("payload={not-json", FORM, "payload is not JSON"),
    (urlencode({"payload": json.dumps([1, 2, 3])}), FORM, "payload is JSON but not an object (got list)"),
    (urlencode({"payload": json.dumps({"user": {"id": "U1"}})}), FORM, "payload without a type"),
    (urlencode({"payload": json.dumps({"type": "block_actions"})}), FORM, "payload without user.id"),
    (urlencode({"payload": json.dumps(CLICK_WITHOUT_ACTIONS)}), FORM, "block_actions without actions[].action_id"),
    (urlencode({"payload": json.dumps({"type": "view_submission", "user": {"id": "U1"}})}), FORM,
     "view_submission without a view"),
    (urlencode({"text": "now", "team_id": "T1", "user_id": "U1"}), FORM, "slash command without command"),
    ("{not json", JSON, "body is not JSON"),
    ("[1, 2]", JSON, "body is JSON but not an object (got list)"),
], ids=["payload-not-json", "payload-list", "no-type", "no-user", "click-without-actions", "view-without-view",
        "command-without-name", "json-body-broken", "json-body-list"])
async def test_malformed_signed_request_gets_400_and_one_warning_without_traceback(
        http_bot: SlackBot, caplog: pytest.LogCaptureFixture, body: str, content_type: str, reason: str) -> None:
    assert http_bot.adapter.url is not None
    calls_before = len(http_bot.fake.api_calls)

    with caplog.at_level(logging.DEBUG):
        reply = await post_signed(http_bot.adapter.url, body, content_type, SECRET)
        await http_bot.settle()

    assert reply.status == 400
    assert reason in reply.text
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [f"event=slack_malformed_request reason={reason!r} retry=0"]
    assert all(r.exc_info is None for r in caplog.records)
    assert len(http_bot.fake.api_calls) == calls_before
    assert await http_bot.db.fetchall("SELECT id FROM rounds") == []


async def test_malformed_body_with_a_bad_signature_is_refused_401_not_logged_as_malformed(
        http_bot: SlackBot, caplog: pytest.LogCaptureFixture) -> None:
    assert http_bot.adapter.url is not None

    with caplog.at_level(logging.WARNING):
        reply = await post_signed(http_bot.adapter.url, "payload={not-json", FORM, "not-the-secret")

    assert reply.status == 401
    assert not [r for r in caplog.records if "malformed" in r.getMessage()]
