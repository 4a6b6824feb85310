"""The discord.py client the adapter runs: minimal intents, the command tree, the persistent
buttons, and where REST and the gateway are.

``configure_endpoints`` sets two *class attributes* of discord.py
(``discord.http.Route.BASE`` and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``): they
are process-wide, so every client in the process (the bot, ``quizbot discord sync``) uses the
same Discord. That is what a REST rate-limit proxy or a local fake Discord needs.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
import yarl

from bot.chat.discord.commands import build_tree
from bot.chat.discord.handlers import Handlers
from bot.chat.discord.render import NO_MENTIONS
from bot.chat.discord.views import DYNAMIC_ITEMS

log = logging.getLogger("bot.chat.discord")

DEFAULT_API_URL = "https://discord.com/api/v10"
DEFAULT_GATEWAY_URL = "wss://gateway.discord.gg/"
_VERSIONED = re.compile(r"/api/v\d+$")


def intents() -> discord.Intents:
    """Only the guilds intent: commands, buttons and modals arrive as interactions, which need
    no intent; no privileged intent (message content, members, presences) is asked for."""
    return discord.Intents(guilds=True)


def api_base(url: str) -> str:
    """``DISCORD_API_URL`` as ``Route.BASE``: a bare origin gets ``/api/v10`` appended."""
    url = url.rstrip("/")
    return url if _VERSIONED.search(url) else url + "/api/v10"


def configure_endpoints(api_url: str = "", gateway_url: str = "") -> None:
    """Point discord.py's REST and gateway elsewhere (empty: leave Discord's own). Process-wide."""
    if api_url:
        discord.http.Route.BASE = api_base(api_url)
        log.info("event=discord_api_url url=%s", discord.http.Route.BASE)
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        log.info("event=discord_gateway_url url=%s", gateway_url)


def _quiet_voice() -> None:
    """The bot has no voice features: skip discord.py's "PyNaCl/davey is not installed" warnings."""
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def _options(guild_ready_timeout: float) -> dict[str, Any]:
    return {
        "intents": intents(),
        "allowed_mentions": NO_MENTIONS,
        "max_messages": None,
        "member_cache_flags": discord.MemberCacheFlags.none(),
        "chunk_guilds_at_startup": False,
        "guild_ready_timeout": guild_ready_timeout,
    }


_UP_EVENTS = frozenset({"connect", "ready", "resumed"})
_SHARD_UP_EVENTS = frozenset({"shard_connect", "shard_ready", "shard_resumed"})


class QuizClient(discord.Client):
    """A client carrying the quiz handlers (``self.quiz``) that commands and buttons reach through
    ``interaction.client``.

    ``gateway_up`` follows the gateway session from discord.py's own events, because
    ``is_ready()`` stays true while discord.py backs off and reconnects: up on connect (READY),
    ready and resumed; down on disconnect. The sharded client does the same per shard.
    """

    def __init__(self, handlers: Handlers, *, guild_ready_timeout: float = 2.0, **options: Any) -> None:
        _quiet_voice()
        super().__init__(**(_options(guild_ready_timeout) | options))
        self.quiz = handlers
        self.tree = build_tree(self)
        self._session_up = False
        self._shards_up: set[int] = set()

    def dispatch(self, event: str, /, *args: Any, **kwargs: Any) -> None:
        # Tracked here, synchronously and in event order, not in on_* handlers (those run as tasks).
        if event in _UP_EVENTS:
            self._session_up = True
        elif event == "disconnect":
            self._session_up = False
        elif event in _SHARD_UP_EVENTS and args:
            self._shards_up.add(args[0])
        elif event == "shard_disconnect" and args:
            self._shards_up.discard(args[0])
        super().dispatch(event, *args, **kwargs)

    @property
    def gateway_up(self) -> bool:
        """True while the gateway session is connected (and the client not closed)."""
        return self._session_up and not self.is_closed()

    async def setup_hook(self) -> None:
        # Registered before the gateway connects, so a click on any earlier question lands.
        self.add_dynamic_items(*DYNAMIC_ITEMS)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.quiz.on_interaction(interaction)

    async def on_ready(self) -> None:
        log.info("event=discord_ready user=%s guilds=%d shards=%s", self.user, len(self.guilds),
                 self.shard_count or 1)


class ShardedQuizClient(QuizClient, discord.AutoShardedClient):
    """The same client over several shards (``DISCORD_SHARD_COUNT`` / ``DISCORD_SHARD_IDS``)."""

    @property
    def gateway_up(self) -> bool:
        """True while every shard this process runs is connected."""
        mine = set(self.shard_ids) if self.shard_ids else set(range(self.shard_count or 0))
        return bool(mine) and mine <= self._shards_up and not self.is_closed()


def make_client(handlers: Handlers, *, shard_count: int | None = None, shard_ids: tuple[int, ...] = (),
                guild_ready_timeout: float = 2.0) -> QuizClient:
    """A plain client, or a sharded one when a shard count is set. Raises ValueError for shard
    ids without a count or outside it."""
    if shard_ids and shard_count is None:
        raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT")
    if shard_count is None:
        return QuizClient(handlers, guild_ready_timeout=guild_ready_timeout)
    if shard_count < 1 or any(not 0 <= s < shard_count for s in shard_ids):
        raise ValueError(f"shard ids {list(shard_ids)} do not fit DISCORD_SHARD_COUNT={shard_count}")
    return ShardedQuizClient(handlers, guild_ready_timeout=guild_ready_timeout, shard_count=shard_count,
                             shard_ids=list(shard_ids) or None)
