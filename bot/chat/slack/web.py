"""The Web API calls the bot makes, each failing one way: :class:`SlackCallError`.

:class:`SlackChat` is the :class:`Chat` port for Slack (``chat.postMessage`` and
``chat.update``) plus the calls only the adapter needs (ephemeral replies,
modals, user lookups). Every failure, whatever slack-sdk or aiohttp raised,
becomes a :class:`SlackCallError` naming the method and Slack's error code.

Logging: a failure of ``post``/``update`` is logged by the core (it catches
:class:`ChatError`), every other failure here, so each failed call gives one line.
Rate limits: the client retries a ``ratelimited`` answer after its
``Retry-After`` (see :class:`BoundedRateLimitRetry`); only when that is too long or
keeps happening does the call fail.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError, SlackRequestError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.chat.slack.render import Rendered, render
from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, ChatError, MessageRef

log = logging.getLogger("bot.chat.slack")

AUTH_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                         "token_expired", "missing_scope", "not_allowed_token_type"})
"""Refusals that retrying the same token cannot cure."""
DEAD_TOKEN = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"})
"""Refusals that mean the bot token no longer works at all (not merely a missing scope)."""


class SlackCallError(ChatError):
    """A Web API call that failed: ``method`` and Slack's ``code`` (``ratelimited``,
    ``channel_not_found``, ``invalid_auth``...; ``connection_error`` when Slack was
    not reached)."""

    def __init__(self, method: str, code: str, retry_after: int | None = None) -> None:
        super().__init__(f"{method} failed: {code}")
        self.method = method
        self.code = code
        self.retry_after = retry_after


def member_reason(code: str, bot_name: str) -> str:
    """What a member waiting on a failed call should be told, for Slack's error ``code``."""
    if code == "not_in_channel":
        return f"Slack says I am not in this channel: invite me (`/invite @{bot_name}`) and try again."
    if code == "channel_not_found":
        return "Slack says I cannot see this channel: in a private channel or a DM, invite me first."
    if code in AUTH_ERRORS:
        return "Slack refused my credentials: ask an admin to check the app's installation."
    if code == "ratelimited":
        return "Slack is rate limiting me: please try again in a minute."
    if code == "not_installed":
        return f"{bot_name} is not installed in this workspace any more: ask an admin to install it again."
    if code == "connection_error":
        return "I could not reach Slack: please try again in a moment."
    return f"Slack answered {code}."


def hint(code: str) -> str:
    """What an admin should do about an error code, for the log line."""
    if code in AUTH_ERRORS:
        return "check SLACK_BOT_TOKEN / SLACK_APP_TOKEN and the app's scopes, or reinstall the app"
    if code == "not_in_channel":
        return "invite the bot to the channel"
    if code == "channel_not_found":
        return "the channel is gone or private without the bot"
    if code == "ratelimited":
        return "Slack asked us to slow down"
    if code == "not_installed":
        return "the app was uninstalled from this workspace (or never installed): install it again"
    return ""


class BoundedRateLimitRetry(AsyncRetryHandler):
    """Retry a 429 after its ``Retry-After``, unless Slack asks for more than
    ``max_wait_s``: a member waiting for a reply should get an error, not silence."""

    def __init__(self, max_retry_count: int = 2, max_wait_s: float = 30.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_s = max_wait_s

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        return (response is not None and response.status_code == 429
                and _retry_after(response.headers) <= self.max_wait_s)

    async def prepare_for_next_attempt_async(self, *, state: RetryState, request: HttpRequest,
                                             response: HttpResponse | None = None,
                                             error: Exception | None = None) -> None:
        wait = _retry_after(response.headers if response is not None else {})
        log.info("event=slack_rate_limited url=%s retry_after=%ss attempt=%d", request.url, wait,
                 state.current_attempt + 1)
        state.next_attempt_requested = True
        await asyncio.sleep(wait + random.uniform(0, 0.2))
        state.increment_current_attempt()


def _retry_after(headers: dict[str, Any]) -> float:
    for key, value in headers.items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                break
    return 1.0


def make_client(token: str, api_url: str) -> AsyncWebClient:
    """A Web API client for ``api_url`` (slack-sdk needs the trailing slash) that
    honours rate limits and retries a dropped connection once; no token when ``token`` is empty
    (the app's own client when installed in many workspaces)."""
    from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler

    base_url = api_url if api_url.endswith("/") else api_url + "/"
    return AsyncWebClient(token=token or None, base_url=base_url, timeout=15,
                          retry_handlers=[AsyncConnectionErrorRetryHandler(), BoundedRateLimitRetry()])


async def call(method: str, send: Callable[[], Awaitable[AsyncSlackResponse]]) -> AsyncSlackResponse:
    """Run one Web API call; any failure becomes :class:`SlackCallError` (not logged)."""
    try:
        return await send()
    except SlackApiError as exc:
        code = str(exc.response.get("error") or f"http_{exc.response.status_code}")
        retry = exc.response.headers.get("Retry-After") if exc.response.status_code == 429 else None
        raise SlackCallError(method, code, int(float(retry)) if retry else None) from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.debug("event=slack_connection_error method=%s error=%r", method, exc)
        raise SlackCallError(method, "connection_error") from None
    except SlackRequestError as exc:  # files_upload_v2: the upload URL refused the bytes
        log.debug("event=slack_request_error method=%s error=%r", method, exc)
        raise SlackCallError(method, "upload_failed") from None


def log_failure(error: SlackCallError, **where: str) -> None:
    """The one log line for a failed call the core does not log itself."""
    extra = " ".join(f"{k}={v}" for k, v in where.items())
    advice = hint(error.code)
    log.warning("event=slack_call_failed method=%s error=%s%s%s%s", error.method, error.code,
                f" retry_after={error.retry_after}s" if error.retry_after is not None else "",
                f" {extra}" if extra else "", f" hint={advice!r}" if advice else "")


class SlackChat:
    """The :class:`Chat` port over the Web API, and the adapter's other calls."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient,
                 on_dead_token: Callable[[SlackCallError], None] | None = None) -> None:
        self.client = client
        self.on_dead_token = on_dead_token
        """Told of every call refused with a :data:`DEAD_TOKEN` code (the adapter's health)."""
        self.bot_name = "quizbot"
        """Set from ``auth.test`` at start; used in "invite me" reasons."""

    async def call(self, method: str, send: Callable[[], Awaitable[AsyncSlackResponse]]) -> AsyncSlackResponse:
        """:func:`call`, telling :attr:`on_dead_token` when Slack refuses the bot token. The
        error raised carries its ``member_reason`` (:func:`member_reason`)."""
        try:
            return await call(method, send)
        except SlackCallError as exc:
            exc.member_reason = member_reason(exc.code, self.bot_name)
            if exc.code in DEAD_TOKEN and self.on_dead_token is not None:
                self.on_dead_token(exc)
            raise

    # -- Chat port (failures are logged by the core) -----------------------------------

    async def post(self, channel: ChannelRef, message: m.Message) -> MessageRef:
        body = render(message)
        resp = await self.call("chat.postMessage", lambda: self.client.chat_postMessage(
            channel=channel.native_id, text=body.text, blocks=body.blocks, unfurl_links=False,
            unfurl_media=False))
        ref = MessageRef(channel, str(resp["ts"]))
        if isinstance(message, m.WeeklyDigest) and message.chart_png:
            await self.upload_chart(channel, message)
        return ref

    async def upload_chart(self, channel: ChannelRef, digest: m.WeeklyDigest) -> None:
        """Share the digest's chart in the channel through Slack's external upload flow
        (``files.getUploadURLExternal``, the bytes POSTed to the URL it returns,
        ``files.completeUploadExternal`` with ``channel_id``: slack-sdk's ``files_upload_v2``).
        A failure is logged here and not raised: the digest's text is already posted."""
        try:
            await self.call("files.completeUploadExternal", lambda: self.client.files_upload_v2(
                channel=channel.native_id, file=digest.chart_png, filename=digest.chart_name,
                title=digest.title, alt_txt="Points per day of each member this week"))
        except SlackCallError as exc:
            log_failure(exc, channel=channel.native_id)

    async def update(self, ref: MessageRef, message: m.Message) -> None:
        body = render(message)
        await self.call("chat.update", lambda: self.client.chat_update(
            channel=ref.channel.native_id, ts=ref.message_id, text=body.text, blocks=body.blocks))

    # -- adapter calls (failures logged here, then raised) ------------------------------

    async def ephemeral(self, channel_id: str, user_id: str, message: m.Message | Rendered) -> None:
        body = message if isinstance(message, Rendered) else render(message)
        try:
            await self.call("chat.postEphemeral", lambda: self.client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=body.text, blocks=body.blocks))
        except SlackCallError as exc:
            log_failure(exc, channel=channel_id, user=user_id)
            raise

    async def open_view(self, trigger_id: str, view: dict[str, Any], user_id: str) -> None:
        try:
            await self.call("views.open", lambda: self.client.views_open(trigger_id=trigger_id, view=view))
        except SlackCallError as exc:
            log_failure(exc, user=user_id)
            raise

    async def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Show ``view`` on the member's App Home tab (``views.publish``)."""
        try:
            await self.call("views.publish", lambda: self.client.views_publish(user_id=user_id, view=view))
        except SlackCallError as exc:
            log_failure(exc, user=user_id)
            raise

    async def post_direct(self, user_id: str, message: m.Message) -> MessageRef:
        """Post ``message`` in the member's direct messages with the bot (``conversations.open``,
        then ``chat.postMessage``): for what starts where there is no channel (the App Home)."""
        opened = await self.call("conversations.open", lambda: self.client.conversations_open(users=user_id))
        channel_id = str((opened.get("channel") or {}).get("id") or "")
        body = render(message)
        resp = await self.call("chat.postMessage", lambda: self.client.chat_postMessage(
            channel=channel_id, text=body.text, blocks=body.blocks, unfurl_links=False, unfurl_media=False))
        return MessageRef(ChannelRef("slack", "", channel_id), str(resp["ts"]))

    async def send_file(self, user_id: str, filename: str, content: str, comment: str) -> None:
        """Upload a text file into the member's direct messages with the bot, for them alone
        (``conversations.open``, then slack-sdk's ``files_upload_v2``: Slack's external upload flow)."""
        try:
            opened = await self.call("conversations.open", lambda: self.client.conversations_open(users=user_id))
            channel = str((opened.get("channel") or {}).get("id") or "")


            async def upload() -> AsyncSlackResponse:
                try:
                    return await self.client.files_upload_v2(
                        channel=channel, filename=filename, title=filename, content=content, initial_comment=comment)
                except SlackApiError:
                    raise
                except SlackClientError as exc:  # the upload URL refused the bytes
                    log.debug("event=slack_upload_error error=%r", exc)
                    raise SlackCallError("files.upload", "upload_failed") from None

            await self.call("files.completeUploadExternal", upload)
        except SlackCallError as exc:
            log_failure(exc, user=user_id)
            raise

    async def user_info(self, user_id: str) -> dict[str, Any]:
        try:
            resp = await self.call("users.info", lambda: self.client.users_info(user=user_id))
        except SlackCallError as exc:
            log_failure(exc, user=user_id)
            raise
        user = resp.get("user")
        return user if isinstance(user, dict) else {}
