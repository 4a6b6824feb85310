"""Findings in deck files: where (file:line:column, field path), what, and how bad."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bot.deck.model import Deck

QUOTE_MAX = 40
"""Longest text of a deck file a problem quotes: the offending token, never a stretch of the file."""

LOGGED_PER_FILE = 20
"""Problems of one file written to the log; the rest are counted in one line."""


def quote(text: object, limit: int = QUOTE_MAX) -> str:
    """``repr`` of a token from a deck file, cut to ``limit`` characters (with an ellipsis)."""
    value = str(text)
    return repr(value if len(value) <= limit else value[: limit - 3] + "...")


@dataclass(frozen=True)
class Problem:
    """One finding in a deck file. ``severity`` is ``error`` or ``warning``."""

    path: str
    line: int
    column: int
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where} {self.field}: {self.message}" if self.field else f"{where} {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


class DeckError(Exception):
    """A deck file that cannot be loaded; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class LoadResult:
    """What :func:`load_decks` found: the good decks and the problems of all files."""

    decks: list[Deck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unsettled: list[str] = field(default_factory=list)
    """Files not loaded because they were still changing (see :func:`bot.deck.load.load_decks`)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]



def capped_by_file(
    problems: Iterable[Problem], limit: int = LOGGED_PER_FILE
) -> Iterator[tuple[str, list[Problem], int]]:
    """Per file (in first-seen order): its first ``limit`` problems and how many more it has.

    What the logs show: a file with 100,000 problems is 20 lines and "and N more", not 100,000 lines.
    """
    shown: dict[str, list[Problem]] = {}
    more: dict[str, int] = {}
    for problem in problems:
        kept = shown.setdefault(problem.path, [])
        if len(kept) < limit:
            kept.append(problem)
        else:
            more[problem.path] = more.get(problem.path, 0) + 1
    for path, kept in shown.items():
        yield path, kept, more.get(path, 0)
