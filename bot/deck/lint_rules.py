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
from bot.deck.problems import quote

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


_EDGE = ".,;:!?()[]{}\"'"
"""Punctuation that may cling to a word: it ends a run of terms (a separator), never a match."""


class _Terms:
    """Every card's term as lowercase words, by first word: a definition is scanned once, word by
    word, so a deck of 10,000 cards costs 10,000 short scans, not one regex of 10,000 terms."""

    def __init__(self, deck: Deck) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for term in {c.term.strip() for c in deck.cards if c.term.strip()}:
            words = tuple(term.casefold().split())
            self.by_first.setdefault(words[0], []).append(words)
        for options in self.by_first.values():
            options.sort(key=len, reverse=True)
        self.size = sum(len(options) for options in self.by_first.values())

    def longest_at(self, cores: list[str], i: int, clean: list[bool]) -> int:
        """The word count of the longest term starting at word ``i`` (0 for none); a term's
        inner words carry no punctuation."""
        for words in self.by_first.get(cores[i], ()):
            k = len(words)
            if tuple(cores[i:i + k]) == words and all(clean[i:i + k - 1]):
                return k
        return 0


def _term_index(deck: Deck) -> _Terms | None:
    terms = _Terms(deck)
    return terms if terms.size >= GLUED_RUN else None


def glued_terms(card: Card, terms: _Terms | None) -> list[str]:
    """The longest run of other cards' terms that follow each other with only spaces between
    (a comma, "and" or any other word between two terms breaks the run)."""
    if terms is None:
        return []
    own = tuple(card.term.strip().casefold().split())
    raw = card.definition.split()
    cores = [word.strip(_EDGE).casefold() for word in raw]
    leading = [word[:1] in _EDGE for word in raw]
    clean = [word[-1:] not in _EDGE for word in raw]  # no punctuation after it: a run may go on
    best: list[str] = []
    run: list[str] = []
    i = 0
    starts = terms.by_first
    while i < len(raw):
        k = terms.longest_at(cores, i, clean) if cores[i] in starts else 0
        if not k:
            run, i = [], i + 1
            continue
        if tuple(cores[i:i + k]) == own:
            run = []
        else:
            found = " ".join(word.strip(_EDGE) for word in raw[i:i + k])
            run = [*run, found] if run and not leading[i] else [found]
            if len(run) > len(best):
                best = list(run)
        if not clean[i + k - 1]:
            run = []
        i += k
    return best if len(best) >= GLUED_RUN else []


_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9\-]{1,7}$")


def weak_cards(deck: Deck, nodes: dict[str, yaml.Node], report: Report) -> None:
    """An acronym term without its expansion, a definition under 5 words, a card no question
    can be made from."""
    from bot.deck.generate import can_ask  # local: generation depends on the model only

    for index, card in enumerate(deck.cards):
        node = nodes.get(card.id)
        where = f"cards[{index}]"
        if _ACRONYM.match(card.term) and not any(len(a) > len(card.term) and " " in a for a in card.aliases):
            report(node, where, f"acronym term {quote(card.term)} has no expansion among its aliases")
        if len(card.definition.split()) < 5:
            report(node, f"{where}.definition", "definition is under 5 words; a question from it will be weak")
        if not can_ask(card, deck):
            report(node, where, "this card can produce no question")


def card_warnings(deck: Deck, nodes: dict[str, yaml.Node], report: Report) -> None:
    """Report this module's warnings for every card of ``deck`` (``nodes`` maps card id to its node)."""
    terms = _term_index(deck)
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
        if glued := glued_terms(card, terms):
            report(node, f"{where}.definition",
                   f"definition runs other cards' terms together ({' '.join(glued)}): a list whose items "
                   "lost their separators? Separate them with '; '")
        for field, text in (("term", card.term), ("definition", card.definition),
                            *((f"aliases[{i}]", a) for i, a in enumerate(card.aliases))):
            if markup := raw_markup(text):
                report(node, f"{where}.{field}", f"holds raw markup {markup!r}; write the text as it should read")
