"""Commands import only what they use: no platform library for define, decks or the console.

Checked on the real command (``python -X importtime -m bot ...``): every module the process
imported is listed on stderr. Timings live in bench/bench_startup.py, not here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.decks import NOTE_FORMATS
from bot.deck.notes import FORMATS
from tests.helpers import SMALL_DECK
from tests.process import clean_env, write_deck

PLATFORMS = ("discord", "slack_bolt", "slack_sdk")
NOT_FOR_LOOKUPS = (*PLATFORMS, "aiohttp", "aiosqlite", "asyncio", "bot.store", "bot.deck.notes", "matplotlib")


def imported_modules(tmp_path: Path, *args: str, stdin: str = "") -> set[str]:
    """The top-level names of every module ``quizbot ARGS`` imported."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "bot", *args], cwd=tmp_path, input=stdin,
                            capture_output=True, text=True, timeout=60, env=clean_env(), check=False)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    names = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines()
             if line.startswith("import time:") and "|" in line}
    assert "bot.cli" in names  # the listing really is there
    return names


def loaded(names: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in packages or n.startswith(tuple(p + "." for p in packages)))


def test_define_imports_no_platform_no_store_and_no_asyncio(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    assert loaded(imported_modules(tmp_path, "define", "nms"), NOT_FOR_LOOKUPS) == []


@pytest.mark.parametrize("action", ["list", "lint"])
def test_decks_list_and_lint_import_no_platform_no_store_and_no_asyncio(tmp_path, action):
    write_deck(tmp_path / "decks", SMALL_DECK)
    assert loaded(imported_modules(tmp_path, "decks", action), NOT_FOR_LOOKUPS) == []


def test_the_console_imports_no_platform_library_and_no_aiohttp(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    names = imported_modules(tmp_path, "run", "--console", stdin="/quiz help\n")
    assert "bot.chat.console" in names
    assert loaded(names, (*PLATFORMS, "aiohttp")) == []


def test_matplotlib_is_loaded_only_when_a_digest_chart_is_drawn(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    started = imported_modules(tmp_path, "run", "--console", stdin="/quiz help\n")
    drawn = imported_modules(tmp_path, "run", "--console", "--seed", "1",
                             stdin="/quiz now\n:as alice\nA\n/quiz close\n/quiz digest now\n")
    assert "bot.quiz.digest_desk" in started and loaded(started, ("matplotlib",)) == []
    assert "matplotlib" in drawn


def test_the_import_formats_written_in_the_cli_match_the_importers():
    assert NOTE_FORMATS == FORMATS
