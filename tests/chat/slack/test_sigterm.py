"""SIGTERM during a burst of answer clicks, against the real ``quizbot run`` in HTTP mode: every
click that got HTTP 200 is stored and its member got "Answer recorded"; the rest were refused
(503, or no connection once the process is gone), so Slack would deliver them again."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import aiohttp

from tests.chat.slack.conftest import buttons
from tests.chat.slack.test_cli_subprocess import REPO, free_port, wait_for_port
from tests.fakes.slack import CHANNEL_ID, RESPONSE_URL_METHOD, TEAM_ID, FakeSlack
from tests.fakes.slack_requests import block_actions, send, slash_command

SECRET = "sigterm-signing-secret"
BURST = 600
SIGNAL_AFTER = 60
"""Answers acknowledged before SIGTERM is sent: the burst is well under way, far from done."""


async def test_sigterm_mid_burst_loses_no_acknowledged_answer_and_confirms_every_one(
        fake_slack: FakeSlack, tmp_path: Path) -> None:
    port, db_path = free_port(), tmp_path / "x.db"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "QUIZBOT_")) and k.lower() not in {"https_proxy", "http_proxy"}}
    env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_HTTP_PORT=str(port),
               SLACK_HTTP_HOST="127.0.0.1", SLACK_API_URL=fake_slack.api_url, QUIZBOT_STOP_TIMEOUT="25")
    fake_slack.set_latency(0.01, RESPONSE_URL_METHOD)  # confirmations take a little while, as Slack's do
    log_path = tmp_path / "quizbot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--db", str(db_path), "--decks", str(REPO / "decks"), "--seed", "1",
            cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=log)
        try:
            await wait_for_port(port, process)
            url = f"http://127.0.0.1:{port}/slack/events"
            assert (await send(url, slash_command("/quiz", "now", response_url=fake_slack.response_url()),
                               SECRET)).status == 200
            first_button = buttons(await fake_slack.wait_for("chat.postMessage"))[0]
            acked = 0
            enough = asyncio.Event()

            async def click(user: str) -> int | None:
                nonlocal acked
                request = block_actions(first_button, first_button, user_id=user, channel_id=CHANNEL_ID,
                                        response_url=fake_slack.response_url(user))
                try:
                    status = (await send(url, request, SECRET)).status
                except aiohttp.ClientError:  # the process stopped listening: never acknowledged
                    return None
                if status == 200:
                    acked += 1
                    if acked >= SIGNAL_AFTER:
                        enough.set()
                return status

            async def signal_mid_burst() -> None:
                await enough.wait()
                process.send_signal(signal.SIGTERM)

            signaller = asyncio.create_task(signal_mid_burst())
            users = [f"U{i:04d}" for i in range(BURST)]
            burst = []
            for user in users:  # a steady stream that goes on through the stop
                burst.append(asyncio.create_task(click(user)))
                await asyncio.sleep(0.005)
            statuses = await asyncio.gather(*burst)
            await asyncio.wait_for(signaller, 60)
            assert await asyncio.wait_for(process.wait(), 40) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()

    acknowledged = {u for u, s in zip(users, statuses, strict=True) if s == 200}
    assert {s for s in statuses if s != 200} <= {503, None}
    conn = sqlite3.connect(db_path)
    try:
        stored = {key.rsplit(":", 1)[1] for (key,) in conn.execute(
            "SELECT m.key FROM answers a JOIN members m ON m.id = a.member_id WHERE m.key LIKE ?",
            (f"slack:{TEAM_ID}:%",))}
    finally:
        conn.close()
    confirmed = {u for u in acknowledged if any("Answer recorded" in a["text"] for a in fake_slack.ephemerals_to(u))}
    assert len(acknowledged) >= SIGNAL_AFTER
    assert len(acknowledged) < BURST  # the stop came mid-burst: later clicks were refused
    assert acknowledged - stored == set()  # 0 lost
    assert acknowledged - confirmed == set()  # 0 unconfirmed
    logs = log_path.read_text()
    assert "Traceback" not in logs and "event=slack_drain_timeout" not in logs
