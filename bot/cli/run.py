"""``quizbot run``: start the bot (every adapter with credentials; else the console)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot import app, logs
from bot.config import ConfigError, load_settings
from bot.store.faults import StorageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="run the bot")
    p.add_argument("--console", action="store_true", help="use the console even if platform tokens are set")
    p.add_argument("--db", type=Path, help="SQLite file (default: ./quizbot.db or QUIZBOT_DB)")
    p.add_argument("--decks", type=Path, help="deck directory (default: ./decks or QUIZBOT_DECKS)")
    p.add_argument("--seed", type=int, help="seed question choice and option order (reproducible runs)")
    p.add_argument("--config", type=Path, help="settings file (default: ./quizbot.yaml if present)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(config_file=args.config, db_path=args.db, decks_dir=args.decks,
                                 seed=args.seed, force_console=args.console or None)
    except ConfigError as exc:
        print(f"quizbot run: {exc}", file=sys.stderr)
        return 2
    level = settings.log_level
    console_on_terminal = (settings.force_console or not (settings.slack_enabled or settings.discord_enabled)) \
        and sys.stdin.isatty() and not settings.log_level_set
    if console_on_terminal:  # a person is typing: info lines would interleave with the quiz
        level = "WARNING"
    logs.setup(level, settings.log_format, settings.secrets())
    try:
        return asyncio.run(app.run(settings))
    except (ConfigError, StorageError) as exc:  # found while starting: an address in use, a bad database
        print(f"quizbot run: {exc}", file=sys.stderr)
        return 2
