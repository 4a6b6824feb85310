"""What every ``quizbot`` command that reads settings shares: ``--config`` and one way to load.

Kept free of heavy imports: ``bot/cli/__init__.py`` builds every subparser on each
start, so whatever this module imports, every command pays for.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings

SETTINGS_SOURCES = """\
Where settings come from, each layer overriding the one before:
  built-in defaults < quizbot.yaml (or --config FILE, or QUIZBOT_CONFIG)
  < .env in the working directory (or QUIZBOT_ENV_FILE) < the environment
  < command-line options.
An empty value (QUIZBOT_DB= as .env.example ships it) counts as unset.
Tokens are read only from the environment or .env."""


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="settings file (default: QUIZBOT_CONFIG, else ./quizbot.yaml if present)")


def load(args: argparse.Namespace, **overrides: Any) -> Settings:
    """The settings for this command: ``--config`` if given, then the usual layers, then
    ``overrides`` (the command's own options; None means "not given").

    A ``--config`` that names nothing is refused: an option typed on purpose must not be
    silently ignored (a missing ``./quizbot.yaml`` or ``QUIZBOT_CONFIG`` file is). Raises
    :class:`bot.config.ConfigError`, which :func:`bot.cli.main` turns into one line and exit 2."""
    from bot.config import ConfigError, load_settings

    config: Path | None = getattr(args, "config", None)
    if config is not None and not config.exists():
        raise ConfigError(f"settings file {config} (--config) does not exist")
    return load_settings(config_file=config, **overrides)


def sqlite_file(settings: Settings, instead: str) -> Path:
    """The SQLite file a file-only command reads: ``--db`` when given (loading ``settings``
    with it already dropped the URL), else the file that ``QUIZBOT_DATABASE_URL`` names
    (``sqlite:///``), else ``QUIZBOT_DB``.

    A PostgreSQL URL is refused with one line saying what to use ``instead``: these commands
    read the file itself, and quietly reading ``./quizbot.db`` would show another database.
    Raises :class:`bot.config.ConfigError`."""
    from bot.config import ConfigError

    if not settings.database_url.get():
        return settings.db_path
    from bot.store.urls import parse_url

    url = parse_url(settings.database_url.get())
    if url.path is None:
        raise ConfigError(f"QUIZBOT_DATABASE_URL is {url.display}; this command reads a SQLite file "
                          f"({instead})")
    return Path(url.path)
