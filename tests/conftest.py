"""Shared fixtures. Fakes live in tests/fakes/; helpers that build decks in tests/helpers.py."""

from collections.abc import AsyncIterator

import pytest
from tests.fakes.slack import FakeSlack

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
