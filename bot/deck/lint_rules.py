"""Warnings about cards that load but read like an import gone wrong.

These rules catch what a careless draft from notes leaves behind, so a
reviewer sees it before members do: a placeholder in place of a definition
("TODO", "Be the first to contribute!"), a list whose items were glued into
one run of other cards' terms, a section number left in a term
("1.1 Gradient descent"), and markup nobody rendered (``**bold**``,
``<sub>``). They are warnings, never errors: the deck still loads.

:func:`is_placeholder` is shared with the importer, which skips such
definitions, so lint and import agree on what a placeholder is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml

from bot.deck.model import Card, Deck
from bot.deck.text import match_key

Report = Callable[[yaml.Node | None, str, str], None]
"""``report(node, where, message)``: records one warning (see :func:`card_warnings`)."""

_PLACEHOLDER = re.compile(
    r"^\W*(?:todo|tbd|tba|tk|fixme|wip|n/?a|none|null|placeholder|\?+|\.{3}|…|-+|"
    r"(?:to be (?:written|added|done|defined|completed))|(?:coming soon)|(?:work in progress)|"
    r"(?:be the first to (?:contribute|add|write|edit)\b.*)|(?:(?:definition|description|text) (?:here|goes here))|"
    r"(?:lorem ipsum\b.*))\W*$",
    re.IGNORECASE,
)
_NUMBERED_TERM = re.compile(r"^\d+(?:\.\d+)*[.)]?\s+\S")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_MARKDOWN_MARKUP = re.compile(r"\*\*|__\S|\S__")
_CODE_OR_MATH = re.compile(r"(`+).+?\1|\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)
GLUED_RUN = 3
"""This many other cards' terms in a row, with nothing but spaces between them, is a glued list."""


def is_placeholder(definition: str) -> bool:
    """Whether a definition is a stand-in for text nobody wrote yet (empty counts)."""
    return not definition.strip() or bool(_PLACEHOLDER.match(definition.strip()))


def raw_markup(text: str) -> str:
    """The first piece of unrendered markup in ``text`` (``**``, ``<sub>``…), or ''.

    Code spans and ``$math$`` are exempt: markup there is the point.
    """
    text = _CODE_OR_MATH.sub(" ", text)
    if m := _HTML_TAG.search(text):
        return m.group(0)
    if m := _MARKDOWN_MARKUP.search(text):
        return m.group(0).strip() or "**"
    return ""


def _term_pattern(deck: Deck) -> re.Pattern[str] | None:
    terms = sorted({c.term.strip() for c in deck.cards if c.term.strip()}, key=len, reverse=True)
    if len(terms) < GLUED_RUN:
        return None
    alternatives = "|".join(r"\s+".join(map(re.escape, term.split())) for term in terms)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def glued_terms(card: Card, pattern: re.Pattern[str] | None) -> list[str]:
    """The longest run of other cards' terms that follow each other with only spaces between
    (a comma, "and" or any other word between two terms breaks the run)."""
    if pattern is None:
        return []
    own = match_key(card.term)
    text = card.definition
    best: list[str] = []
    run: list[str] = []
    end = -1
    for m in pattern.finditer(text):
        if match_key(m.group(0)) == own:
            run, end = [], -1
            continue
        if run and not text[end:m.start()].strip():
            run.append(m.group(0))
        else:
            run = [m.group(0)]
        end = m.end()
        if len(run) > len(best):
            best = list(run)
    return best if len(best) >= GLUED_RUN else []


def card_warnings(deck: Deck, nodes: dict[str, yaml.Node], report: Report) -> None:
    """Report this module's warnings for every card of ``deck`` (``nodes`` maps card id to its node)."""
    pattern = _term_pattern(deck)
    for index, card in enumerate(deck.cards):
        node = nodes.get(card.id)
        where = f"cards[{index}]"
        if is_placeholder(card.definition):
            report(node, f"{where}.definition",
                   f"definition {card.definition.strip()!r} is a placeholder, not a definition; "
                   "write one or remove the card")
        if _NUMBERED_TERM.match(card.term):
            report(node, f"{where}.term",
                   f"term {card.term!r} starts with a number; is it a section number left from the notes?")
        if glued := glued_terms(card, pattern):
            report(node, f"{where}.definition",
                   f"definition runs other cards' terms together ({' '.join(glued)}): a list whose items "
                   "lost their separators? Separate them with '; '")
        for field, text in (("term", card.term), ("definition", card.definition),
                            *((f"aliases[{i}]", a) for i, a in enumerate(card.aliases))):
            if markup := raw_markup(text):
                report(node, f"{where}.{field}", f"holds raw markup {markup!r}; write the text as it should read")
