"""Which parts of a note are cards: the rules shared by the Markdown and HTML importers.

Both importers reduce a document to an :class:`Outline` (sections of typed
blocks) and this module decides what becomes a card, so a note reads the same
whether it was written in Markdown or exported to HTML:

- every heading with text of its own is a card; the text is its definition;
- a section whose paragraphs all open with a **bold term** is a glossary:
  each bold term is a card, and lists or code after it belong to it;
- a list of two or more ``Term: definition`` items is a glossary too;
- the document title (front matter, ``<title>``, or the one top-level heading
  that opens the note) names the deck and is not a card;
- a block that is only a URL (``source: https://…``) goes to the card's links.

Headings without text that are not groups of other cards are reported as
skipped, so an empty ``## Focal loss`` is visible to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.deck.model import DECK_ID_MAX
from bot.deck.notes.draft import Draft, Imported, build_deck, inline_code, slugify
from bot.deck.notes.inline import join_items
from bot.deck.notes.names import is_step_label, is_toc_heading
from bot.deck.text import match_key

BlockKind = Literal["para", "item", "code", "quote", "link"]

_LABELS = frozenset({
    "source", "sources", "paper", "papers", "ref", "refs", "reference", "references", "link",
    "links", "see", "see also", "url", "video", "note", "notes", "e.g", "eg", "example", "http",
    "https",
})
_ITEM_TERM = re.compile(r"^(?P<term>[^:]{1,80}?)\s*:(?!//)\s*(?P<rest>.*)$", re.DOTALL)
MAX_TERM_WORDS = 8


@dataclass
class Block:
    """A paragraph, list item, code block, quote or bare link, its inline markup cleaned."""

    kind: BlockKind
    text: str
    lead: str = ""
    """The bold term that opens a paragraph or list item ('' if none)."""
    depth: int = 0
    """Nesting of a list item (0 = top level)."""


@dataclass
class Section:
    """A heading (``''`` before the first one) and the blocks up to the next heading."""

    heading: str
    level: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Outline:
    """A parsed note: its sections and what it says about itself."""

    sections: list[Section]
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()


def block_text(block: Block) -> str:
    """The text a block contributes to a definition."""
    if block.kind == "code":
        return inline_code(block.text)
    if block.lead and block.text[:1] in (":", ",", ".", ";", ")"):
        return f"{block.lead}{block.text}"
    if block.lead:
        return f"{block.lead} {block.text}".strip()
    return block.text


def _item_term(block: Block) -> tuple[str, str] | None:
    """``Tokenization: Split text…`` -> (term, definition); None when the item is not a term."""
    if block.lead:
        term, rest = block.lead.rstrip(":").strip(), block.text.lstrip(" :-–—").strip()
    else:
        m = _ITEM_TERM.match(block.text)
        if not m:
            return None
        term, rest = m.group("term").strip(), m.group("rest").strip()
    if (not term or len(term.split()) > MAX_TERM_WORDS or term.lower().rstrip(".") in _LABELS
            or re.search(r"[.!?;]\s|https?:|`", term) or is_step_label(term)):
        return None
    return term, rest


class _Collector:
    """Accumulates the drafts of one section."""

    def __init__(self, heading: str) -> None:
        self.heading = heading
        self.drafts: list[Draft] = []
        self.own_text: list[str] = []
        self.own_links: list[str] = []

    def add(self, name: str, parts: list[str], links: list[str]) -> None:
        self.drafts.append(Draft(name=name, definition=join_items(parts), heading=self.heading or name,
                                 links=tuple(links)))


def _bold_glossary(blocks: list[Block]) -> bool:
    content = [b for b in blocks if b.kind != "link"]
    return bool(content) and content[0].kind == "para" and bool(content[0].lead) and all(
        b.lead for b in content if b.kind == "para")


def _section_drafts(section: Section, out: _Collector) -> None:
    blocks = section.blocks
    if _bold_glossary(blocks):
        name, parts, links = "", list[str](), list[str]()
        for block in blocks:
            if block.kind == "para":
                if name:
                    out.add(name, parts, links)
                name, parts, links = block.lead.rstrip(":").strip(), [block.text.lstrip(" :-–—")], []
            elif block.kind == "link":
                links.append(block.text)
            else:
                parts.append(block_text(block))
        out.add(name, parts, links)
        return
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "link":
            out.own_links.append(block.text)
            i += 1
            continue
        if block.kind != "item":
            out.own_text.append(block_text(block))
            i += 1
            continue
        j = i
        while j < len(blocks) and blocks[j].kind == "item" and blocks[j].depth >= block.depth:
            j += 1
        run = blocks[i:j]
        top = [b for b in run if b.depth == block.depth]
        terms = [_item_term(b) for b in top]
        if len(top) >= 2 and all(terms):
            name, parts = "", []
            for item in run:
                if item.depth == block.depth:
                    if name:
                        out.add(name, parts, [])
                    found = _item_term(item)
                    assert found is not None
                    name, parts = found[0], [found[1]]
                else:
                    parts.append(block_text(item))
            out.add(name, parts, [])
        else:
            out.own_text.append(join_items(block_text(b) for b in run))
        i = j


def drafts_from_outline(outline: Outline, title_section: int | None) -> tuple[list[Draft], list[str], list[str]]:
    """Every draft of the note, in reading order, the headings skipped for lack of text, and
    the headings that are not cards (with why): a heading over a glossary of two or more
    terms is a group, its own text an introduction, not a definition.

    ``title_section`` is the index of the section whose heading is the deck
    title (its glossary terms still become cards, its heading does not). Each
    draft knows the headings of the sections enclosing its own (``within``;
    the title is not one of them).
    """
    drafts: list[Draft] = []
    skipped: list[str] = []
    groups: list[str] = []
    sections = outline.sections
    enclosing: list[tuple[int, str]] = []
    for index, section in enumerate(sections):
        while enclosing and enclosing[-1][0] >= section.level:
            enclosing.pop()
        within = tuple(heading for _, heading in enclosing)
        if section.heading and index != title_section:
            enclosing.append((section.level, section.heading))
        if is_toc_heading(section.heading) and not any(b.lead for b in section.blocks):
            continue  # navigation: the parser already dropped its anchor links
        if not section.blocks and outline.title and match_key(section.heading) == match_key(outline.title):
            continue  # the document title repeated as a heading (pandoc's title block)
        out = _Collector(section.heading)
        _section_drafts(section, out)
        is_heading_card = bool(section.heading) and index != title_section
        if is_heading_card and out.own_text and len(out.drafts) >= 2:
            groups.append(f"{section.heading} (the heading of a glossary; its text introduces the terms)")
        elif is_heading_card and out.own_text:
            drafts.append(Draft(name=section.heading, definition=join_items(out.own_text),
                                heading=section.heading, links=tuple(out.own_links), within=within))
        elif is_heading_card:
            has_children = index + 1 < len(sections) and sections[index + 1].level > section.level
            if not out.drafts and not has_children:
                skipped.append(section.heading)
        drafts.extend(replace(draft, within=within) for draft in out.drafts)
    return drafts, skipped, groups


def title_section(outline: Outline) -> int | None:
    """The section whose heading is the title: the only level-1 heading, when it opens the note."""
    top = [i for i, s in enumerate(outline.sections) if s.level == 1]
    first = next((i for i, s in enumerate(outline.sections) if s.heading), None)
    if len(top) == 1 and top[0] == first:
        return top[0]
    return None


def deck_from_outline(outline: Outline, note: str, stem: str, *, description: str = "",
                      tags: tuple[str, ...] = ()) -> Imported:
    """The draft deck of an outline, whichever format it was read from.
    Raises :class:`NoteError` when it holds no card."""
    title_index = title_section(outline)
    drafts, skipped, groups = drafts_from_outline(outline, title_index)
    title = outline.title or (outline.sections[title_index].heading if title_index is not None else "")
    return build_deck(drafts, deck_id=slugify(stem, "deck", DECK_ID_MAX), title=title, note=note,
                      description=description, tags=tags, skipped=tuple(skipped), not_cards=tuple(groups))
