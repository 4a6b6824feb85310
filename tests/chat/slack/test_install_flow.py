"""Installing in many workspaces: bolt's OAuth v2 flow served by the real adapter, the
installation stored in the bot's database, the one-time state checked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.chat.slack.oauth_harness import ALPHA, BETA, OAuthBot, oauth_bot
from tests.fakes.slack import RESPONSE_URL_METHOD, FakeSlack
from tests.fakes.slack_oauth import CLIENT_ID
from tests.fakes.slack_requests import slash_command


@pytest.fixture
async def bot(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[OAuthBot]:
    async with oauth_bot(fake_slack, tmp_path) as running:
        yield running


async def stored_teams(bot: OAuthBot) -> list[str]:
    rows = await bot.db.fetchall("SELECT team_id FROM slack_bots ORDER BY team_id")
    return [str(r[0]) for r in rows]


async def test_install_link_gives_slacks_authorize_url_with_a_state_and_its_cookie(bot: OAuthBot) -> None:
    page = await bot.install_page()

    assert page.status == 200
    url = urlsplit(page.authorize_url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://slack.com/oauth/v2/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["commands,chat:write,users:read,files:write"]  # the manifest's bot scopes
    assert page.state
    assert page.cookie is not None and f"slack-app-oauth-state={page.state}" in page.cookie


async def test_redirect_with_code_and_state_stores_the_teams_bot(bot: OAuthBot) -> None:
    reply = await bot.install(ALPHA)

    assert reply.status == 200
    assert await stored_teams(bot) == ["T0ALPHA"]
    assert bot.adapter.installations is not None
    stored = await bot.adapter.installations.bot_for("T0ALPHA")
    assert stored is not None
    assert stored.bot_token == bot.fake.installs.tokens_of("T0ALPHA")[-1]
    assert (stored.bot_user_id, stored.bot_id) == ("U0ALPHABOT", "B0ALPHA")  # bot id from auth.test with that token
    access = await bot.fake.wait_for("oauth.v2.access")
    assert access["code"].startswith("code-T0ALPHA-")


async def test_forged_state_is_refused_and_nothing_is_stored(bot: OAuthBot) -> None:
    await bot.install_page()  # a real state exists, but the browser brings another one
    code = bot.fake.installs.approve(ALPHA)

    reply = await bot.redirect(code, "forged-state")

    assert reply.status == 401
    assert await stored_teams(bot) == []
    assert bot.fake.calls("oauth.v2.access") == []  # the code was never exchanged


async def test_state_without_its_browser_cookie_is_refused(bot: OAuthBot) -> None:
    page = await bot.install_page()

    reply = await bot.redirect(bot.fake.installs.approve(ALPHA), page.state, cookie_state="")

    assert reply.status == 400
    assert await stored_teams(bot) == []


async def test_reused_state_is_refused(bot: OAuthBot) -> None:
    page = await bot.install_page()
    assert (await bot.redirect(bot.fake.installs.approve(ALPHA), page.state)).status == 200

    again = await bot.redirect(bot.fake.installs.approve(BETA), page.state)

    assert again.status == 401
    assert await stored_teams(bot) == ["T0ALPHA"]


async def test_command_from_a_workspace_that_never_installed_is_refused(bot: OAuthBot) -> None:
    await bot.install(ALPHA)

    reply = await bot.send(slash_command("/quiz", "now", team_id="T0STRANGER", response_url=bot.fake.response_url()))
    await bot.settle()

    assert reply.status == 200
    told = await bot.fake.wait_for(RESPONSE_URL_METHOD)
    assert "install" in str(told["text"]).lower()  # bolt's answer: install the app in this workspace first
    assert bot.fake.calls("chat.postMessage") == []
    assert await bot.db.fetchall("SELECT id FROM rounds") == []


async def test_reinstall_replaces_the_token_for_the_very_next_call(bot: OAuthBot) -> None:
    await bot.install(ALPHA)
    assert bot.adapter.installations is not None
    first = await bot.adapter.installations.bot_for("T0ALPHA")  # now kept in memory for a few seconds

    await bot.install(ALPHA)

    again = await bot.adapter.installations.bot_for("T0ALPHA")
    assert first is not None and again is not None
    assert again.bot_token == bot.fake.installs.tokens_of("T0ALPHA")[-1] != first.bot_token
