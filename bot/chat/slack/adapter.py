"""The Slack adapter: a slack-bolt ``AsyncApp`` inside our asyncio service.

Two transports, one app (bolt's dispatch knows nothing of the network):

* **Socket Mode** when an app-level token (``xapp-``) is set: the bot dials out
  to Slack over a websocket, so no public URL is needed. The default for teams.
* **HTTP mode** when a signing secret and a port are set: Slack posts slash
  commands and interactivity to ``/slack/events``; bolt refuses (401) any request
  whose signature or timestamp does not check out.

With one token (``SLACK_BOT_TOKEN``) the app serves one workspace. With an OAuth client
(``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET``, HTTP mode only) it serves every workspace that
installs it through ``/slack/install``: each request and each post goes out as that
workspace's own bot (:mod:`bot.chat.slack.teams`, :mod:`bot.chat.slack.installations`), and an
uninstall stops that workspace's schedules (:mod:`bot.chat.slack.uninstall`).

Every Web API call goes to
``api_url`` (Slack's own by default; GovSlack, a proxy or a local fake otherwise).
A bad token or a Slack outage at start is logged, not fatal: other adapters in
the same process keep running, and :attr:`connected` reports the state. An outage
(connection error, 5xx, rate limit) is retried in the background with back-off
until ``auth.test`` answers; a refused token is not retried. A token refused later,
by any Web API call, turns :attr:`connected` off. A port that cannot be bound in
HTTP mode is a :class:`~bot.config.ConfigError` from :meth:`SlackAdapter.start`.

Stopping (SIGTERM) is graceful and bounded by ``stop_timeout``: new HTTP requests get 503
(Slack delivers them again later), requests already accepted finish (each acks once its
change is committed), every listener sends its confirmation, and only then does the
server close. Socket Mode closes its websocket first (unacked envelopes are redelivered).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from bot.chat.slack.followups import DRAIN_SECONDS
from bot.chat.slack.http import EventsEndpoint
from bot.chat.slack.identity import Identities
from bot.chat.slack.listeners import Listeners, register
from bot.chat.slack.replies import ResponseUrls
from bot.chat.slack.teams import InstalledTeams, OneTeam, RoutedChat, TeamChats
from bot.chat.slack.web import (
    AUTH_ERRORS,
    SlackCallError,
    SlackChat,
    call,
    hint,
    log_failure,
    make_client,
)
from bot.config import ConfigError
from bot.quiz.service import QuizService

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.chat.slack.installations import Installations
    from bot.config import Settings
    from bot.quiz.ports import Chat

log = logging.getLogger("bot.chat.slack")

DEFAULT_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"
CONNECT_WAIT_S = 10.0
AUTH_RETRY_FIRST_S = 5.0
AUTH_RETRY_MAX_S = 300.0


def _bolt_logger() -> logging.Logger:
    """Bolt's logger, minus the start-up warning it gives whenever SLACK_BOT_TOKEN is in the
    environment beside our client (which is how ``quizbot run`` is meant to be configured)."""
    logger = logging.getLogger("slack_bolt.quizbot")
    if not logger.filters:
        logger.addFilter(lambda record: "`token` will be unused" not in record.getMessage())
    return logger


@dataclass(frozen=True)
class SlackOAuth:
    """Installing in many workspaces: the app's OAuth client, the bot scopes an install asks
    for, the redirect URL registered with Slack (None: its only one), and the engine of the
    database the installations live in (owned, and disposed, by the caller)."""

    client_id: str
    client_secret: str
    scopes: tuple[str, ...]
    redirect_url: str | None
    engine: AsyncEngine


class SlackAdapter:
    """Adapter lifecycle (``start``/``stop``/``connected``) around one bolt app."""

    name = "slack"

    def __init__(self, service: QuizService, bot_token: str, *, app_token: str = "",
                 signing_secret: str = "", http_port: int | None = None, http_host: str = "0.0.0.0",
                 api_url: str = DEFAULT_API_URL, ping_interval: float = 10.0,
                 auth_retry: tuple[float, float] = (AUTH_RETRY_FIRST_S, AUTH_RETRY_MAX_S),
                 stop_timeout: float = DRAIN_SECONDS, oauth: SlackOAuth | None = None) -> None:
        """Raises ValueError when neither transport is configured, or ``oauth`` comes with a
        bot token or without HTTP mode. ``auth_retry``: the first and the longest pause between
        ``auth.test`` attempts after an outage at start. ``stop_timeout``: the longest
        :meth:`stop` waits for accepted work to finish."""
        http = bool(signing_secret) and http_port is not None
        if oauth is not None and (bot_token or app_token or not http):
            raise ValueError("installing in many workspaces needs HTTP mode (SLACK_SIGNING_SECRET and "
                             "SLACK_HTTP_PORT) and no SLACK_BOT_TOKEN or SLACK_APP_TOKEN")
        if oauth is None and not bot_token:
            raise ValueError("SLACK_BOT_TOKEN is required")
        if not app_token and not http:
            raise ValueError("set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET and "
                             "SLACK_HTTP_PORT (HTTP mode)")
        self.service = service
        self.mode = "socket" if app_token else "http"
        self.client = make_client(bot_token, api_url)
        """The app's client: the one bot's (one workspace), or token-less (OAuth calls) with many."""
        self.one_chat: SlackChat | None = None
        """The one workspace's chat (``SLACK_BOT_TOKEN``); None when installed in many."""
        self.installations: Installations | None = None
        teams: TeamChats
        if oauth is None:
            self.one_chat = SlackChat(self.client, on_dead_token=self._token_refused)
            self.chat: Chat = self.one_chat
            teams = OneTeam(self.one_chat)
        else:
            from bot.chat.slack.installations import Installations

            self.installations = Installations(oauth.client_id, oauth.client_secret, oauth.engine, self.client)
            teams = InstalledTeams(self.installations, api_url, lambda: self.client.session)
            self.chat = RoutedChat(teams)
        self.listeners = Listeners(service, teams, Identities(teams), service.deliveries,
                                   ResponseUrls(lambda: self.client.session))
        self.app = self._bolt_app(signing_secret, oauth)
        register(self.app, self.listeners)
        self._signing_secret = signing_secret or "unused-in-socket-mode"
        self.endpoint = EventsEndpoint(self.app, self._signing_secret, EVENTS_PATH)
        self.stop_timeout = stop_timeout
        self._app_token = app_token
        self._http_host = http_host
        self._http_port = http_port
        self._ping_interval = ping_interval
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._connecting: asyncio.Task[None] | None = None
        self._authed = False
        self._auth_retry = auth_retry
        self._reauth: asyncio.Task[None] | None = None
        self._refused = False
        """The bot token was refused (logged once); no more ``auth.test`` retries."""
        self.url: str | None = None
        """HTTP mode: where Slack should send requests (``http://host:port/slack/events``)."""

    def _bolt_app(self, signing_secret: str, oauth: SlackOAuth | None) -> AsyncApp:
        """The bolt app: one token, or the OAuth install flow over :attr:`installations`."""
        common: dict[str, Any] = {
            "signing_secret": signing_secret or "unused-in-socket-mode",
            "request_verification_enabled": self.mode == "http",
            "process_before_response": True,  # the listener acks after the commit
            # middleware for what the app never receives (no workflow functions, no messages)
            # would only cost time on every request
            "ignoring_self_events_enabled": False, "attaching_function_token_enabled": False,
            "attaching_conversation_kwargs_enabled": False, "logger": _bolt_logger()}
        if oauth is None or self.installations is None:
            return AsyncApp(client=self.client, url_verification_enabled=False, **common)
        from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings

        from bot.chat.slack.installations import TeamAuthorize
        from bot.chat.slack.uninstall import Uninstalls

        settings = AsyncOAuthSettings(
            client_id=oauth.client_id, client_secret=oauth.client_secret, scopes=list(oauth.scopes),
            user_scopes=[], redirect_uri=oauth.redirect_url, installation_store=self.installations.store,
            state_store=self.installations.states, installation_store_bot_only=True, logger=_bolt_logger())
        # an AsyncAuthorize instance (which bolt accepts beside oauth_settings; its hint says a callable)
        app = AsyncApp(client=self.client, oauth_settings=settings,
                       authorize=TeamAuthorize(self.installations),  # type: ignore[arg-type]
                       installation_store_bot_only=True,
                       url_verification_enabled=True,  # Slack checks the Events URL (uninstall events)
                       **common)
        Uninstalls(self.installations, self.service).register(app)
        return app

    @classmethod
    def from_settings(cls, settings: Settings, service: QuizService,
                      engine: AsyncEngine | None = None) -> SlackAdapter:
        """``engine``: where installations live; required when ``settings.slack_oauth``."""
        oauth = None
        if settings.slack_oauth:
            if engine is None:
                raise ValueError("installing in many workspaces needs the database engine")
            oauth = SlackOAuth(settings.slack_client_id, settings.slack_client_secret.get(), settings.slack_scopes,
                               settings.slack_install_redirect_url or None, engine)
        return cls(service, settings.slack_bot_token.get(), app_token=settings.slack_app_token.get(),
                   signing_secret=settings.slack_signing_secret.get(), http_port=settings.slack_http_port,
                   http_host=settings.slack_http_host, api_url=settings.slack_api_url,
                   stop_timeout=settings.stop_timeout_s, oauth=oauth)

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Raises :class:`ConfigError` when HTTP mode cannot listen on ``SLACK_HTTP_PORT``."""
        if self.client.session is None or self.client.session.closed:  # one pool of connections, not one per call
            self.client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        if self.mode == "http":
            try:
                if self.installations is not None:
                    await self.installations.create_tables()
                await self._start_http()  # first: a port we cannot use is fatal, a Slack outage is not
            except ConfigError:  # not started, so never stopped: let go of what start() opened
                await self.client.session.close()
                raise
        if self.installations is not None:
            self._authed = True  # no token of our own: each team's is checked as it is used
            log.info("event=slack_oauth_ready install_url=%s", (self.url or "").replace(EVENTS_PATH, "/slack/install"))
            return
        await self._check_token()
        if self.mode == "socket":
            await self._start_socket()

    async def stop(self) -> None:
        """Stop taking requests, then let work already accepted finish, within ``stop_timeout``.

        HTTP mode refuses new requests with 503 at once but keeps serving those already inside
        until each has stored its change and acked; then every listener's confirmation is sent.
        Whatever is still running when the bound passes is logged (one line) and cut off."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.stop_timeout
        self.endpoint.refuse_new()
        await self._stop_reauth()
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
            self._connecting = None
        try:
            await asyncio.wait_for(self.endpoint.wait_idle(), max(0.0, deadline - loop.time()))
        except TimeoutError:
            log.warning("event=slack_stop_requests_cut requests=%d", self.endpoint.in_flight)
        drained = await self.listeners.drain(max(0.0, deadline - loop.time()))
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.client.session is not None and not self.client.session.closed:
            await self.client.session.close()
        log.info("event=slack_stopped drained=%s", drained)

    @property
    def connected(self) -> bool:
        if not self._authed:
            return False
        if self.mode == "http":
            return self._runner is not None
        client = self._socket.client if self._socket is not None else None
        if client is None:
            return False
        # what the client's own (async) is_connected() checks, read without awaiting
        session = client.current_session
        pong = client.last_ping_pong_time
        pong_failing = pong is not None and time.time() - pong >= client.ping_interval * 4
        return not client.closed and not client.stale and session is not None and not session.closed \
            and not pong_failing

    # -- internals ----------------------------------------------------------------------

    async def _check_token(self) -> None:
        """``auth.test`` once; on an outage (not a refusal) keep asking in the background."""
        try:
            await self._auth_test()
        except SlackCallError as exc:
            log_failure(exc, setting="SLACK_BOT_TOKEN")
            self._refused = exc.code in AUTH_ERRORS
            if not self._refused:
                log.info("event=slack_auth_retry_scheduled in=%ss", f"{self._auth_retry[0]:g}")
                self._reauth = asyncio.create_task(self._retry_auth(), name="slack-auth-retry")

    async def _auth_test(self) -> None:
        who = await call("auth.test", self.client.auth_test)
        self._authed = True
        assert self.one_chat is not None  # auth.test is for the one token
        self.one_chat.bot_name = str(who.get("user") or self.one_chat.bot_name)
        log.info("event=slack_authenticated team=%s bot=%s mode=%s", who.get("team_id"), who.get("user_id"),
                 self.mode)

    async def _retry_auth(self) -> None:
        """``auth.test`` after 5 s, 10 s, 20 s... (at most 5 min apart) until Slack answers it.

        A refused token ends the loop with one line; an outage is one info line an attempt."""
        delay, longest = self._auth_retry
        while True:
            await asyncio.sleep(delay)
            try:
                await self._auth_test()
                return
            except SlackCallError as exc:
                if exc.code in AUTH_ERRORS:
                    self._refused = True
                    log_failure(exc, setting="SLACK_BOT_TOKEN")
                    return
                delay = min(delay * 2, longest)
                log.info("event=slack_auth_retry_failed error=%s next_in=%ss", exc.code, f"{delay:g}")

    async def _stop_reauth(self) -> None:
        if self._reauth is not None:
            self._reauth.cancel()
            await asyncio.gather(self._reauth, return_exceptions=True)
            self._reauth = None

    def _token_refused(self, error: SlackCallError) -> None:
        """A Web API call was refused for the bot token: report Slack down (one line, on the change)."""
        self._authed = False
        if self._reauth is not None:
            self._reauth.cancel()  # a pending retry would only hear the same refusal
        if not self._refused:
            self._refused = True
            log.error("event=slack_disconnected reason=token_refused method=%s hint=%r", error.method,
                      hint(error.code))

    async def _start_http(self) -> None:
        self.endpoint = EventsEndpoint(self.app, self._signing_secret, EVENTS_PATH)  # accepting again
        self._runner = web.AppRunner(self.endpoint.web_app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._http_host, self._http_port)
        try:
            await site.start()
        except (OSError, OverflowError) as exc:  # in use, not allowed, no such address; port > 65535
            await self._runner.cleanup()
            self._runner = None
            if isinstance(exc, socket.gaierror):
                raise ConfigError(f"SLACK_HTTP_HOST {self._http_host}: {exc.strerror or exc}") from None
            if isinstance(exc, OSError) and exc.errno:
                reason = f"{os.strerror(exc.errno).lower()} (host {self._http_host})"
            else:
                reason = str(exc).rstrip(".")
            raise ConfigError(f"SLACK_HTTP_PORT {self._http_port}: {reason}") from None
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}{EVENTS_PATH}"
        log.info("event=slack_http_listening url=%s", self.url)

    async def _start_socket(self) -> None:
        handler = AsyncSocketModeHandler(self.app, self._app_token, web_client=self.client,
                                         ping_interval=self._ping_interval)
        try:  # asked once here so a bad app token is one clear line, not a retry loop
            opened = await call("apps.connections.open",
                                lambda: self.client.apps_connections_open(app_token=self._app_token))
            handler.client.wss_uri = str(opened["url"])
        except SlackCallError as exc:
            log_failure(exc, setting="SLACK_APP_TOKEN")
            if exc.code in AUTH_ERRORS:
                return
        self._socket = handler
        self._connecting = asyncio.create_task(handler.connect_async(), name="slack-socket-connect")
        done, _ = await asyncio.wait({self._connecting}, timeout=CONNECT_WAIT_S)
        if not done:
            log.warning("event=slack_socket_slow hint='still connecting; Socket Mode keeps retrying'")
            return
        task, self._connecting = self._connecting, None
        if task.exception() is not None:
            log.error("event=slack_socket_failed error=%r", task.exception())
            return
        log.info("event=slack_socket_connected")
