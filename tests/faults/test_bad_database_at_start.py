"""A corrupt database file at start stops ``quizbot run`` with one line and exit 2, without
hanging, when it serves Slack (HTTP mode) or Discord too, not only the console
(``tests/store/test_bad_file_at_start.py`` covers every kind of bad file with the console)."""

from __future__ import annotations

import asyncio
import sys

import pytest

from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.faults.conftest import DECKS, EXIT_CEILING_S, SECRET
from tests.process import free_port, platform_env
from tests.store.test_bad_file_at_start import garbage


async def run_to_exit(cwd, env: dict[str, str]) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--db", "q.db", "--decks", str(DECKS), cwd=cwd, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:  # the ceiling only turns a hang into a failure; no time is asserted
        out, err = await asyncio.wait_for(process.communicate(), EXIT_CEILING_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("platform", ["slack", "discord"])
async def test_corrupt_database_at_start_exits_2_with_one_line_on_each_platform(
        platform: str, fake_slack: FakeSlack, fake_discord: FakeDiscord, tmp_path) -> None:  # type: ignore[no-untyped-def]
    garbage(tmp_path / "q.db")
    before = (tmp_path / "q.db").read_bytes()
    if platform == "slack":
        env = platform_env(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SECRET, SLACK_HTTP_PORT=str(free_port()),
                           SLACK_HTTP_HOST="127.0.0.1", SLACK_API_URL=fake_slack.api_url)
    else:
        env = platform_env(DISCORD_TOKEN=fake_discord.token, DISCORD_API_URL=fake_discord.api_base,
                           DISCORD_GATEWAY_URL=fake_discord.gateway_url)

    code, out, err = await run_to_exit(tmp_path, env)

    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("quizbot run: q.db "), err
    assert "Traceback" not in err and out == ""
    assert (tmp_path / "q.db").read_bytes() == before  # nothing written
    assert fake_slack.api_calls == [] and fake_discord.identify_payloads == []  # never went online
