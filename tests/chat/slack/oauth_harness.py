"""Many workspaces: the real SlackAdapter in OAuth mode, over a real SQLite file, against the
fake Slack's ``oauth.v2.access``.

:class:`OAuthBot` plays both sides a test needs: a browser going through the install flow
(``GET /slack/install``, Slack's consent approved in the fake, ``GET /slack/oauth_redirect``
with the code, the state and the state cookie) and Slack delivering signed requests from a
given workspace.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from bot.app import start_adapter
from bot.chat.slack.adapter import SlackAdapter, SlackOAuth
from bot.config import DEFAULT_SLACK_SCOPES
from bot.quiz.context import QuizSettings
from bot.quiz.service import QuizService
from bot.store.db import Database
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_oauth import CLIENT_ID, CLIENT_SECRET, Team
from tests.fakes.slack_requests import HttpReply, SlackRequest, send
from tests.helpers import Clock, make_service

SECRET = "test-signing-secret"
STATE_COOKIE = "slack-app-oauth-state"
ALPHA = Team("T0ALPHA", "Alpha", "U0ALPHABOT", "B0ALPHA")
BETA = Team("T0BETA", "Beta", "U0BETABOT", "B0BETA")


@dataclass(frozen=True)
class InstallPage:
    """What ``GET /slack/install`` gave the browser."""

    status: int
    authorize_url: str
    state: str
    cookie: str | None


@dataclass
class OAuthBot:
    service: QuizService
    db: Database
    adapter: SlackAdapter
    fake: FakeSlack
    clock: Clock

    @property
    def base_url(self) -> str:
        assert self.adapter.url is not None
        return self.adapter.url.removesuffix("/slack/events")

    async def install_page(self) -> InstallPage:
        """Open the install link as a browser does."""
        async with aiohttp.ClientSession() as session, \
                session.get(f"{self.base_url}/slack/install", allow_redirects=False) as resp:
            body = await resp.text()
            cookie = resp.headers.get("Set-Cookie")
        found = re.search(r'<a href="([^"]+)"', body)
        url = html.unescape(found.group(1)) if found else ""
        state = parse_qs(urlsplit(url).query).get("state", [""])[0]
        return InstallPage(resp.status, url, state, cookie)

    async def redirect(self, code: str, state: str, cookie_state: str | None = None) -> HttpReply:
        """Come back from Slack's consent page to the redirect URL (with the state cookie of
        ``cookie_state``, by default the state itself)."""
        cookie = cookie_state if cookie_state is not None else state
        headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie else {}
        async with aiohttp.ClientSession() as session, session.get(
                f"{self.base_url}/slack/oauth_redirect", params={"code": code, "state": state},
                headers=headers, allow_redirects=False) as resp:
            return HttpReply(resp.status, await resp.text(), dict(resp.headers))

    async def install(self, team: Team, **grant: Any) -> HttpReply:
        """The whole install of ``team`` (``grant``: ``rotating``, ``expires_in``)."""
        page = await self.install_page()
        return await self.redirect(self.fake.installs.approve(team, **grant), page.state)

    async def send(self, request: SlackRequest) -> HttpReply:
        """Deliver as Slack does in HTTP mode (signed)."""
        assert self.adapter.url is not None
        return await send(self.adapter.url, request, SECRET)

    async def settle(self) -> None:
        await self.adapter.listeners.drain()


@asynccontextmanager
async def oauth_bot(fake: FakeSlack, tmp_path: Path, seed: int = 1) -> AsyncIterator[OAuthBot]:
    """The bot installed in no workspace yet, serving HTTP mode on a free port."""
    clock = Clock()
    db_path = tmp_path / "quiz.db"
    service, db = await make_service(db_path, clock, settings=QuizSettings(counter_interval_s=3600), seed=seed)
    engine = db.engine
    oauth = SlackOAuth(CLIENT_ID, CLIENT_SECRET, DEFAULT_SLACK_SCOPES, None, engine)
    adapter = SlackAdapter(service, "", signing_secret=SECRET, http_port=0, http_host="127.0.0.1",
                           api_url=fake.api_url, oauth=oauth)
    await start_adapter(service, adapter)
    try:
        yield OAuthBot(service, db, adapter, fake, clock)
    finally:
        await adapter.stop()
        await service.shutdown()
        await db.close()
