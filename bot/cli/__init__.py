"""The ``quizbot`` command line: a contract users and scripts rely on (see README).

Each command group lives in its own module with a ``register(subparsers)``
function; this module only collects them. Those modules import nothing heavy at
the top: each handler imports what it uses when it runs, so ``quizbot define``
never loads discord.py, slack-bolt, aiohttp or the store (tests/cli/test_startup.py).

Exit codes: 0 success, 1 the command ran and found a problem (lint errors,
unknown term), 2 bad usage or input (also: bare ``quizbot``, which prints the
help on stderr).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import db, decks, define, discord, export, run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quizbot", description="Study-note quiz decks in Slack, Discord or the console.",
        epilog="`quizbot COMMAND --help` explains each command. Exit codes: 0 done, 1 the command "
               "found a problem (lint errors, unknown term), 2 bad usage or input.")
    parser.add_argument("--version", action="version", version=f"quizbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (run, define, decks, db, export, discord):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.config import ConfigError

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # bare `quizbot`: show what there is, as a usage error
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args) or 0)
    except ConfigError as exc:  # a setting that cannot be used: one line, nothing changed
        print(f"quizbot {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `quizbot define x | head` must not print a traceback
        sys.stderr.close()
        return 0
