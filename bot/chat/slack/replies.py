"""Private replies through an interaction's ``response_url``, over one pooled HTTP session.

Slack hands every slash command and every click on a message a ``response_url``; a post to it
with ``response_type: ephemeral`` shows the reply to that member alone, in that channel. It is
the cheap way to answer a burst: no Web API method (``chat.postEphemeral`` is rate limited per
workspace, about 100 a minute, so 2,000 "Answer recorded" in 10 s would mostly wait), no token,
and here one aiohttp session (the Web API client's) for every post, so a confirmation reuses
a kept-alive connection instead of opening one (bolt's ``respond`` opens a session per call).

A failed post is logged (one line) and reported as False, so the caller can fall back to
``chat.postEphemeral``; it never raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.chat.slack.render import Rendered

log = logging.getLogger("bot.chat.slack")

TIMEOUT_S = 15


class ResponseUrls:
    """Posts to ``response_url``s with the session ``session()`` returns (a fresh one per post
    while it returns None, e.g. before the adapter started)."""

    def __init__(self, session: Callable[[], aiohttp.ClientSession | None]) -> None:
        self._session = session

    async def send(self, url: str | None, body: Rendered, *, user_id: str, replace_original: bool = False) -> bool:
        """Show ``body`` to the member behind ``url`` (replacing the clicked message when
        ``replace_original``). True once Slack took it; False (logged) when there is no URL or
        the post failed."""
        if not url:
            return False
        session = self._session()
        client = AsyncWebhookClient(url, timeout=TIMEOUT_S,
                                    session=session if session is not None and not session.closed else None)
        message = {"text": body.text, "blocks": body.blocks, "response_type": "ephemeral",
                   "replace_original": replace_original}
        try:
            reply = await client.send_dict(message)
        except (ValueError, aiohttp.ClientError, TimeoutError) as exc:  # a bad URL, or unreachable
            log.warning("event=slack_call_failed method=response_url error=%r user=%s", exc, user_id)
            return False
        if reply.status_code != 200:
            log.warning("event=slack_call_failed method=response_url status=%s body=%r user=%s",
                        reply.status_code, str(reply.body)[:100], user_id)
            return False
        return True
