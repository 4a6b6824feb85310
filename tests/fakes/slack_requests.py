"""Requests shaped as Slack sends them to an app, for HTTP mode and Socket Mode alike.

A builder (``slash_command``, ``block_actions``, ``view_submission``, ``event_callback``)
returns a ``SlackRequest``: the same payload renders as an HTTP body (``.body``,
``.content_type``, ``.headers``) or as a Socket Mode envelope (``.envelope()``).
``send``/``post_signed`` deliver it over real HTTP, signed with the app's secret, and
``serve_http`` serves an aiohttp application (e.g. ``AsyncApp.web_app()``) on a free port.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from .slack import APP_ID, BOT_ID, BOT_USER_ID, CHANNEL_ID, MEMBER_ID, TEAM_ID

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
DEFAULT_RESPONSE_URL = "https://hooks.slack.com/commands/T0FAKE/1/fake"
VERIFICATION_TOKEN = "legacy-verification-token"

Kind = Literal["slash_commands", "interactive", "events_api"]
Payload = dict[str, Any]

_counter = itertools.count(1)


@dataclass(frozen=True)
class SlackRequest:
    """One request from Slack to the app, in a transport-neutral form.

    ``kind`` is the Socket Mode envelope type; ``payload`` is what Slack puts in the
    envelope, and what the HTTP body encodes (form fields for slash commands,
    ``payload=<JSON>`` for interactivity, a JSON document for events).
    """

    kind: Kind
    payload: Payload
    retry_num: int | None = None
    retry_reason: str | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return JSON if self.kind == "events_api" else FORM

    @property
    def body(self) -> str:
        """The raw HTTP body, exactly the bytes that get signed."""
        if self.kind == "slash_commands":
            return urlencode(self.payload)
        if self.kind == "interactive":
            return urlencode({"payload": json.dumps(self.payload)})
        return json.dumps(self.payload)

    @property
    def headers(self) -> dict[str, str]:
        """Headers besides signing and content type: Slack's retry headers, if any."""
        headers = dict(self.extra_headers)
        if self.retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(self.retry_num)
        if self.retry_reason is not None:
            headers["X-Slack-Retry-Reason"] = self.retry_reason
        return headers

    def envelope(self, envelope_id: str | None = None) -> Payload:
        """The Socket Mode envelope; ``envelope_id`` defaults to a fresh unique id.

        Like Slack, events carry ``retry_attempt``/``retry_reason`` always (0 and "" on
        a first delivery), and commands and view submissions accept a response payload.
        """
        envelope: Payload = {
            "envelope_id": envelope_id or str(uuid.uuid4()),
            "type": self.kind,
            "payload": self.payload,
            "accepts_response_payload": self.kind == "slash_commands"
            or self.payload.get("type") == "view_submission",
        }
        if self.kind == "events_api":
            envelope["retry_attempt"] = self.retry_num or 0
            envelope["retry_reason"] = self.retry_reason or ""
        return envelope


@dataclass(frozen=True)
class HttpReply:
    """What the app answered: status, body text and headers."""

    status: int
    text: str
    headers: Mapping[str, str]

    def json(self) -> Any:
        return json.loads(self.text)


# -- builders ------------------------------------------------------------------------------


def trigger_id() -> str:
    """A fresh trigger id in Slack's shape."""
    return f"{next(_counter)}.{int(time.time())}.{uuid.uuid4().hex}"


def slash_command(
    command: str = "/quiz",
    text: str = "",
    *,
    user_id: str = MEMBER_ID,
    user_name: str = "member",
    channel_id: str = CHANNEL_ID,
    channel_name: str = "quiz",
    team_id: str = TEAM_ID,
    response_url: str = DEFAULT_RESPONSE_URL,
    trigger: str | None = None,
) -> SlackRequest:
    """A slash command invocation (form fields as Slack sends them)."""
    return SlackRequest(
        "slash_commands",
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "team_domain": "fake-team",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger or trigger_id(),
        },
    )


def block_actions(
    action_id: str,
    value: str = "",
    *,
    block_id: str = "actions",
    user_id: str = MEMBER_ID,
    user_name: str = "member",
    channel_id: str = CHANNEL_ID,
    message_ts: str = "1700000000.000100",
    team_id: str = TEAM_ID,
    message: Payload | None = None,
    response_url: str = DEFAULT_RESPONSE_URL,
    trigger: str | None = None,
) -> SlackRequest:
    """A click on a button (``actions[0]``) in a message the bot posted at ``message_ts``."""
    return SlackRequest(
        "interactive",
        {
            "type": "block_actions",
            "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "container": {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel_id,
                "is_ephemeral": False,
            },
            "trigger_id": trigger or trigger_id(),
            "team": {"id": team_id, "domain": "fake-team"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel_id, "name": "quiz"},
            "message": message
            or {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "ts": message_ts},
            "state": {"values": {}},
            "response_url": response_url,
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": block_id,
                    "text": {"type": "plain_text", "text": value or action_id},
                    "value": value,
                    "type": "button",
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        },
    )


def view_submission(
    callback_id: str,
    values: Mapping[str, Mapping[str, Payload]],
    *,
    private_metadata: str = "",
    user_id: str = MEMBER_ID,
    user_name: str = "member",
    team_id: str = TEAM_ID,
    view_id: str = "V0MODAL",
) -> SlackRequest:
    """A modal submit; ``values`` is ``view.state.values``:
    ``{block_id: {action_id: {"type": "plain_text_input", "value": "..."}}}``.
    """
    return SlackRequest(
        "interactive",
        {
            "type": "view_submission",
            "team": {"id": team_id, "domain": "fake-team"},
            "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "trigger_id": trigger_id(),
            "view": {
                "id": view_id,
                "team_id": team_id,
                "type": "modal",
                "blocks": [],
                "private_metadata": private_metadata,
                "callback_id": callback_id,
                "state": {"values": {k: dict(v) for k, v in values.items()}},
                "hash": f"{time.time():.6f}",
                "title": {"type": "plain_text", "text": "Quiz"},
                "app_id": APP_ID,
                "bot_id": BOT_ID,
                "root_view_id": view_id,
                "previous_view_id": None,
            },
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        },
    )


def text_input(value: str) -> Payload:
    """One entry of ``view.state.values[block_id]``: a plain text input's state."""
    return {"type": "plain_text_input", "value": value}


def message_event(
    text: str,
    *,
    user_id: str = MEMBER_ID,
    channel_id: str = CHANNEL_ID,
    ts: str | None = None,
    thread_ts: str | None = None,
) -> Payload:
    """A ``message`` event from a member, for ``event_callback``."""
    event: Payload = {
        "type": "message",
        "channel": channel_id,
        "user": user_id,
        "text": text,
        "ts": ts or f"{time.time():.6f}",
        "event_ts": ts or f"{time.time():.6f}",
        "channel_type": "channel",
    }
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    return event


def event_callback(
    event: Payload,
    *,
    event_id: str | None = None,
    team_id: str = TEAM_ID,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> SlackRequest:
    """An Events API delivery of ``event``; a redelivery carries the same ``event_id``
    and ``retry_num``/``retry_reason`` (e.g. 1, "http_timeout").
    """
    return SlackRequest(
        "events_api",
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        },
        retry_num=retry_num,
        retry_reason=retry_reason,
    )


# -- signing and delivery ------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: str) -> str:
    """``v0=<hex HMAC-SHA256 of "v0:{timestamp}:{body}">``, Slack's request signature."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


async def post_signed(
    url: str,
    body: str,
    content_type: str,
    secret: str,
    timestamp: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpReply:
    """POST ``body`` to ``url`` over real HTTP, signed like Slack with ``secret``.

    ``timestamp`` defaults to now; pass an old one to test replay protection.
    ``headers`` are added last and may override the signing headers.
    """
    ts = int(time.time()) if timestamp is None else timestamp
    all_headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(secret, ts, body),
        **(headers or {}),
    }
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body.encode(), headers=all_headers) as resp,
    ):
        return HttpReply(resp.status, await resp.text(), dict(resp.headers))


async def send(
    url: str, request: SlackRequest, secret: str, *, timestamp: int | None = None
) -> HttpReply:
    """Deliver ``request`` to an HTTP-mode app at ``url`` as Slack would."""
    return await post_signed(
        url, request.body, request.content_type, secret, timestamp, request.headers
    )


@asynccontextmanager
async def serve_http(app: web.Application, path: str = "/slack/events") -> AsyncIterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1; yields the URL of ``path``."""
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        yield f"http://127.0.0.1:{runner.addresses[0][1]}{path}"
    finally:
        await runner.cleanup()
