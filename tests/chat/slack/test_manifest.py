"""The shipped app manifest asks for exactly what the listeners use."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
import yaml

from bot.chat.slack.listeners import COMMANDS

pytestmark = pytest.mark.no_store  # opens no database in this process (tests/engines.py)


def manifest() -> dict[str, Any]:
    text = resources.files("bot.chat.slack").joinpath("manifest.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def test_manifest_declares_exactly_the_commands_the_bot_listens_to() -> None:
    commands = [c["command"] for c in manifest()["features"]["slash_commands"]]

    assert sorted(commands) == sorted(COMMANDS)


def test_manifest_asks_for_the_least_scopes_and_only_the_app_home_event() -> None:
    data = manifest()

    assert sorted(data["oauth_config"]["scopes"]["bot"]) == ["chat:write", "commands", "files:write", "im:write",
                                                            "users:read"]
    assert "user" not in data["oauth_config"]["scopes"]
    assert data["settings"]["event_subscriptions"] == {"bot_events": ["app_home_opened"]}


def test_manifest_turns_the_home_tab_on() -> None:
    assert manifest()["features"]["app_home"]["home_tab_enabled"] is True


def test_manifest_enables_interactivity_and_socket_mode() -> None:
    settings = manifest()["settings"]

    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert manifest()["features"]["bot_user"]["display_name"] == "quizbot"
