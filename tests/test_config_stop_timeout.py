"""QUIZBOT_STOP_TIMEOUT: how long SIGTERM waits for accepted work; a bad value is refused."""

import pytest

from bot.config import ConfigError, load_settings


def test_stop_timeout_defaults_to_25_seconds_below_compose_grace(tmp_path):
    assert load_settings({}, config_file=tmp_path / "none.yaml").stop_timeout_s == 25.0


def test_stop_timeout_is_read_from_the_environment(tmp_path):
    settings = load_settings({"QUIZBOT_STOP_TIMEOUT": "7.5"}, config_file=tmp_path / "none.yaml")

    assert settings.stop_timeout_s == 7.5


@pytest.mark.parametrize(("value", "says"), [
    ("0", "QUIZBOT_STOP_TIMEOUT must be more than 0 and at most 300 seconds, got 0"),
    ("301", "QUIZBOT_STOP_TIMEOUT must be more than 0 and at most 300 seconds, got 301"),
    ("soon", "QUIZBOT_STOP_TIMEOUT must be a number, got 'soon'"),
])
def test_bad_stop_timeout_is_refused_with_a_clear_message(tmp_path, value, says):
    with pytest.raises(ConfigError) as refused:
        load_settings({"QUIZBOT_STOP_TIMEOUT": value}, config_file=tmp_path / "none.yaml")

    assert str(refused.value) == says
