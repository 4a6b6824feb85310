"""Settings for installing in many workspaces: the OAuth client comes whole, with HTTP mode and
without a fixed token, or the start is refused with one line saying what to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_SLACK_SCOPES, ConfigError, load_settings

NO_YAML = Path("/nonexistent/quizbot.yaml")
HTTP = {"SLACK_SIGNING_SECRET": "sign", "SLACK_HTTP_PORT": "3000"}
OAUTH = {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "client-secret", **HTTP}


def settings(**env: str):  # type: ignore[no-untyped-def]
    return load_settings(env=env, config_file=NO_YAML)


def test_client_id_and_secret_with_http_mode_enable_slack_without_a_bot_token() -> None:
    loaded = settings(**OAUTH)
    assert loaded.slack_oauth and loaded.slack_enabled
    assert loaded.slack_client_id == "1111.2222"
    assert "client-secret" not in repr(loaded)
    assert "client-secret" in loaded.secrets()  # masked in the logs


def test_scopes_default_to_the_manifests_bot_scopes() -> None:
    assert settings(**OAUTH).slack_scopes == DEFAULT_SLACK_SCOPES == (
        "commands", "chat:write", "users:read", "files:write")


def test_scopes_are_read_comma_separated() -> None:
    loaded = settings(**OAUTH, SLACK_SCOPES=" commands, chat:write ,chat:write.public,")
    assert loaded.slack_scopes == ("commands", "chat:write", "chat:write.public")


def test_a_scope_that_is_not_a_name_is_refused() -> None:
    with pytest.raises(ConfigError, match="SLACK_SCOPES must be scope names"):
        settings(**OAUTH, SLACK_SCOPES="commands chat:write")


def test_client_id_without_its_secret_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="SLACK_CLIENT_SECRET is missing"):
        settings(SLACK_CLIENT_ID="1111.2222", **HTTP)


def test_client_secret_without_its_id_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="SLACK_CLIENT_ID is missing"):
        settings(SLACK_CLIENT_SECRET="client-secret", **HTTP)


def test_oauth_with_socket_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"SLACK_APP_TOKEN \(Socket Mode\) cannot serve installs"):
        settings(**OAUTH, SLACK_APP_TOKEN="xapp-1")


def test_oauth_with_a_fixed_bot_token_is_refused() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN and SLACK_CLIENT_ID exclude each other"):
        settings(**OAUTH, SLACK_BOT_TOKEN="xoxb-1")


def test_oauth_without_http_mode_is_refused() -> None:
    with pytest.raises(ConfigError, match="needs HTTP mode"):
        settings(SLACK_CLIENT_ID="1111.2222", SLACK_CLIENT_SECRET="client-secret", SLACK_SIGNING_SECRET="sign")


def test_redirect_url_is_kept_and_must_be_a_url() -> None:
    assert settings(**OAUTH, SLACK_INSTALL_REDIRECT_URL="https://quiz.example.com/slack/oauth_redirect"
                    ).slack_install_redirect_url == "https://quiz.example.com/slack/oauth_redirect"
    with pytest.raises(ConfigError, match="SLACK_INSTALL_REDIRECT_URL must be an https:// URL"):
        settings(**OAUTH, SLACK_INSTALL_REDIRECT_URL="quiz.example.com/slack/oauth_redirect")


def test_redirect_url_without_oauth_is_refused() -> None:
    with pytest.raises(ConfigError, match="SLACK_INSTALL_REDIRECT_URL needs SLACK_CLIENT_ID"):
        settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1",
                 SLACK_INSTALL_REDIRECT_URL="https://quiz.example.com/slack/oauth_redirect")


def test_single_token_mode_is_unchanged() -> None:
    loaded = settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1")
    assert loaded.slack_enabled and not loaded.slack_oauth
