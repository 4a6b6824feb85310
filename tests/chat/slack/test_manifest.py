"""The shipped app manifest asks for exactly what the listeners use."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from bot.chat.slack.listeners import COMMANDS


def manifest() -> dict[str, Any]:
    text = resources.files("bot.chat.slack").joinpath("manifest.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def test_manifest_declares_exactly_the_commands_the_bot_listens_to() -> None:
    commands = [c["command"] for c in manifest()["features"]["slash_commands"]]

    assert sorted(commands) == sorted(COMMANDS)


def test_manifest_asks_for_the_least_scopes_and_no_events() -> None:
    data = manifest()

    assert sorted(data["oauth_config"]["scopes"]["bot"]) == ["chat:write", "commands", "files:write", "users:read"]
    assert "user" not in data["oauth_config"]["scopes"]
    assert "event_subscriptions" not in data["settings"]


def test_manifest_enables_interactivity_and_socket_mode() -> None:
    settings = manifest()["settings"]

    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert manifest()["features"]["bot_user"]["display_name"] == "quizbot"
