"""Shared fixtures. Fakes live in tests/fakes/; helpers that build decks in tests/helpers.py."""

import logging
import weakref
from collections.abc import AsyncIterator, Iterator

import aiosqlite
import aiosqlite.core
import discord
import pytest
import yarl

from tests.fakes.discord import DiscordErrorLog, FakeDiscord
from tests.fakes.slack import FakeSlack

# The run's PostgreSQL server (started once, in the controller) and the `postgres_url` fixture.
pytest_plugins = ["tests.postgres", "tests.engines"]

SLACK_ENV_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "https_proxy",
    "http_proxy",
)


@pytest.fixture
def clean_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset what bolt and slack-sdk read from the environment.

    Bolt falls back to SLACK_* variables, and the Socket Mode client honours HTTPS_PROXY
    but not NO_PROXY, so a developer's shell could otherwise send tests elsewhere.
    """
    for name in SLACK_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake_slack(clean_slack_env: None) -> AsyncIterator[FakeSlack]:
    """A started FakeSlack (see tests/fakes/slack.py), stopped after the test."""
    async with FakeSlack() as fake:
        yield fake


# --------------------------------------------------------------------------- SQLite threads

_CONNECTIONS: "weakref.WeakSet[aiosqlite.Connection]" = weakref.WeakSet()
_original_init = aiosqlite.Connection.__init__


def _tracking_init(self: aiosqlite.Connection, *args: object, **kwargs: object) -> None:
    _original_init(self, *args, **kwargs)  # type: ignore[arg-type]
    _CONNECTIONS.add(self)


aiosqlite.Connection.__init__ = _tracking_init  # type: ignore[method-assign]


def pytest_unconfigure(config: pytest.Config) -> None:
    """A test that fails before closing its database leaves aiosqlite's worker thread
    running, and that (non-daemon) thread would keep the test run from exiting: CI would
    hang instead of reporting the failure. Stop whatever is still running."""
    for conn in list(_CONNECTIONS):
        if conn._thread.is_alive():
            conn._tx.put_nowait((None, lambda: aiosqlite.core._STOP_RUNNING_SENTINEL))


# --------------------------------------------------------------------------- Discord


@pytest.fixture
def discord_errors() -> Iterator[DiscordErrorLog]:
    """Fails the test at teardown if anything under the `discord` logger logged an ERROR."""
    handler = DiscordErrorLog()
    logger = logging.getLogger("discord")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    if handler.records:
        formatted = "\n\n".join(
            f"{r.name}: {r.getMessage()}\n{logging.Formatter().formatException(r.exc_info)}"
            if r.exc_info
            else f"{r.name}: {r.getMessage()}"
            for r in handler.records
        )
        pytest.fail(f"discord logged {len(handler.records)} error(s):\n{formatted}")


@pytest.fixture
async def fake_discord(
    monkeypatch: pytest.MonkeyPatch, discord_errors: DiscordErrorLog
) -> AsyncIterator[FakeDiscord]:
    """A running FakeDiscord with discord.py's REST base and gateway pointed at it (restored
    afterwards). Uses `discord_errors`, so a test using the fake fails on logged errors."""
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    try:
        yield fake
    finally:
        await fake.stop()
