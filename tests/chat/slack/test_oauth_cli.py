"""The real ``quizbot run`` installed in many workspaces: configured from the environment,
an install through the browser flow, a round in that workspace, a clean stop."""

from __future__ import annotations

import asyncio
import html
import os
import re
import signal
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from tests.chat.slack.conftest import buttons
from tests.chat.slack.oauth_harness import ALPHA
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_oauth import CLIENT_ID, CLIENT_SECRET
from tests.fakes.slack_requests import send, slash_command
from tests.process import free_port, wait_for_port

pytestmark = pytest.mark.sqlite_only  # the real CLI on a SQLite file (tests/engines.py)

REPO = Path(__file__).resolve().parents[3]
SECRET = "subprocess-signing-secret"


async def test_quizbot_run_installs_a_workspace_and_posts_as_its_bot(fake_slack: FakeSlack, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "QUIZBOT_")) and k.lower() not in {"https_proxy", "http_proxy"}}
    env.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET, SLACK_SIGNING_SECRET=SECRET,
               SLACK_HTTP_PORT=str(port), SLACK_HTTP_HOST="127.0.0.1", SLACK_API_URL=fake_slack.api_url,
               QUIZBOT_LOG_LEVEL="DEBUG")
    log_path = tmp_path / "quizbot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--db", str(tmp_path / "x.db"), "--decks", str(REPO / "decks"),
            "--seed", "1", cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL, stderr=log)
        try:
            await wait_for_port(port, process)
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{base}/slack/install") as page:
                    link = re.search(r'<a href="([^"]+)"', await page.text())
                assert link is not None
                state = parse_qs(urlsplit(html.unescape(link.group(1))).query)["state"][0]
                code = fake_slack.installs.approve(ALPHA)
                async with session.get(f"{base}/slack/oauth_redirect", params={"code": code, "state": state},
                                       headers={"Cookie": f"slack-app-oauth-state={state}"}) as done:
                    assert done.status == 200
            reply = await send(f"{base}/slack/events", slash_command(
                "/quiz", "now", team_id=ALPHA.team_id, channel_id="C0ALPHA",
                response_url=fake_slack.response_url()), SECRET)
            assert reply.status == 200
            question = await fake_slack.wait_for("chat.postMessage", lambda a: bool(buttons(a)))
            assert question["channel"] == "C0ALPHA"
            posted = next(c for c in fake_slack.api_calls if c.method == "chat.postMessage")
            assert posted.token == fake_slack.installs.tokens_of(ALPHA.team_id)[-1]

            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 10) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    logged = log_path.read_text()
    assert CLIENT_SECRET not in logged
    assert posted.token not in logged
