"""Where each installed workspace's bot token lives, and how it stays fresh.

When quizbot is installed in many workspaces (``SLACK_CLIENT_ID``), every team that completed
the OAuth install has a row in slack-sdk's ``slack_bots`` table (and ``slack_installations``),
and every install attempt a one-time state in ``slack_oauth_states``: slack-sdk's async
SQLAlchemy stores, in the bot's own database (SQLite or PostgreSQL), over the store's own
:class:`AsyncEngine` (``Database.engine``).

:meth:`Installations.bot_for` is the one way to a team's token, for incoming requests (bolt's
authorize, :class:`TeamAuthorize`) and for posts on our own clock alike: it reads the team's
latest bot, and when its token expires within :data:`ROTATE_MINUTES` it rotates it first
(``oauth.v2.access`` with the refresh token) and saves the rotated bot before handing it out.
Rotations of one team are serialised (a lock per team, then the row is read again), so two posts
at the same moment never spend the same refresh token twice.

A team's bot is kept in memory for :data:`CACHE_S` seconds (a read through the engine costs
about 1 ms, a scheduled slot may post to thousands of channels at once). That never hands out
another team's token nor an expiring one (expiry is checked on every call), and this process's
installs, uninstalls and rotations drop the entry at once; an uninstall seen by another process is
noticed here within :data:`CACHE_S` (until then Slack itself refuses the revoked token).

Rows are scoped by enterprise and team: a bot is found by its team id, and when the caller
knows the enterprise (a request from Enterprise Grid), a bot of another enterprise is not
returned. Org-wide installs (no team) are not supported (the manifest does not enable them).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import (
    AsyncSQLAlchemyInstallationStore,
    SQLAlchemyInstallationStore,
)
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("bot.chat.slack")

ROTATE_MINUTES = 120
"""Rotate a token that expires within this many minutes (bolt's own default): a scheduled
question posted with it cannot outlive it."""
CACHE_S = 10.0
"""How long a team's bot read from the database is reused."""
STATE_EXPIRATION_S = 600
"""An install link (its OAuth state) is good for ten minutes, once."""


class _Store(AsyncSQLAlchemyInstallationStore):
    """slack-sdk's store, telling :class:`Installations` of every write (an install, a
    rotation, a delete), so its short cache never outlives a change made in this process."""

    def __init__(self, client_id: str, engine: AsyncEngine, changed: Callable[[str | None], None]) -> None:
        super().__init__(client_id, engine, logger=log)
        self._changed = changed

    async def async_save(self, installation: Installation) -> None:
        self._changed(installation.team_id)
        await super().async_save(installation)
        self._changed(installation.team_id)

    async def async_save_bot(self, bot: Bot) -> None:
        self._changed(bot.team_id)
        await super().async_save_bot(bot)
        self._changed(bot.team_id)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._changed(team_id)
        await super().async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self._changed(team_id)  # a read that raced the delete must not linger

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None) -> None:
        self._changed(team_id)
        await super().async_delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
        self._changed(team_id)


class Installations:
    """The installation and OAuth state stores, and the rotation of expiring bot tokens."""

    def __init__(self, client_id: str, client_secret: str, engine: AsyncEngine, client: AsyncWebClient,
                 *, clock: Any = time.time, monotonic: Any = time.monotonic) -> None:
        """``client`` makes the ``oauth.v2.access`` calls (its ``base_url`` is Slack's API)."""
        self.client_id = client_id
        self.engine = engine
        self.store = _Store(client_id, engine, self._forget_cached)
        self.states = AsyncSQLAlchemyOAuthStateStore(STATE_EXPIRATION_S, engine, logger=log)
        self.rotator = AsyncTokenRotator(client_id=client_id, client_secret=client_secret, client=client)
        self._clock = clock
        self._monotonic = monotonic
        self._rotating: dict[str, asyncio.Lock] = {}
        self._recent: dict[str, tuple[float, Bot]] = {}

    async def create_tables(self) -> None:
        """Create the stores' tables when missing (idempotent)."""
        await self.store.create_tables()
        await self.states.create_tables()

    async def bot_for(self, team_id: str, enterprise_id: str | None = None) -> Bot | None:
        """The team's bot with a token good for at least :data:`ROTATE_MINUTES`, or None when the
        app is not installed there (never was, uninstalled, tokens revoked) or its token could
        not be rotated (logged). With ``enterprise_id``, a bot of another enterprise is None."""
        if not team_id:
            return None
        bot = await self._cached(team_id)
        if bot is None or (enterprise_id is not None and bot.enterprise_id != enterprise_id):
            return None
        if not self._expiring(bot):
            return bot
        lock = self._rotating.setdefault(team_id, asyncio.Lock())
        async with lock:
            bot = await self._latest(team_id)  # another post may have rotated it while we waited
            if bot is None or not self._expiring(bot):
                return bot
            try:
                rotated = await self.rotator.perform_bot_token_rotation(bot=bot,
                                                                        minutes_before_expiration=ROTATE_MINUTES)
            except SlackTokenRotationError as exc:
                log.error("event=slack_token_rotation_failed team=%s error=%s", team_id,
                          exc.api_error.response.get("error"))
                return None
            if rotated is None:
                return bot
            await self.store.async_save_bot(rotated)
            log.info("event=slack_token_rotated team=%s expires_in=%ss", team_id,
                     int((rotated.bot_token_expires_at or 0) - self._clock()))
            return rotated

    async def forget(self, enterprise_id: str | None, team_id: str) -> None:
        """Delete every token of the team (its bot and installation rows)."""
        await self.store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def forget_bot(self, enterprise_id: str | None, team_id: str) -> None:
        """Delete the team's bot tokens (``tokens_revoked`` for the bot)."""
        await self.store.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def _expiring(self, bot: Bot) -> bool:
        return (bot.bot_refresh_token is not None and bot.bot_token_expires_at is not None
                and bot.bot_token_expires_at <= self._clock() + ROTATE_MINUTES * 60)

    def _forget_cached(self, team_id: str | None) -> None:
        if team_id is not None:
            self._recent.pop(team_id, None)

    async def _cached(self, team_id: str) -> Bot | None:
        """:meth:`_latest`, reused for :data:`CACHE_S` seconds (a missing bot is not cached)."""
        now = self._monotonic()
        recent = self._recent.get(team_id)
        if recent is not None and now - recent[0] < CACHE_S:
            return recent[1]
        bot = await self._latest(team_id)
        if bot is None:
            self._recent.pop(team_id, None)
        else:
            if len(self._recent) > 10_000:
                self._recent.clear()
            self._recent[team_id] = (now, bot)
        return bot

    async def _latest(self, team_id: str) -> Bot | None:
        """The team's newest bot row with a token (whatever its enterprise)."""
        c = self.store.bots.c
        query = (self.store.bots.select()
                 .where(c.client_id == self.client_id, c.team_id == team_id, c.bot_token.is_not(None))
                 .order_by(sqlalchemy.desc(c.installed_at)).limit(1))
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return SQLAlchemyInstallationStore.build_bot_entity(row) if row is not None else None


class TeamAuthorize(AsyncAuthorize):
    """Bolt's authorize for incoming requests, through :meth:`Installations.bot_for`: the same
    lookup and the same (serialised) rotation as our own posts."""

    def __init__(self, installations: Installations) -> None:
        self.installations = installations

    async def __call__(self, *, context: Any, enterprise_id: str | None, team_id: str | None,
                       user_id: str | None, **_: Any) -> AuthorizeResult | None:
        bot = await self.installations.bot_for(team_id or "", enterprise_id)
        if bot is None:
            return None  # bolt answers "install this app first"
        return AuthorizeResult(enterprise_id=bot.enterprise_id, team_id=bot.team_id, bot_user_id=bot.bot_user_id,
                               bot_id=bot.bot_id, bot_token=bot.bot_token, bot_scopes=bot.bot_scopes,
                               user_id=user_id)
