"""The ``quizbot`` command line as a contract: version, help, exit codes, where settings come from."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from bot.quiz.commands import HELP
from tests.helpers import SMALL_DECK
from tests.process import clean_env, quizbot, write_deck

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_installed_package_version(tmp_path):
    result = quizbot("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"quizbot {version('quizbot')}\n"


def test_bare_quizbot_prints_the_help_and_exits_2(tmp_path):
    result = quizbot(cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: quizbot")
    for command in ("run", "define", "decks", "db", "export", "discord"):
        assert f"    {command} " in result.stderr
    assert result.stdout == ""


def test_run_help_explains_which_tokens_start_which_platform_and_where_settings_come_from(tmp_path):
    result = quizbot("run", "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    order = ("built-in defaults < quizbot.yaml (or --config FILE, or QUIZBOT_CONFIG) < .env in the working "
             "directory (or QUIZBOT_ENV_FILE) < the environment < command-line options")
    for words in ("Slack when SLACK_BOT_TOKEN is set with SLACK_APP_TOKEN", "Discord when DISCORD_TOKEN is set",
                  "console with --console", order):
        assert words in text


def define_nms(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    result = quizbot("define", "nms", "--json", *args, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    found: dict[str, object] = json.loads(result.stdout)["match"]
    return found


def test_define_reads_the_decks_directory_from_the_environment(tmp_path):
    write_deck(tmp_path / "elsewhere", SMALL_DECK)
    assert define_nms(tmp_path, env=clean_env(QUIZBOT_DECKS="elsewhere"))["card_id"] == "nms"


def test_define_reads_the_decks_directory_from_dot_env(tmp_path):
    write_deck(tmp_path / "elsewhere", SMALL_DECK)
    (tmp_path / ".env").write_text("QUIZBOT_DECKS=elsewhere\n")
    assert define_nms(tmp_path)["card_id"] == "nms"


def test_define_reads_the_decks_directory_from_quizbot_yaml_and_config(tmp_path):
    write_deck(tmp_path / "from-yaml", SMALL_DECK)
    (tmp_path / "quizbot.yaml").write_text("decks_dir: from-yaml\n")
    assert define_nms(tmp_path)["card_id"] == "nms"
    write_deck(tmp_path / "from-config", SMALL_DECK.replace("deck: ", "deck: other-", 1))
    (tmp_path / "other.yaml").write_text("decks_dir: from-config\n")
    assert define_nms(tmp_path)["deck"] == "demo"
    assert define_nms(tmp_path, "--config", "other.yaml")["deck"] == "other-demo"


def test_define_decks_option_wins_over_the_settings(tmp_path):
    write_deck(tmp_path / "chosen", SMALL_DECK)
    assert define_nms(tmp_path, "--decks", "chosen", env=clean_env(QUIZBOT_DECKS="missing"))["card_id"] == "nms"


def test_define_with_no_deck_exits_2_unlike_a_miss(tmp_path):
    result = quizbot("define", "nms", cwd=tmp_path)  # no ./decks here
    assert result.returncode == 2
    assert result.stderr == "quizbot define: no deck loaded from decks (no such directory)\n"
    write_deck(tmp_path / "decks", SMALL_DECK)
    assert quizbot("define", "qwertyuiop", cwd=tmp_path).returncode == 1


def test_define_json_with_no_deck_still_prints_one_object_with_the_reason(tmp_path):
    result = quizbot("define", "nms", "--json", cwd=tmp_path)
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"query": "nms", "match": None, "suggestions": [],
                                         "error": "no deck loaded from decks (no such directory)"}


def test_decks_list_of_a_missing_path_fails_like_lint(tmp_path):
    listed = quizbot("decks", "list", "missing", cwd=tmp_path)
    linted = quizbot("decks", "lint", "missing", cwd=tmp_path)
    assert listed.returncode == linted.returncode == 1
    assert listed.stdout.splitlines()[0] == linted.stdout.splitlines()[0] == "missing: no such file or directory"


def test_decks_list_without_paths_lists_the_configured_deck_directory(tmp_path):
    write_deck(tmp_path / "elsewhere", SMALL_DECK)
    result = quizbot("decks", "list", cwd=tmp_path, env=clean_env(QUIZBOT_DECKS="elsewhere"))
    assert result.returncode == 0, result.stdout
    assert result.stdout.split()[0] == "demo"


def test_command_help_says_anyone_may_list_schedules_as_the_readme_does():
    line = next(line for line in HELP.lines if "schedule list" in line)
    assert "/quiz schedule list (anyone)" in line
    readme = (ROOT / "README.md").read_text()
    assert "| `/quiz schedule list` | anyone |" in readme
