"""The Discord adapter: the client's lifecycle for ``bot/app.py`` and the :class:`Chat` port
the core posts questions and reveals through.

Questions and reveals are channel messages with ``AllowedMentions.none()``; a platform error on
them (Forbidden, NotFound, any HTTP error, a network failure) is logged once here and raised as
:class:`~bot.quiz.ports.ChatError`, which the core lives with (``Context.post`` / ``update``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
import discord

from bot.chat.discord.client import QuizClient, configure_endpoints, make_client
from bot.chat.discord.handlers import DEFER_AFTER, Handlers
from bot.chat.discord.render import NO_MENTIONS, render, send_options
from bot.chat.discord.shards import clock_shards
from bot.config import Settings
from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, ChatError, MessageRef, WorkspaceShards
from bot.quiz.service import QuizService

log = logging.getLogger("bot.chat.discord")

STOP_TIMEOUT_S = 10.0
"""How long the gateway task may take to end after ``close()``."""
DRAIN_S = 25.0


class DiscordAdapter:
    """Runs one Discord client (sharded when a shard count is given) for the service."""

    name = "discord"
    platform = "discord"

    def __init__(self, service: QuizService, token: str, *, shard_count: int | None = None,
                 shard_ids: tuple[int, ...] = (), api_url: str = "", gateway_url: str = "",
                 guild_ready_timeout: float = 2.0, defer_after: float = DEFER_AFTER,
                 stop_timeout: float = DRAIN_S) -> None:
        """``stop_timeout``: the longest :meth:`stop` waits for accepted interactions."""
        self.service = service
        self.stop_timeout = stop_timeout
        self._token = token
        self.api_url = api_url
        self.gateway_url = gateway_url
        self.handlers = Handlers(service, defer_after=defer_after)
        self.client: QuizClient = make_client(self.handlers, shard_count=shard_count, shard_ids=shard_ids,
                                              guild_ready_timeout=guild_ready_timeout)
        self.clock_shards: WorkspaceShards | None = clock_shards(shard_count, shard_ids)
        """The Discord channels whose clock runs in this process (None: all of them); the root
        hands it to the core (``bot/app.py``)."""
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, service: QuizService, *,
                      guild_ready_timeout: float = 2.0) -> DiscordAdapter:
        """Raises ValueError for shard settings that do not fit together."""
        return cls(service, settings.discord_token.get(), shard_count=settings.discord_shard_count,
                   shard_ids=settings.discord_shard_ids, api_url=settings.discord_api_url,
                   gateway_url=settings.discord_gateway_url, guild_ready_timeout=guild_ready_timeout,
                   stop_timeout=settings.stop_timeout_s)

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Ready once, and the gateway session (every shard of this process) is up now; false
        while discord.py reconnects, which ``is_ready()`` alone does not show."""
        return self.client.is_ready() and self.client.gateway_up

    @property
    def chat(self) -> DiscordAdapter:
        """The adapter is its own :class:`~bot.quiz.ports.Chat` port (see ``post``/``update``)."""
        return self

    async def start(self) -> None:
        """Connect in the background; returns at once. A refused token or a lost connection is
        logged; the rest of the service keeps running."""
        configure_endpoints(self.api_url, self.gateway_url)
        self._task = asyncio.create_task(self._run(), name="discord")

    async def _run(self) -> None:
        try:
            await self.client.login(self._token)
            await self.client.connect(reconnect=True)
        except discord.LoginFailure:
            log.error("event=discord_login_failed reason=token_refused hint='check DISCORD_TOKEN'")
        except discord.PrivilegedIntentsRequired:
            log.error("event=discord_connect_failed reason=privileged_intents_required")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error("event=discord_connect_failed error=%r", str(exc) or type(exc).__name__, exc_info=exc)

    async def wait_ready(self, timeout: float = 30.0) -> None:
        """Return once the gateway session is ready. Raises RuntimeError if the connection
        ended first, TimeoutError after ``timeout``."""
        if self._task is None:
            raise RuntimeError("the Discord adapter was not started")
        ready = asyncio.ensure_future(self.client.wait_until_ready())
        try:
            done, _ = await asyncio.wait({ready, self._task}, timeout=timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        if self._task in done:
            raise RuntimeError("the Discord connection ended before it was ready (see the log)")
        if ready not in done:
            raise TimeoutError(f"Discord not ready within {timeout}s")

    async def stop(self) -> None:
        """New interactions get a "restarting" reply; those already accepted are answered (within
        ``stop_timeout``); then the gateway closes."""
        if self._task is None:
            return
        task, self._task = self._task, None
        self.handlers.refuse_new()
        await self.handlers.drain(self.stop_timeout)
        await self.client.close()
        try:
            await asyncio.wait_for(task, STOP_TIMEOUT_S)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- Chat port ----------------------------------------------------------------------

    def _channel(self, channel: ChannelRef) -> discord.PartialMessageable:
        guild = channel.workspace.removeprefix("discord:")
        return self.client.get_partial_messageable(int(channel.native_id),
                                                   guild_id=int(guild) if guild.isdigit() else None)

    async def post(self, channel: ChannelRef, message: m.Message) -> MessageRef:
        rendered = render(message)
        try:
            file = rendered.file()  # a digest's chart: made for this send (a discord.File is read once)
            if file is not None:
                sent = await self._channel(channel).send(file=file, **send_options(rendered))
            else:
                sent = await self._channel(channel).send(**send_options(rendered))
        except (discord.HTTPException, discord.ClientException, aiohttp.ClientError, TimeoutError) as exc:
            raise _chat_error("post", channel, None, exc) from exc
        return MessageRef(channel, str(sent.id))

    async def update(self, ref: MessageRef, message: m.Message) -> None:
        rendered = render(message)
        target = self._channel(ref.channel).get_partial_message(int(ref.message_id))
        try:
            await target.edit(content=rendered.content, embed=rendered.embed, view=rendered.view,
                              allowed_mentions=NO_MENTIONS)  # None removes what the question had
        except (discord.HTTPException, discord.ClientException, aiohttp.ClientError, TimeoutError) as exc:
            raise _chat_error("edit", ref.channel, ref.message_id, exc) from exc


MISSING_ACCESS = 50001
UNKNOWN_CHANNEL = 10003


def member_reason(exc: Exception) -> str:
    """What a member waiting on a failed call should be told, in Discord's terms."""
    if not isinstance(exc, discord.HTTPException):
        return "I could not reach Discord: please try again in a moment."
    if exc.status == 403 and exc.code == MISSING_ACCESS:
        return "Discord says I cannot see this channel: give me View Channel here and try again."
    if exc.status == 403:
        return ("Discord says I lack permission here: give me View Channel, Send Messages and Embed Links "
                "in this channel and try again.")
    if exc.status == 404 or exc.code == UNKNOWN_CHANNEL:
        return "Discord says this channel is gone or hidden from me."
    if exc.status == 429:
        return "Discord is rate limiting me: please try again in a minute."
    if exc.status >= 500:
        return "Discord is having trouble: please try again in a moment."
    return f"Discord answered {exc.status} (code {exc.code})."


def _chat_error(operation: str, channel: ChannelRef, message_id: str | None, exc: Exception) -> ChatError:
    """Log the failure once, in one line, and wrap it for the core with its member-facing reason."""
    if isinstance(exc, discord.HTTPException):
        kind = {403: "forbidden", 404: "not_found"}.get(exc.status, "http_error")
        detail = f"status={exc.status} code={exc.code} error={exc.text!r}"
        reason = f"{kind} {exc.status}/{exc.code}: {exc.text}"
    else:
        kind, detail, reason = "network", f"error={str(exc) or type(exc).__name__!r}", str(exc) or type(exc).__name__
    log.warning("event=discord_%s_failed reason=%s channel=%s message=%s %s", operation, kind, channel.key,
                message_id or "-", detail)
    return ChatError(reason, member_reason(exc))
