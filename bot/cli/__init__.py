"""The ``quizbot`` command line: a contract users and scripts rely on (see README).

Each command group lives in its own module with a ``register(subparsers)``
function; this module only collects them. Exit codes: 0 success, 1 the command
ran and found a problem (lint errors, unknown term), 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import db, decks, define, discord, export, run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quizbot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (run, define, decks, db, export, discord):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `quizbot define x | head` must not print a traceback
        sys.stderr.close()
        return 0
