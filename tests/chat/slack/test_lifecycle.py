"""The adapter's lifecycle against the fake Slack: what ``connected`` (``/healthz``) reports
when Slack blips at start or refuses the token later, and a port that cannot be bound."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app import start_adapter
from bot.chat.slack.adapter import SlackAdapter
from bot.config import ConfigError
from tests.chat.slack.conftest import SECRET, SlackBot
from tests.fakes.slack import RESPONSE_URL_METHOD, FakeSlack
from tests.fakes.slack_requests import slash_command
from tests.helpers import Clock, make_service

FAST_RETRY = (0.05, 0.2)


@asynccontextmanager
async def started(fake: FakeSlack, tmp_path: Path, *, port: int = 0, socket_mode: bool = False,
                  bot_token: str = "xoxb-test") -> AsyncIterator[SlackAdapter]:
    service, db = await make_service(tmp_path / "quiz.db", Clock())
    mode = {"app_token": "xapp-test"} if socket_mode else {"signing_secret": SECRET, "http_port": port,
                                                           "http_host": "127.0.0.1"}
    adapter = SlackAdapter(service, bot_token, api_url=fake.api_url, auth_retry=FAST_RETRY, **mode)
    try:
        await start_adapter(service, adapter)  # as in bot/app.py: an adapter whose start() raised is not stopped
        try:
            yield adapter
        finally:
            await adapter.stop()
    finally:
        await service.shutdown()
        await db.close()


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"still false after {timeout}s")
        await asyncio.sleep(0.01)


# -- auth.test at start ------------------------------------------------------------------


@pytest.mark.parametrize("blip", ["internal_error_500", "ratelimited_long", "fatal_error_twice"])
@pytest.mark.parametrize("socket_mode", [False, True], ids=["http", "socket"])
async def test_slack_outage_at_start_is_retried_until_connected_without_restart(
    fake_slack: FakeSlack, tmp_path: Path, blip: str, socket_mode: bool
) -> None:
    if blip == "internal_error_500":
        fake_slack.fail("auth.test", "internal_error", status=500)
    elif blip == "ratelimited_long":
        fake_slack.rate_limit("auth.test", retry_after=600)  # over 30 s: not waited out by the client
    else:
        fake_slack.fail("auth.test", "fatal_error", times=2)

    async with started(fake_slack, tmp_path, socket_mode=socket_mode) as adapter:
        assert not adapter.connected  # honest while Slack is down...
        await eventually(lambda: adapter.connected)  # ...and up once auth.test answers, same process

    outcomes = [c.error for c in fake_slack.api_calls if c.method == "auth.test"]
    assert outcomes[-1] is None and all(outcomes[:-1])


async def test_refused_token_at_start_is_one_line_and_never_retried(
    fake_slack: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.fail("auth.test", "token_revoked", times=None)

    with caplog.at_level(logging.INFO, logger="bot.chat.slack"):
        async with started(fake_slack, tmp_path, bot_token="xoxb-revoked") as adapter:
            await asyncio.sleep(6 * FAST_RETRY[0])  # long enough for several retries, were there any
            assert not adapter.connected

    assert len(fake_slack.calls("auth.test")) == 1
    lines = [r.getMessage() for r in caplog.records if "auth" in r.getMessage()]
    assert len(lines) == 1 and "method=auth.test error=token_revoked setting=SLACK_BOT_TOKEN" in lines[0]


async def test_backoff_doubles_up_to_the_cap(fake_slack: FakeSlack, tmp_path: Path,
                                            caplog: pytest.LogCaptureFixture) -> None:
    fake_slack.fail("auth.test", "internal_error", times=4)

    with caplog.at_level(logging.INFO, logger="bot.chat.slack"):
        async with started(fake_slack, tmp_path) as adapter:
            await eventually(lambda: adapter.connected)

    waits = [r.getMessage().split("next_in=")[1] for r in caplog.records if "slack_auth_retry_failed" in r.getMessage()]
    assert waits == ["0.1s", "0.2s", "0.2s"]  # 0.05 doubled, capped at 0.2


# -- a token refused later ------------------------------------------------------------------


async def test_post_refused_with_invalid_auth_turns_connected_off_with_one_line(
    http_bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    assert http_bot.adapter.connected
    http_bot.fake.set_latency(0.02)
    http_bot.fake.fail("chat.postMessage", "invalid_auth", times=2)

    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            await http_bot.send(slash_command("/quiz", "now", response_url=http_bot.fake.response_url()))
            await http_bot.fake.wait_for(RESPONSE_URL_METHOD, lambda _: True)
            await http_bot.settle()

    assert not http_bot.adapter.connected
    down = [r.getMessage() for r in caplog.records if "event=slack_disconnected" in r.getMessage()]
    assert len(down) == 1  # once, not once per refused call
    assert down[0].startswith("event=slack_disconnected reason=token_refused method=chat.postMessage hint=")
    assert "SLACK_BOT_TOKEN" in down[0]


async def test_missing_scope_is_not_a_dead_token(http_bot: SlackBot) -> None:
    http_bot.fake.set_latency(0.02)
    http_bot.fake.fail("chat.postMessage", "missing_scope")

    await http_bot.send(slash_command("/quiz", "now", response_url=http_bot.fake.response_url()))
    await http_bot.fake.wait_for(RESPONSE_URL_METHOD)
    await http_bot.settle()

    assert http_bot.adapter.connected


# -- Socket Mode: the websocket itself ---------------------------------------------------------


async def test_socket_mode_reports_disconnected_when_the_websocket_drops(socket_bot: SlackBot) -> None:
    assert socket_bot.adapter.connected

    await socket_bot.fake.stop()  # closes the websocket; reconnecting cannot reach it

    await eventually(lambda: not socket_bot.adapter.connected)


# -- HTTP mode: the port ---------------------------------------------------------------------


async def test_port_already_in_use_is_a_config_error_naming_the_port(fake_slack: FakeSlack, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(ConfigError) as raised:
            async with started(fake_slack, tmp_path, port=port):
                pass

    assert str(raised.value) == f"SLACK_HTTP_PORT {port}: address already in use (host 127.0.0.1)"


async def test_port_out_of_range_is_a_config_error_naming_the_port(fake_slack: FakeSlack, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^SLACK_HTTP_PORT 99999: bind\(\): port must be 0-65535$"):
        async with started(fake_slack, tmp_path, port=99999):
            pass


async def test_port_is_checked_before_slack_is_asked_anything(fake_slack: FakeSlack, tmp_path: Path) -> None:
    fake_slack.fail("auth.test", "internal_error", times=None)

    with pytest.raises(ConfigError):
        async with started(fake_slack, tmp_path, port=99999):
            pass
    await asyncio.sleep(3 * FAST_RETRY[0])

    assert fake_slack.api_calls == []  # no auth.test, so no retry left running after the failed start
