"""Markdown pipe tables, and which of their columns hold the term and the definition.

The usual Obsidian/GitHub glossary is a table (``| Term | Definition |``).
The columns are found by their header names first (Term/Word/Name/Acronym…
and Definition/Meaning/Description…), else by shape: two or more columns,
the first short (a name), the second long (a sentence). A table that fits
neither is not a glossary; its rows stay text of the section.
"""

from __future__ import annotations

import re
from statistics import median

_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
TERM_HEADERS = frozenset({"term", "terms", "word", "name", "acronym", "abbreviation", "concept", "keyword",
                          "front", "question", "jargon", "vocabulary", "expression", "phrase"})
DEFINITION_HEADERS = frozenset({"definition", "definitions", "meaning", "description", "explanation", "back",
                                "answer", "expansion", "stands for", "what it means", "summary", "details"})
MAX_TERM_WORDS = 8


def is_delimiter_row(line: str) -> bool:
    """``|---|:---:|``: the line under a table's header."""
    return "-" in line and "|" in line and bool(_DELIMITER_ROW.match(line))


def is_row(line: str) -> bool:
    """A line that can be a table row: it has an unescaped pipe."""
    return bool(_CELL_SPLIT.search(line))


def cells(line: str) -> list[str]:
    """The cells of one row, trimmed; escaped pipes (``\\|``) stay in the text."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_SPLIT.split(text)]


def _header_key(cell: str) -> str:
    return re.sub(r"[^a-z ]+", "", cell.lower()).strip()


def glossary_columns(header: list[str], rows: list[list[str]]) -> tuple[int, int] | None:
    """``(term column, definition column)`` when the table is a glossary, else None."""
    keys = [_header_key(h) for h in header]
    term = next((i for i, k in enumerate(keys) if k in TERM_HEADERS), None)
    definition = next((i for i, k in enumerate(keys) if k in DEFINITION_HEADERS), None)
    if term is not None and definition is not None and term != definition:
        return term, definition
    if len(header) < 2 or len(rows) < 2:
        return None
    firsts = [r[0] for r in rows if len(r) >= 2 and r[0]]
    seconds = [r[1] for r in rows if len(r) >= 2 and r[1]]
    if len(firsts) < 2 or len(seconds) < 2:
        return None
    short = median(len(f.split()) for f in firsts) <= 4 and max(len(f.split()) for f in firsts) <= MAX_TERM_WORDS
    long = median(len(s.split()) for s in seconds) >= 4 and \
        median(len(s) for s in seconds) > 2 * median(len(f) for f in firsts)
    return (0, 1) if short and long else None
