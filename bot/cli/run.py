"""``quizbot run``: start the bot (every platform with tokens; the console when asked)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.options import SETTINGS_SOURCES, add_config_option, load

RUN_HELP = f"""\
Which platforms start:
  Slack      when SLACK_BOT_TOKEN is set with SLACK_APP_TOKEN (Socket Mode), or
             with SLACK_SIGNING_SECRET and SLACK_HTTP_PORT (HTTP mode)
  Discord    when DISCORD_TOKEN is set
  both       when both are set (one process, one database)
  console    with --console (platform tokens are then ignored), or when no token
             is set and standard input is a terminal
With no token, no terminal and no --console (e.g. `docker compose up` with a blank
.env) the bot refuses to start (exit 2) instead of reading an empty input and
stopping. A platform half set up (e.g. SLACK_APP_TOKEN without SLACK_BOT_TOKEN)
is refused too. Piped input needs --console:
  printf '/quiz now\\n' | quizbot run --console

{SETTINGS_SOURCES}
The variables are listed in .env.example.

Exit codes: 0 stopped cleanly (SIGTERM, SIGINT, end of console input), 2 a
setting that cannot be used (one line on stderr; nothing is started)."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="run the bot (Slack, Discord, or the console)", description=RUN_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--console", action="store_true",
                   help="use the console on standard input, even if platform tokens are set")
    p.add_argument("--db", type=Path, help="SQLite file (default: QUIZBOT_DB, else ./quizbot.db)")
    p.add_argument("--decks", type=Path, help="deck directory (default: QUIZBOT_DECKS, else ./decks)")
    p.add_argument("--seed", type=int, help="seed question choice and option order (reproducible runs)")
    add_config_option(p)
    p.set_defaults(handler=run)


def _stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def run(args: argparse.Namespace) -> int:
    """Start the bot; refuses (ConfigError, exit 2) before opening anything when it has nowhere to run."""
    from bot.config import NO_PLATFORM, ConfigError

    settings = load(args, db_path=args.db, decks_dir=args.decks, seed=args.seed, force_console=args.console)
    if settings.uses_console and not settings.force_console and not _stdin_is_terminal():
        raise ConfigError(NO_PLATFORM)
    import asyncio

    from bot import app, logs

    level = settings.log_level
    if settings.uses_console and _stdin_is_terminal() and not settings.log_level_set:
        level = "WARNING"  # a person is typing: info lines would interleave with the quiz
    logs.setup(level, settings.log_format, settings.secrets())
    from bot.store.faults import StorageError

    try:
        return asyncio.run(app.run(settings))  # a ConfigError found while starting: see bot.cli.main
    except StorageError as exc:  # a database file that cannot be trusted: one line, exit 2
        print(f"quizbot run: {exc}", file=sys.stderr)
        return 2
