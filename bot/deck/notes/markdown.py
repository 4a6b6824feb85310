"""Markdown notes (with Jekyll front matter) to a deck.

A small line-based reader, not a full CommonMark parser: it only needs to find
headings (ATX and setext), paragraphs (and the bold term that may open them), list items, quotes,
pipe tables, definition lists (``Term`` then ``: definition``) and fenced code,
which is all :mod:`bot.deck.notes.outline` looks at. Fenced code is never read
as headings or lists. A glossary table's rows and a definition list's entries
become list items led by their term; lists of ``[A](#a)`` anchor links (a table
of contents) are navigation and are dropped. Front matter is read with
``yaml.safe_load`` and only ``title``, ``summary``/``description`` and ``tags``
are used; broken front matter is ignored rather than fatal (it is the note's
metadata, not its content).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from bot.deck.notes import tables
from bot.deck.notes.draft import Imported, clean_markdown, slugify
from bot.deck.notes.inline import join_items
from bot.deck.notes.outline import (
    Block,
    BlockKind,
    Outline,
    Section,
    deck_from_outline,
)

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_HEADING_ATTRIBUTES = re.compile(r"\s*\{[#.][^{}]*\}\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*)|[ \t]*$)")
_QUOTE = re.compile(r"^ {0,3}>[ ]?(.*)$")
_ATTRIBUTES = re.compile(r"^\s*\{:.*\}\s*$")
_LEAD = re.compile(r"^(\*\*|__)(?P<lead>[^*_].*?)\1(?P<rest>.*)$", re.DOTALL)
_ANCHORS_ONLY = re.compile(r"^(?:[\s,;|·•*-]*\[[^\]]+\]\(#[^)\s]*\))+[\s,;|·•.]*$")
_NEXT_DEFINITION = "\x1e"
_DEFINITION = re.compile(r"^ {0,3}:[ \t]+(.*)$")
_LINK_ONLY = re.compile(
    r"^(?:[A-Za-z ]{1,20}:\s*)?(?:<(?P<a>https?://[^>\s]+)>|\[[^\]]*\]\((?P<b>https?://[^)\s]+)\)"
    r"|(?P<c>https?://\S+))$")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Front matter as a dict (empty when absent or not a mapping) and the rest of the text."""
    m = re.match(r"^---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|$)", text, re.DOTALL)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        data = None
    return (data if isinstance(data, dict) else {}), text[m.end():]


class _Reader:
    def __init__(self) -> None:
        self.sections: list[Section] = [Section(heading="", level=0)]
        self.kind: BlockKind | None = None
        self.lines: list[str] = []
        self.depth = 0
        self.prefix = ""
        self.term = ""
        """The term of a definition-list entry being read ('' otherwise)."""

    @property
    def blocks(self) -> list[Block]:
        return self.sections[-1].blocks

    def open(self, kind: BlockKind, line: str, depth: int = 0, prefix: str = "", term: str = "") -> None:
        self.flush()
        self.kind, self.lines, self.depth, self.prefix, self.term = kind, [line], depth, prefix, term

    def definition(self, text: str) -> bool:
        """A ``: definition`` line: its term is the one-line paragraph just read (or just
        flushed), or the entry it adds to. False when there is no term to attach it to."""
        if self.kind == "item" and self.term:
            self.lines.append(_NEXT_DEFINITION + text)
            return True
        if self.kind == "para" and len(self.lines) == 1:
            term, self.kind = clean_markdown(self.lines[0]), None
        elif self.kind is None and self.blocks and self.blocks[-1].kind == "para" and not self.blocks[-1].lead \
                and len(self.blocks[-1].text.split()) <= tables.MAX_TERM_WORDS:
            term = self.blocks.pop().text
        else:
            return False
        self.open("item", text, term=term)
        return True

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        """A pipe table: glossary rows become items led by their term; other rows stay text."""
        self.flush()
        columns = tables.glossary_columns(header, rows)
        for row in rows:
            if columns is not None:
                t, d = columns
                term = clean_markdown(row[t]) if t < len(row) else ""
                text = clean_markdown(row[d]) if d < len(row) else ""
                self.blocks.append(Block("item", text, lead=term))
            elif text := ", ".join(c for c in (clean_markdown(cell) for cell in row) if c):
                self.blocks.append(Block("para", text))

    def flush(self) -> None:
        if self.kind is None:
            return
        raw = "\n".join(self.lines).strip()
        kind, self.kind = self.kind, None
        if kind in ("para", "item") and _ANCHORS_ONLY.match(raw):
            return  # a table of contents: links to this note's own headings
        if self.term:
            term, self.term = self.term, ""
            text = join_items(clean_markdown(part) for part in raw.split(_NEXT_DEFINITION))
            self.blocks.append(Block("item", text, lead=term))
            return
        if kind == "code":
            if raw:
                self.blocks.append(Block("code", raw))
            return
        link = _LINK_ONLY.match(raw)
        if link:
            self.blocks.append(Block("link", link.group("a") or link.group("b") or link.group("c")))
            return
        lead = ""
        m = _LEAD.match(raw) if kind in ("para", "item") else None
        if m:
            lead, raw = clean_markdown(m.group("lead")), m.group("rest")
        text = clean_markdown(raw)
        if self.prefix and text:
            text = f"{self.prefix} {text}"
        if text or lead:
            self.blocks.append(Block(kind, text, lead=lead, depth=self.depth))

    def heading(self, level: int, text: str) -> None:
        self.flush()
        text = _HEADING_ATTRIBUTES.sub("", text)  # pandoc's {#id .class number="1.1"}
        self.sections.append(Section(heading=clean_markdown(text), level=level))


def parse_markdown(text: str) -> Outline:
    """Read a Markdown note into an :class:`Outline`."""
    meta, body = split_front_matter(text)
    r = _Reader()
    fence = ""
    blank = False
    lines = body.splitlines()
    index = -1
    while index + 1 < len(lines):
        index += 1
        raw = lines[index]
        line = raw.expandtabs(4)
        if fence:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                r.flush()
                fence = ""
            else:
                r.lines.append(raw)
            continue
        m = _FENCE.match(line)
        if m:
            r.open("code", "")
            r.lines = []
            fence = m.group(1)
            continue
        if not line.strip():
            if r.kind in ("para", "quote"):
                r.flush()
            blank = True
            continue
        indent = len(line) - len(line.lstrip())
        if (m := _SETEXT.match(line)) and r.kind == "para" and len(r.lines) == 1 and not blank:
            text, r.kind = r.lines[0], None
            r.heading(1 if m.group(1).startswith("=") else 2, text)
            continue
        if _ATTRIBUTES.match(line) or _HR.match(line):
            continue
        if (tables.is_row(line) and index + 1 < len(lines) and tables.is_delimiter_row(lines[index + 1])
                and r.kind != "code"):
            end = index + 2
            while end < len(lines) and lines[end].strip() and tables.is_row(lines[end]):
                end += 1
            r.table(tables.cells(line), [tables.cells(row) for row in lines[index + 2:end]])
            index, blank = end - 1, False
            continue
        if (m := _DEFINITION.match(line)) and r.definition(m.group(1).strip()):
            blank = False
            continue
        if (m := _ATX.match(line)) and (m.group(2) or "").strip():
            r.heading(len(m.group(1)), m.group(2))
        elif m := _QUOTE.match(line):
            if r.kind == "quote" and not blank:
                r.lines.append(m.group(1))
            else:
                r.open("quote", m.group(1))
        elif m := _ITEM.match(line):
            marker = m.group(2)
            r.open("item", m.group(3) or "", depth=len(m.group(1)),
                   prefix=marker if marker[0].isdigit() else "")
        elif (r.kind == "item" and (not blank or indent >= 2)) or (r.kind in ("para", "quote") and not blank):
            r.lines.append(line.strip())  # continuation: lazy, or indented under a list item
        else:
            r.open("para", line.strip())
        blank = False
    r.flush()
    return Outline(
        sections=r.sections,
        title=_text(meta.get("title")),
        description=_text(meta.get("summary") or meta.get("description")),
        tags=_tags(meta.get("tags")),
    )


def _text(value: object) -> str:
    return clean_markdown(str(value)) if isinstance(value, str | int | float) else ""


def _tags(value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list) else re.split(r"[,\s]+", value) if isinstance(value, str) else []
    tags: list[str] = []
    for item in items:
        tag = slugify(str(item), fallback="")
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def import_markdown(text: str, note: str, stem: str) -> Imported:
    """A deck from a Markdown note; raises :class:`NoteError` when it holds no card."""
    outline = parse_markdown(text)
    return deck_from_outline(outline, note, stem, description=outline.description, tags=outline.tags)
