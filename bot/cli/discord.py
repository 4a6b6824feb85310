"""``quizbot discord sync [--guild ID] [--clear]``: register the slash commands with Discord.

Commands are synced on purpose, not on every start: Discord rate-limits command updates, and a
global sync takes a while to reach every client. ``--guild`` syncs to one server, where changes
show at once (handy while testing). Only REST is used (``DISCORD_TOKEN``, ``DISCORD_API_URL``);
no gateway session is opened.
"""

from __future__ import annotations

import argparse
import sys

from bot.cli.options import add_config_option, load
from bot.config import ConfigError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("discord", help="Discord tools (sync the slash commands)")
    actions = p.add_subparsers(dest="discord_command", required=True, metavar="ACTION")
    sync = actions.add_parser("sync", help="register /define, /quiz, /quizadmin and /leaderboard with Discord")
    sync.add_argument("--guild", type=int, metavar="ID",
                      help="sync to this server only (shows at once); default: global")
    sync.add_argument("--clear", action="store_true",
                      help="remove the commands instead (from --guild, or the global ones)")
    add_config_option(sync)
    sync.set_defaults(handler=run_sync)


def run_sync(args: argparse.Namespace) -> int:
    import asyncio

    import discord  # only here: every other command starts without discord.py

    try:
        settings = load(args)
    except ConfigError as exc:
        print(f"quizbot discord sync: {exc}", file=sys.stderr)
        return 2
    if not settings.discord_token:
        print("quizbot discord sync: set DISCORD_TOKEN (the bot token) first", file=sys.stderr)
        return 2
    from bot.chat.discord.client import configure_endpoints
    from bot.chat.discord.commands import sync_commands

    configure_endpoints(settings.discord_api_url, settings.discord_gateway_url)
    where = f"server {args.guild}" if args.guild else "every server (global; may take a while to show)"
    try:
        names = asyncio.run(sync_commands(settings.discord_token.get(), args.guild, clear=args.clear))
    except discord.LoginFailure:
        print("quizbot discord sync: Discord refused the token (DISCORD_TOKEN)", file=sys.stderr)
        return 1
    except discord.Forbidden as exc:
        print(f"quizbot discord sync: forbidden ({exc.text}); was the bot invited with the "
              "applications.commands scope?", file=sys.stderr)
        return 1
    except discord.HTTPException as exc:
        print(f"quizbot discord sync: Discord answered {exc.status}: {exc.text}", file=sys.stderr)
        return 1
    if args.clear:
        print(f"Removed the commands from {where}.")
    else:
        print(f"Synced {len(names)} command(s) to {where}: " + ", ".join(f"/{n}" for n in names))
    return 0
