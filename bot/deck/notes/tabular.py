"""``term,definition`` tables to a deck: what Quizlet and Anki export as text.

So a group can bring the flashcards it already has. The delimiter is sniffed
(tab, comma, semicolon or pipe: the one that splits most rows into two
non-empty fields; tab wins ties, as both Quizlet and Anki default to it).
Anki's ``#separator:``/``#html:`` header lines are honoured, a header row such
as ``term,definition`` or ``front,back`` is skipped, HTML in fields is reduced
to text, and columns after the second (Anki tags, deck names) are ignored.
Rows without a term or a definition are reported, not turned into cards.
"""

from __future__ import annotations

import csv
import io
import re

from bot.deck.model import DECK_ID_MAX
from bot.deck.notes.draft import Draft, Imported, build_deck, slugify, strip_html, title_from_stem

_DELIMITERS = ("\t", ",", ";", "|")
_SEPARATOR_NAMES = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "colon": ":", "space": " "}
_ANKI_HEADER = re.compile(r"^#([a-z][a-z ]*):(.*)$", re.IGNORECASE)
_TERM_HEADERS = {"term", "front", "question", "word", "name", "card"}
_DEFINITION_HEADERS = {"definition", "back", "answer", "meaning", "description", "explanation"}


def _rows(text: str, delimiter: str, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def sniff_delimiter(text: str) -> str:
    """The delimiter that gives most rows two non-empty fields (tab first on a tie)."""
    best, best_score = "\t", -1
    for delimiter in _DELIMITERS:
        rows = _rows(text, delimiter, limit=50)
        score = sum(1 for r in rows if len(r) >= 2 and r[0].strip() and r[1].strip())
        if score > best_score:
            best, best_score = delimiter, score
    return best


def looks_tabular(text: str) -> bool:
    """True when most non-blank lines split into two non-empty fields."""
    lines = [line for line in text.splitlines()[:50] if line.strip() and not line.startswith("#")]
    if not lines:
        return False
    delimiter = sniff_delimiter("\n".join(lines))
    rows = _rows("\n".join(lines), delimiter)
    good = sum(1 for r in rows if len(r) >= 2 and r[0].strip() and r[1].strip())
    return good * 10 >= len(lines) * 8


def _header(text: str) -> tuple[str | None, str]:
    """Anki's ``#key:value`` lines at the top: the separator they name and the rest of the text."""
    lines = text.splitlines(keepends=True)
    delimiter: str | None = None
    start = 0
    for start, line in enumerate(lines):  # noqa: B007 - start is read after the loop
        m = _ANKI_HEADER.match(line.rstrip("\r\n"))
        if not m:
            break
        if m.group(1).strip().lower() == "separator":
            value = m.group(2).strip()
            delimiter = _SEPARATOR_NAMES.get(value.lower(), value[:1] or None)
    else:
        start = len(lines)
    return delimiter, "".join(lines[start:])


def import_tabular(text: str, note: str, stem: str) -> Imported:
    """A deck from a CSV/TSV table; raises :class:`NoteError` when no row is a card."""
    delimiter, body = _header(text)
    delimiter = delimiter or sniff_delimiter(body)
    drafts: list[Draft] = []
    skipped: list[str] = []
    for number, row in enumerate(_rows(body, delimiter), start=1):
        cells = [strip_html(cell) for cell in row]
        if not any(cells):
            continue
        if number == 1 and len(cells) >= 2 and cells[0].lower() in _TERM_HEADERS \
                and cells[1].lower() in _DEFINITION_HEADERS:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            skipped.append(f"row {number}: {cells[0] or '(no term)'}")
            continue
        drafts.append(Draft(name=cells[0], definition=cells[1]))
    return build_deck(drafts, deck_id=slugify(stem, "deck", DECK_ID_MAX), title=title_from_stem(stem), note=note,
                      skipped=tuple(skipped))
