"""A fresh clone's first runs: the shipped ``.env.example``, broken settings paths, no platform."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import NO_PLATFORM
from tests.helpers import SMALL_DECK
from tests.process import clean_env, quizbot, write_deck

ROOT = Path(__file__).resolve().parents[2]


def env_example_variables() -> dict[str, str]:
    """Every variable of ``.env.example`` as docker compose's ``env_file`` passes it: set, empty."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    return {line.split("=", 1)[0]: "" for line in lines if line and not line.startswith("#")}


def assert_one_line_refusal(result, *, says: str) -> None:
    assert result.returncode == 2
    assert result.stderr.splitlines() == [result.stderr.strip()], result.stderr
    assert says in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_shipped_env_example_copied_to_dot_env_runs_the_console(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = quizbot("run", "--console", cwd=tmp_path, stdin="/quiz now\n:as alice\nA\n")
    assert result.returncode == 0, result.stderr
    assert "Answer recorded" in result.stdout
    assert "Traceback" not in result.stderr
    assert (tmp_path / "quizbot.db").is_file()  # the default, not a path made of an empty value


def test_env_example_variables_set_empty_in_the_environment_count_as_unset(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    result = quizbot("run", "--console", cwd=tmp_path, env=clean_env(**env_example_variables()),
                     stdin="/quiz now\n")
    assert result.returncode == 0, result.stderr
    assert "Question (round 1" in result.stdout


def test_no_tokens_no_terminal_and_no_console_option_refuses_to_start(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")  # docker compose with a blank .env
    result = quizbot("run", cwd=tmp_path, env=clean_env(**env_example_variables()), stdin="/quiz now\n")
    assert_one_line_refusal(result, says=f"quizbot run: {NO_PLATFORM}")
    assert not (tmp_path / "quizbot.db").exists()  # nothing was opened


@pytest.mark.parametrize("how", ["QUIZBOT_CONFIG", "--config", "QUIZBOT_ENV_FILE"])
def test_a_settings_path_that_is_a_directory_exits_2_with_one_line(tmp_path, how):
    write_deck(tmp_path / "decks", SMALL_DECK)
    folder = tmp_path / "settings"
    folder.mkdir()
    args = ["run", "--console", *(["--config", str(folder)] if how == "--config" else [])]
    env = clean_env(**({how: str(folder)} if how != "--config" else {}))
    result = quizbot(*args, cwd=tmp_path, env=env, stdin="/quiz now\n")
    assert_one_line_refusal(result, says=f"{folder} is a directory")
    assert not (tmp_path / "quizbot.db").exists()


def test_an_unreadable_env_file_exits_2_with_one_line(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    (tmp_path / ".env").write_bytes(b"QUIZBOT_DB=\xff\xfe.db\n")
    result = quizbot("run", "--console", cwd=tmp_path, stdin="/quiz now\n")
    assert_one_line_refusal(result, says="env file .env is not UTF-8 text")


def test_a_config_option_naming_no_file_exits_2_with_one_line(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    result = quizbot("define", "nms", "--config", "nope.yaml", cwd=tmp_path)
    assert_one_line_refusal(result, says="quizbot define: settings file nope.yaml (--config) does not exist")
