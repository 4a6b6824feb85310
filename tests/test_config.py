"""Settings: environment over .env over quizbot.yaml; secrets never shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings, parse_addr

NO_YAML = Path("/nonexistent/quizbot.yaml")


def test_env_file_fills_in_what_the_environment_does_not_set(tmp_path):
    env_file = tmp_path / "prod.env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_APP_TOKEN=xapp-from-file\n"
                        "QUIZBOT_DB=/data/from-file.db\n# comment\n")
    settings = load_settings(env={"QUIZBOT_ENV_FILE": str(env_file)}, config_file=NO_YAML)
    assert settings.slack_bot_token.get() == "xoxb-from-file"
    assert settings.db_path == Path("/data/from-file.db")


def test_a_real_environment_variable_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_APP_TOKEN=xapp-file\nQUIZBOT_LOG_LEVEL=debug\n")
    settings = load_settings(env={"SLACK_BOT_TOKEN": "xoxb-from-env"}, env_file=env_file, config_file=NO_YAML)
    assert settings.slack_bot_token.get() == "xoxb-from-env"
    assert settings.log_level == "DEBUG"


def test_the_dot_env_in_the_working_directory_is_read_for_the_real_environment(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("DISCORD_TOKEN=discord-from-dotenv\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("QUIZBOT_ENV_FILE", raising=False)
    assert load_settings(config_file=NO_YAML).discord_token.get() == "discord-from-dotenv"


def test_an_explicit_env_mapping_ignores_the_working_directory_dot_env(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("DISCORD_TOKEN=discord-from-dotenv\n")
    monkeypatch.chdir(tmp_path)
    assert not load_settings(env={}, config_file=NO_YAML).discord_token


def test_a_named_env_file_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match=r"missing\.env"):
        load_settings(env={"QUIZBOT_ENV_FILE": str(tmp_path / "missing.env")}, config_file=NO_YAML)


def test_repr_of_settings_shows_no_secret():
    secrets = {"SLACK_BOT_TOKEN": "xoxb-1111-secret", "SLACK_APP_TOKEN": "xapp-2222-secret",
               "SLACK_SIGNING_SECRET": "sign-3333-secret", "DISCORD_TOKEN": "disc-4444-secret"}
    settings = load_settings(env=secrets, config_file=NO_YAML)
    shown = repr(settings) + str(settings)
    assert sorted(settings.secrets()) == sorted(secrets.values())
    for value in secrets.values():
        assert value not in shown
    assert "Secret('***')" in shown


def test_tokens_in_quizbot_yaml_are_refused(tmp_path):
    config = tmp_path / "quizbot.yaml"
    config.write_text("decks_dir: decks\nslack_bot_token: xoxb-nope\n")
    with pytest.raises(ConfigError, match="tokens belong in the environment"):
        load_settings(env={}, config_file=config)


def test_quizbot_yaml_gives_defaults_and_the_environment_overrides_them(tmp_path):
    config = tmp_path / "quizbot.yaml"
    config.write_text("decks_dir: my-decks\nanswer_window_s: 120\npoints: 5\ntimezone: Europe/Berlin\n")
    settings = load_settings(env={"QUIZBOT_POINTS": "7"}, config_file=config)
    assert settings.decks_dir == Path("my-decks")
    assert settings.quiz.answer_window_s == 120
    assert settings.quiz.timezone == "Europe/Berlin"
    assert settings.quiz.scoring.points == 7


def test_empty_values_from_an_env_template_keep_the_defaults(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_API_URL=\nSLACK_HTTP_HOST=\nQUIZBOT_DB=\nQUIZBOT_HTTP_ADDR=\n")
    settings = load_settings(env={}, env_file=env_file, config_file=NO_YAML)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.slack_http_host == "0.0.0.0"
    assert settings.db_path == Path("quizbot.db")
    assert settings.http_addr == ""


@pytest.mark.parametrize("var,value,message", [
    ("QUIZBOT_LOG_LEVEL", "loud", "QUIZBOT_LOG_LEVEL"),
    ("QUIZBOT_HTTP_ADDR", "8080", "host:port"),
    ("QUIZBOT_HTTP_ADDR", "0.0.0.0:http", "host:port"),
    ("QUIZBOT_RELOAD_INTERVAL", "often", "reload_interval_s"),
    ("QUIZBOT_TIMEZONE", "Mars/Olympus", "time zone"),
])
def test_unusable_settings_are_refused_with_their_name(var, value, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(env={var: value}, config_file=NO_YAML)


def test_parse_addr_accepts_ipv4_ipv6_and_a_bare_port():
    assert parse_addr("0.0.0.0:8080") == ("0.0.0.0", 8080)
    assert parse_addr("[::1]:9000") == ("::1", 9000)
    assert parse_addr(":8080") == ("0.0.0.0", 8080)


@pytest.mark.parametrize(("env", "says"), [
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "half configured: set SLACK_APP_TOKEN"),
    ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN is missing"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_HTTP_PORT": "99999"}, "1 to 65535"),
    ({"DISCORD_TOKEN": "t", "DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "5"}, "below DISCORD_SHARD_COUNT"),
    ({"DISCORD_TOKEN": "t", "DISCORD_SHARD_IDS": "0"}, "needs DISCORD_SHARD_COUNT"),
    ({"DISCORD_TOKEN": "t", "DISCORD_SHARD_COUNT": "0"}, "1 or more"),
    ({"QUIZBOT_ANSWER_WINDOW": "-5"}, "answer_window_s must be between"),
])
def test_settings_that_cannot_work_are_refused_with_the_reason(env, says):
    with pytest.raises(ConfigError, match=re.escape(says)):
        load_settings(env=env, config_file=NO_YAML)


def test_yaml_values_of_the_wrong_kind_are_refused(tmp_path):
    config = tmp_path / "quizbot.yaml"
    config.write_text("timezone: 5\n")
    with pytest.raises(ConfigError, match="IANA"):
        load_settings(env={}, config_file=config)
    config.write_text("max_answer_chars: 5000\n")
    with pytest.raises(ConfigError, match="max_answer_chars must be between 1 and 3000"):
        load_settings(env={}, config_file=config)


def test_a_log_level_chosen_anywhere_is_marked_as_chosen(tmp_path):
    config = tmp_path / "quizbot.yaml"
    config.write_text("log_level: debug\n")
    assert load_settings(env={}, config_file=config).log_level_set
    assert load_settings(env={"QUIZBOT_LOG_LEVEL": "warning"}, config_file=NO_YAML).log_level_set
    assert not load_settings(env={}, config_file=NO_YAML).log_level_set


ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_env_example_gives_the_defaults():
    settings = load_settings(env={}, env_file=ROOT / ".env.example", config_file=NO_YAML)
    assert settings == load_settings(env={}, config_file=NO_YAML)
    assert not settings.slack_enabled and not settings.discord_enabled


def test_an_empty_quizbot_config_means_the_default_settings_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "quizbot.yaml").write_text("points: 3\n")
    assert load_settings(env={"QUIZBOT_CONFIG": ""}).quiz.scoring.points == 3


def test_an_empty_variable_in_the_environment_does_not_hide_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("QUIZBOT_DB=from-file.db\n")
    assert load_settings(env={"QUIZBOT_DB": ""}, env_file=env_file, config_file=NO_YAML).db_path == Path("from-file.db")


def test_blank_values_in_the_environment_count_as_unset():
    settings = load_settings(env={"QUIZBOT_DECKS": "  ", "QUIZBOT_SEED": "", "SLACK_BOT_TOKEN": "",
                                  "DISCORD_SHARD_COUNT": "", "QUIZBOT_ENV_FILE": ""}, config_file=NO_YAML)
    assert settings.decks_dir == Path("decks") and settings.seed is None
    assert not settings.slack_bot_token and settings.discord_shard_count is None


def test_empty_values_in_quizbot_yaml_keep_the_defaults(tmp_path):
    config = tmp_path / "quizbot.yaml"
    config.write_text("db_path:\ndecks_dir: ''\ntimezone:\nanswer_window_s:\nlog_level: ' '\nseed:\n")
    settings = load_settings(env={}, config_file=config)
    assert settings == load_settings(env={}, config_file=NO_YAML)


def test_an_empty_yaml_value_does_not_hide_the_environment(tmp_path):
    config = tmp_path / "quizbot.yaml"
    config.write_text("decks_dir:\n")
    assert load_settings(env={"QUIZBOT_DECKS": "env-decks"}, config_file=config).decks_dir == Path("env-decks")


@pytest.mark.parametrize("var", ["QUIZBOT_CONFIG", "QUIZBOT_ENV_FILE"])
def test_a_settings_path_that_is_a_directory_is_refused_by_name(tmp_path, var):
    with pytest.raises(ConfigError, match=rf"{re.escape(str(tmp_path))} is a directory"):
        load_settings(env={var: str(tmp_path)}, config_file=None if var == "QUIZBOT_CONFIG" else NO_YAML)


def test_a_settings_file_that_is_not_text_is_refused_by_name(tmp_path):
    config = tmp_path / "quizbot.yaml"
    config.write_bytes(b"points: \xff\xfe\n")
    with pytest.raises(ConfigError, match=rf"{re.escape(str(config))} is not UTF-8 text"):
        load_settings(env={}, config_file=config)
    with pytest.raises(ConfigError, match=rf"env file {re.escape(str(config))} is not UTF-8 text"):
        load_settings(env={}, env_file=config, config_file=NO_YAML)


def test_uses_console_when_asked_or_when_no_platform_has_tokens():
    assert load_settings(env={}, config_file=NO_YAML).uses_console
    discord = {"DISCORD_TOKEN": "d"}
    assert not load_settings(env=discord, config_file=NO_YAML).uses_console
    assert load_settings(env=discord, config_file=NO_YAML, force_console=True).uses_console


def test_reading_settings_does_not_load_the_quiz_core():
    import subprocess
    import sys

    code = ("import sys, bot.config; "
            "print(sorted(m for m in sys.modules if m.startswith(('bot.store', 'bot.deck', 'asyncio', 'aiosqlite'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"


def test_a_database_file_given_on_the_command_line_wins_over_the_database_url(tmp_path):
    from bot.config import load_settings

    env = {"QUIZBOT_DATABASE_URL": "postgresql://bot:pw@db.example:5432/quiz"}
    assert load_settings(env=env, config_file=NO_YAML).database.startswith("postgresql://")
    chosen = load_settings(env=env, config_file=NO_YAML, db_path=tmp_path / "mine.db")
    assert chosen.database == str(tmp_path / "mine.db")
