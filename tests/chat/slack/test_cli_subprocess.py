"""The real ``quizbot run`` in HTTP mode against the fake Slack: a whole round through the CLI."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.chat.slack.conftest import ADMIN_ID, buttons
from tests.fakes.slack import CHANNEL_ID, RESPONSE_URL_METHOD, FakeSlack
from tests.fakes.slack_requests import HttpReply, SlackRequest, block_actions, send, slash_command
from tests.process import free_port, wait_for_port

pytestmark = pytest.mark.sqlite_only  # the real CLI on a SQLite file (tests/engines.py)

REPO = Path(__file__).resolve().parents[3]
SECRET = "subprocess-signing-secret"
START_TIMEOUT = 15.0


@pytest.fixture
async def quizbot(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "QUIZBOT_")) and k.lower() not in {"https_proxy", "http_proxy"}}
    env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_HTTP_PORT=str(port),
               SLACK_HTTP_HOST="127.0.0.1", SLACK_API_URL=fake_slack.api_url,
               QUIZBOT_LOG_LEVEL="DEBUG")  # the libraries log every request at DEBUG: secrets must not show
    log = (tmp_path / "quizbot.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--db", str(tmp_path / "x.db"), "--decks", str(REPO / "decks"),
        "--seed", "1", cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=log)
    try:
        await wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/slack/events", process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        log.close()


async def test_quizbot_run_plays_a_round_in_http_mode(
    quizbot: tuple[str, asyncio.subprocess.Process], fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url, process = quizbot
    fake_slack.add_user(ADMIN_ID, is_admin=True)

    async def deliver(request: SlackRequest) -> HttpReply:
        reply = await send(url, request, SECRET)
        assert reply.status == 200, reply.text
        return reply

    await deliver(slash_command("/quiz", "now", response_url=fake_slack.response_url()))
    question = await fake_slack.wait_for("chat.postMessage")
    ids = buttons(question)
    assert ids and all(i.startswith("quiz:answer:") for i in ids), ids

    for user in ("U1", "U2", "U3"):
        await deliver(block_actions(ids[0], ids[0], user_id=user, channel_id=CHANNEL_ID,
                                    response_url=fake_slack.response_url(user)))
    for user in ("U1", "U2", "U3"):
        await fake_slack.wait_for_ephemeral(user, lambda a: "recorded" in a["text"])

    await deliver(slash_command("/quiz", "close", user_id=ADMIN_ID, response_url=fake_slack.response_url()))
    reveal = await fake_slack.wait_for("chat.update", lambda a: "closed" in a["text"])
    assert "Right (" in str(reveal["blocks"])

    await deliver(slash_command("/leaderboard", response_url=fake_slack.response_url()))
    board = await fake_slack.wait_for(RESPONSE_URL_METHOD, lambda a: "Leaderboard" in a.get("text", ""))
    assert board["response_type"] == "ephemeral"

    assert len([a for a in fake_slack.calls(RESPONSE_URL_METHOD) if "recorded" in a["text"]]) == 3
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 10) == 0
    stdout = await process.stdout.read() if process.stdout else b""
    assert stdout == b""  # the console did not start beside Slack
    logs = (tmp_path / "quizbot.log").read_text()
    assert "event=adapter_started adapter=slack" in logs and "xoxb-test" not in logs and SECRET not in logs


async def test_quizbot_run_exits_2_with_one_line_when_the_slack_port_is_taken(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "QUIZBOT_")) and k.lower() not in {"https_proxy", "http_proxy"}}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_HTTP_PORT=str(port),
                   SLACK_HTTP_HOST="127.0.0.1", SLACK_API_URL=fake_slack.api_url)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--db", str(tmp_path / "x.db"), "--decks", str(REPO / "decks"),
            cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        _, stderr = await asyncio.wait_for(process.communicate(), START_TIMEOUT)

    assert process.returncode == 2
    text = stderr.decode()
    assert f"quizbot run: SLACK_HTTP_PORT {port}: address already in use (host 127.0.0.1)\n" in text
    assert "Traceback" not in text
