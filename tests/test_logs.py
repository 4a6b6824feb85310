"""Log lines: one per event, key=value or JSON, secrets masked whatever logger wrote them."""

from __future__ import annotations

import json
import logging

import pytest

from bot import logs


@pytest.fixture
def restore_root_logging():  # type: ignore[no-untyped-def]
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_secrets_are_masked_in_text_lines(capsys, restore_root_logging):
    logs.setup("DEBUG", "text", secrets=["xoxb-very-secret"])
    logging.getLogger("slack_sdk.web").warning("POST https://x/api?token=xoxb-very-secret failed")
    logging.getLogger("bot.app").debug("event=x token=%s", "xoxb-very-secret")
    err = capsys.readouterr().err
    assert "xoxb-very-secret" not in err
    assert err.count("***") == 2


def test_slack_tokens_learned_while_running_are_masked(capsys, restore_root_logging):
    logs.setup("DEBUG", "text", secrets=[])
    logging.getLogger("slack_sdk.web").debug(
        "Received: {'access_token': 'xoxe.xoxb-1-T0A-42', 'refresh_token': 'xoxe-1-My4x-abc', 'bot': 'xoxb-T0B-7'}")
    err = capsys.readouterr().err
    assert "xoxe" not in err and "xoxb" not in err
    assert err.count("***") == 3


def test_json_lines_are_one_object_per_event_and_masked(capsys, restore_root_logging):
    logs.setup("INFO", "json", secrets=["disc-token-123"])
    logging.getLogger("bot.app").info("event=adapter_started adapter=discord token=disc-token-123")
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["level"] == "info" and entry["logger"] == "bot.app"
    assert entry["message"] == "event=adapter_started adapter=discord token=***"


def test_the_level_comes_from_the_settings(capsys, restore_root_logging):
    logs.setup("WARNING", "text")
    logging.getLogger("bot.app").info("event=hidden")
    logging.getLogger("bot.app").warning("event=shown")
    err = capsys.readouterr().err
    assert "event=shown" in err and "event=hidden" not in err
