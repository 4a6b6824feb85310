"""HTML exports of notes (StackEdit, Typora, Notion…) to a deck, with the stdlib parser.

:class:`html.parser.HTMLParser` is tolerant of unclosed tags and never fetches
anything, which is all an export needs. The document is reduced to the same
:class:`Outline` the Markdown importer builds, so both formats follow the
rules of :mod:`bot.deck.notes.outline`. Images, scripts, styles, the ``<head>``
(except ``<title>``) and tables of contents (``class="toc"``, or blocks that are only ``#anchor`` links) are dropped;
``<sub>``/``<sup>`` become readable text (``xᵢ``, ``x²``);
links keep their text; inline code stays inline code; a paragraph that is
only a link becomes a card link.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bot.deck.notes.draft import Imported, collapse, inline_code
from bot.deck.notes.inline import script
from bot.deck.notes.outline import (
    Block,
    BlockKind,
    Outline,
    Section,
    deck_from_outline,
)

_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BLOCKS = {"p", "li", "pre", "blockquote", "div", "dt", "dd", "tr", "table", "ul", "ol", "dl",
           "section", "article", "hr", "body", "main", "figure", "details", "summary"}
_SKIP = {"script", "style", "head", "template", "svg", "nav", "noscript"}
_SCRIPT_MARK = {"sub": "\x02", "sup": "\x03"}
_FOOTER = re.compile(r"^Written with \S+\.?$")
"""The line StackEdit adds to every export; it is not part of any note."""


def _only_anchor_links(text: str, anchors: list[tuple[str, str]]) -> bool:
    """Whether a block is nothing but links to ``#anchors`` on the same page (and separators)."""
    if not anchors or not all(href.startswith("#") for _, href in anchors):
        return False
    rest = text
    for anchor_text, _ in anchors:
        rest = rest.replace(anchor_text, "", 1)
    return not re.sub(r"[\s,;|·•.\d]+", "", rest)


class _OutlineParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[Section] = [Section(heading="", level=0)]
        self.title = ""
        self.buffer: list[str] = []
        self.lead: str | None = None
        self.lead_buffer: list[str] | None = None
        self.anchors: list[tuple[str, str]] = []
        self.href: str | None = None
        self.anchor_start = 0
        self.heading_level = 0
        self.in_title = False
        self.skip_tag = ""
        self.skip_depth = 0
        self.stack: list[str] = []
        self.pre = 0
        self.code = 0
        self.ol_counters: list[int] = []

    # -- state helpers --------------------------------------------------
    def _kind(self) -> BlockKind:
        if self.pre:
            return "code"
        for tag in reversed(self.stack):
            if tag == "li":
                return "item"
            if tag == "blockquote":
                return "quote"
        return "para"

    def _depth(self) -> int:
        return max(self.stack.count("ul") + self.stack.count("ol") - 1, 0)

    def flush(self) -> None:
        raw = "".join(self.buffer)
        kind = self._kind()
        text = raw.strip("\n") if kind == "code" else collapse(raw)
        lead, anchors = self.lead or "", self.anchors
        self.buffer, self.lead, self.lead_buffer, self.anchors = [], None, None, []
        if heading := self.heading_level:
            self.heading_level = 0
            title = collapse(lead + " " + text)
            if title:
                self.sections.append(Section(heading=title, level=heading))
            return
        if not text and not lead:
            return
        if _FOOTER.match(text):
            return
        if kind != "code" and _only_anchor_links(text, anchors):
            return  # a table of contents: links to this page's own headings
        if (kind != "code" and not lead and len(anchors) == 1 and anchors[0][0] == text
                and anchors[0][1].startswith(("http://", "https://"))):
            self.sections[-1].blocks.append(Block("link", anchors[0][1]))
            return
        if kind == "code":
            self.sections[-1].blocks.append(Block("code", text))
            return
        self.sections[-1].blocks.append(Block(kind, text, lead=lead,
                                              depth=self._depth()))

    # -- parser callbacks -----------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_tag:
            self.skip_depth += tag == self.skip_tag
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "title":
            self.in_title = True
            return
        if tag in _SKIP or "toc" in classes:
            if tag != "head":
                self.skip_tag, self.skip_depth = tag, 1
            return
        if tag == "dd" and self.lead:
            self.stack.append(tag)  # the text of a pending <dt> term: keep them in one block
        elif tag in _HEADINGS:
            self.flush()
            self.heading_level = _HEADINGS[tag]
        elif tag in _BLOCKS:
            self.flush()
            if tag in ("ul", "ol"):
                self.ol_counters.append(0 if tag == "ol" else -1)
            if tag != "hr":
                self.stack.append(tag)
            if tag == "pre":
                self.pre += 1
            if tag == "li" and self.ol_counters and self.ol_counters[-1] >= 0:
                self.ol_counters[-1] += 1
                self.buffer.append(f"{self.ol_counters[-1]}. ")
        elif tag == "br":
            self.buffer.append("\n")
        elif tag in ("strong", "b") and self.lead is None and not "".join(self.buffer).strip():
            self.lead_buffer = []
        elif tag == "code" and not self.pre:
            self.code += 1
            self.buffer.append("\x01")
        elif tag in _SCRIPT_MARK:
            self.buffer.append(_SCRIPT_MARK[tag])
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""
            self.anchor_start = len("".join(self.buffer))

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = ""
            return
        if tag == "title":
            self.in_title = False
        elif tag in _HEADINGS:
            self.flush()
        elif tag in _BLOCKS:
            if tag == "dt":
                self._end_term()
                return
            self.flush()
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            if tag in ("ul", "ol") and self.ol_counters:
                self.ol_counters.pop()
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)
        elif tag in ("strong", "b") and self.lead_buffer is not None:
            self.lead = collapse("".join(self.lead_buffer))
            self.lead_buffer = None
        elif tag == "code" and self.code:
            self.code -= 1
            self._close_code()
        elif tag in _SCRIPT_MARK:
            joined = "".join(self.buffer)
            start = joined.rfind(_SCRIPT_MARK[tag])
            if start >= 0:
                self.buffer = [joined[:start], script(joined[start + 1:], tag)]
        elif tag == "a" and self.href is not None:
            text = collapse("".join(self.buffer)[self.anchor_start:])
            self.anchors.append((text, self.href))
            self.href = None

    def _close_code(self) -> None:
        joined = "".join(self.buffer)
        start = joined.rfind("\x01")
        if start >= 0:
            self.buffer = [joined[:start], inline_code(joined[start + 1:])]

    def _end_term(self) -> None:
        """``<dt>Term</dt><dd>text</dd>``: the term becomes the lead of the next block."""
        term = collapse("".join(self.buffer))
        self.buffer, self.anchors = [], []
        if "dt" in self.stack:
            while self.stack and self.stack.pop() != "dt":
                pass
        self.lead = term or None

    def handle_data(self, data: str) -> None:
        if self.skip_tag:
            return
        if self.in_title:
            self.title += data
            return
        if self.lead_buffer is not None:
            self.lead_buffer.append(data)
            return
        self.buffer.append(data)


def parse_html(text: str) -> Outline:
    """Read an HTML note into an :class:`Outline`."""
    parser = _OutlineParser()
    parser.feed(text)
    parser.close()
    parser.flush()
    return Outline(sections=parser.sections, title=collapse(parser.title))


def import_html(text: str, note: str, stem: str) -> Imported:
    """A deck from an HTML note; raises :class:`NoteError` when it holds no card."""
    return deck_from_outline(parse_html(text), note, stem)
