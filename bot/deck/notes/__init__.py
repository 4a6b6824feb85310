"""Note importers: study notes and existing flashcard files to decks.

One module per format (:mod:`.markdown`, :mod:`.html`, :mod:`.tabular`,
:mod:`.red_trivia`), the shared card rules in :mod:`.draft` and
:mod:`.outline`, re-import in :mod:`.merge`, output in :mod:`.write`.

Guarantees: :func:`import_note` either returns a deck that
:func:`bot.deck.load.load_deck_text` accepts once written, or raises
:class:`NoteError` with a one-line message (binary, empty, undecodable,
unknown format, no cards). It never touches the file system.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Literal, get_args

from bot.deck.notes.draft import Imported, NoteError
from bot.deck.notes.html import import_html
from bot.deck.notes.markdown import import_markdown
from bot.deck.notes.red_trivia import compose, import_red_trivia, looks_like_trivia
from bot.deck.notes.tabular import import_tabular, looks_tabular

__all__ = ["FORMATS", "Format", "Imported", "NoteError", "decode", "detect_format", "import_note"]

Format = Literal["markdown", "html", "csv", "red-trivia"]
FORMATS: tuple[Format, ...] = get_args(Format)
MAX_NOTE_BYTES = 5_000_000

_BY_SUFFIX: dict[str, Format] = {
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".csv": "csv", ".tsv": "csv", ".tab": "csv",
    ".yaml": "red-trivia", ".yml": "red-trivia",
}
_IMPORTERS: dict[Format, Callable[[str, str, str], Imported]] = {
    "markdown": import_markdown,
    "html": import_html,
    "csv": import_tabular,
    "red-trivia": import_red_trivia,
}
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
_MARKDOWN_HINT = re.compile(r"^(?:---\s*$|#{1,6}\s+\S|\s{0,3}(?:\*\*|__)\S|\s{0,3}[-*+]\s+\S+.*:)", re.MULTILINE)


def decode(data: bytes) -> str:
    """The text of a note; raises :class:`NoteError` for empty, binary or non-UTF text."""
    if not data.strip():
        raise NoteError("the file is empty")
    if len(data) > MAX_NOTE_BYTES:
        raise NoteError(f"the file is larger than {MAX_NOTE_BYTES} bytes")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise NoteError("not valid UTF-16 text") from None
    if b"\x00" in data[:8192]:
        raise NoteError("this is a binary file, not notes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NoteError(f"not UTF-8 text (bad byte at offset {exc.start}); save the notes as UTF-8") from None
    if not text.strip():
        raise NoteError("the file is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(path: str | PurePath, data: bytes) -> Format:
    """The note format, from the file suffix, else from the content.

    ``.txt`` and unknown suffixes are sniffed: HTML markup, a trivia-shaped
    YAML mapping, tab/comma rows, or Markdown headings/bold terms. Raises
    :class:`NoteError` when the data is not text or the format cannot be told.
    """
    text = decode(data)
    suffix = PurePath(path).suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if _HTML_START.match(text):
        return "html"
    if suffix != ".txt":
        try:
            if looks_like_trivia(compose(text)):
                return "red-trivia"
        except NoteError:
            pass
    if looks_tabular(text) and not re.search(r"^#{1,6}\s", text, re.MULTILINE):
        return "csv"
    if _MARKDOWN_HINT.search(text):
        return "markdown"
    raise NoteError("cannot tell the format of this file; pass --format markdown|html|csv|red-trivia")


def import_note(path: str | PurePath, data: bytes, fmt: Format | Literal["auto"] = "auto") -> Imported:
    """A deck from one note file's bytes. The deck id is the slug of the file stem."""
    text = decode(data)
    chosen: Format = detect_format(path, data) if fmt == "auto" else fmt
    pure = PurePath(path)
    return _IMPORTERS[chosen](text, pure.as_posix(), pure.stem)
