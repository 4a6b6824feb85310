"""From raw names and text to valid cards: the rules every importer shares.

Importers only find *drafts* (a name as written, its text, where it came
from); this module turns them into a :class:`Deck` that passes
:func:`bot.deck.load.load_deck_text`. Keeping the rules in one place means a
Markdown heading, an HTML heading, a CSV row and a trivia answer all split
``NMS (non-maximum suppression)`` and slug ids the same way.

Guarantees of :func:`build_deck`:
- card ids are lowercase slugs, unique within the deck;
- no term or alias is claimed by two cards, so the deck loads; distinct entries
  are never merged: a later draft whose short term clashes keeps its full name
  ("Bias (ML)" beside "Bias"), only an identical name is merged into the
  earlier card, and every merge is a line in :attr:`Imported.combined`;
- a suffix shared by every name (" - definition", " (ML)") and section numbers
  ("1.1 ") are taken off before names are split; step labels ("s1:") and
  placeholder definitions ("TODO") are not cards and are reported;
- every card has a non-empty term and definition; drafts without text are
  listed in :attr:`Imported.skipped`, never dropped silently;
- every card's ``source.text_hash`` is the :func:`fingerprint` of its definition
  (the note text it was drafted from), for :mod:`.merge` to detect changes.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field, replace

from bot.deck.lint_rules import is_placeholder
from bot.deck.model import CARD_ID_MAX, Card, Deck, Question, Source
from bot.deck.notes.inline import join_items, render_scripts
from bot.deck.notes.names import is_step_label, shared_suffix, strip_section_number, strip_suffix
from bot.deck.text import match_key, strip_accents


class NoteError(Exception):
    """A note that cannot be imported; the message is one line for the user."""


@dataclass(frozen=True)
class Draft:
    """One would-be card as an importer found it."""

    name: str
    """The name as written: ``NMS (non-maximum suppression)``; split by :func:`split_name`."""
    definition: str
    heading: str = ""
    links: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    """Extra names beyond those found in ``name`` (trivia answers)."""
    questions: tuple[Question, ...] = ()
    split: bool = True
    """False when ``name`` is an answer to keep verbatim, not a heading to split."""
    within: tuple[str, ...] = ()
    """Headings of the sections enclosing ``heading``, outermost first (not the note's title)."""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Imported:
    """A deck built from one note, with what the user should hear about."""

    deck: Deck
    skipped: tuple[str, ...] = ()
    """Names found without any text (not cards), e.g. an empty heading."""
    combined: tuple[str, ...] = field(default=())
    """One line per merge: a name that repeated an earlier card's name, and what became of it."""
    placeholders: tuple[str, ...] = ()
    """Names whose definition was a placeholder ("TODO", "Be the first to contribute!"): not cards."""
    not_cards: tuple[str, ...] = ()
    """What looked like a name but is not a term, with why: step labels, tables of contents."""
    kept_apart: tuple[str, ...] = ()
    """One line per name kept under its full form because its short form was another card's."""
    suffix: str = ""
    """The suffix every name shared, taken off (``' - definition'``), or ''."""


# --- text cleaning ----------------------------------------------------------

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_MATH_SPAN = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.DOTALL)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|[^@>\s]+@[^@>\s]+)>")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_PLACEHOLDER = "\x00{}\x00"


FINGERPRINT_LEN = 12


def fingerprint(text: str) -> str:
    """A short hash of note text, blind to whitespace: what ``source.text_hash`` records,
    so a re-import can tell whether the text behind a card changed."""
    return hashlib.sha256(collapse(text).encode("utf-8")).hexdigest()[:FINGERPRINT_LEN]


def collapse(text: str) -> str:
    """Control characters removed, every run of whitespace one space, trimmed."""
    return _SPACES.sub(" ", _CONTROL.sub("", text)).strip()


def inline_code(code: str) -> str:
    """Code as one line of inline code: ``x = 1`` -> ``\\`x = 1\\```."""
    code = collapse(code)
    if not code:
        return ""
    fence = "``" if "`" in code else "`"
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def strip_html(text: str) -> str:
    """Tags removed (sub/superscripts made readable), entities decoded (CSV fields exported
    by Anki carry HTML)."""
    return collapse(html.unescape(_TAG.sub(" ", render_scripts(text))))


def clean_markdown(text: str) -> str:
    """Inline Markdown to plain text for a definition.

    Links become their text, images go, emphasis markers go, inline HTML tags
    go; code spans and ``$math$`` are kept exactly (so ``*`` in code or math is
    never read as emphasis). The result is one line.
    """
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return _PLACEHOLDER.format(len(kept) - 1)

    text = _CODE_SPAN.sub(lambda m: keep(inline_code(m.group(2))), text)
    text = _MATH_SPAN.sub(lambda m: keep(m.group(0)), text)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1).strip() else m.group(2), text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(lambda m: keep(m.group(1)), text)
    text = _TAG.sub(" ", render_scripts(text))
    for pattern in (_BOLD, _ITALIC, _STRIKE):
        text = pattern.sub(lambda m: m.group(m.lastindex or 0), text)
    text = html.unescape(text)
    text = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], text)
    return collapse(text)


# --- names ------------------------------------------------------------------

_PAREN = re.compile(r"^(?P<a>.+?)\s*\((?P<b>[^()]+)\)\s*$")
_OTHER_NAME = re.compile(r"^(?:or|aka|a\.k\.a\.?|also(?: called| known as)?|also:)\s+(?P<names>.+)$", re.IGNORECASE)
_DASH = re.compile(r"^(?P<a>.+?)\s+[-–—]{1,2}\s+(?P<b>.+)$")
_WORD = re.compile(r"[A-Za-z0-9]+")


def looks_like_acronym(name: str) -> bool:
    """``MAC``, ``mAP``, ``R-CNN``: one short token, mostly capitals."""
    if not 2 <= len(name) <= 10 or " " in name or not re.fullmatch(r"[A-Za-z0-9-]+", name):
        return False
    letters = [c for c in name if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 and upper * 2 >= len(letters)


def abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` is an abbreviation of ``long`` (Schwartz & Hearst, 2003).

    The letters of ``short`` must appear in order in ``long``, its first letter
    at the start of a word: ``NMS`` / ``non-maximum suppression``, ``mAP`` /
    ``mean average precision``; ``CNNs`` / ``Transfer Learning`` is not.
    """
    chars = [c.lower() for c in short if c.isalnum()]
    words = _WORD.findall(long)
    if " " in short.strip() or not 2 <= len(chars) <= 10 or len(short) >= len(long):
        return False
    if len(words) < 2 or len(words) > len(chars) + 3:
        return False
    text = long.lower()
    s, pos = len(chars) - 1, len(text) - 1
    while s >= 0:
        c = chars[s]
        while pos >= 0 and (text[pos] != c or (s == 0 and pos > 0 and text[pos - 1].isalnum())):
            pos -= 1
        if pos < 0:
            return False
        pos -= 1
        s -= 1
    return True


def _shares_word(a: str, b: str) -> bool:
    words_a = {w for w in match_key(a).split() if len(w) >= 3}
    return bool(words_a & {w for w in match_key(b).split() if len(w) >= 3})


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def split_name(name: str) -> tuple[str, tuple[str, ...]]:
    """Split a written name into ``(term, aliases)``.

    - ``X (Y)`` and ``X - Y``: when one side abbreviates the other, the
      expansion is the term and the abbreviation the alias
      (``NMS (non-maximum suppression)`` -> ``Non-maximum suppression`` + ``NMS``);
      when Y is a short restatement sharing a word with X, Y is an alias
      (``Cross-Entropy Loss (log loss)``).
    - ``X - Y`` with Y an acronym (``Max Pooling - MAC``) gives alias Y.
    - ``X (or Y)``, ``X (aka Y)``: Y is an alias (``X (or Y, Z)``: both).
    - ``X (ACR)`` with ACR an acronym starting with X's first letter gives alias
      ACR even when its letters do not spell X (the id comes from X);
      ``Transfer Learning (CNNs)`` stays a qualifier.
    - A leading section number goes (``1.1 Gradient descent`` -> ``Gradient descent``).
    - Any other ``(…)`` is a qualifier and is dropped from the term
      (``Mixup (Data augmentation technique)`` -> ``Mixup``); any other
      ``X - Y`` stays whole (``Tensor Sizes - PyTorch``).
    """
    name = strip_section_number(collapse(name)).strip(" :-–—")
    paren = _PAREN.match(name)
    other = _OTHER_NAME.match(paren.group("b").strip()) if paren else None
    if paren and other:
        names = [n.strip(" .,;") for n in re.split(r",|\s+or\s+", other.group("names"))]
        return paren.group("a").strip(" :-–—"), tuple(n for n in names if n)
    for pattern, is_paren in ((_PAREN, True), (_DASH, False)):
        m = pattern.match(name)
        if not m:
            continue
        a, b = m.group("a").strip(" :-–—"), m.group("b").strip(" :-–—")
        if not a or not b:
            continue
        if abbreviates(a, b):
            return _capitalised(b), (a,)
        if abbreviates(b, a):
            return a, (b,)
        if not is_paren and looks_like_acronym(a) and not looks_like_acronym(b):
            return b, (a,)
        if not is_paren and looks_like_acronym(b):
            return a, (b,)
        if looks_like_acronym(b) and not looks_like_acronym(a) and b[0].lower() == a[0].lower():
            return a, (b,)
        if len(b.split()) <= 4 and "," not in b and _shares_word(a, b):
            return a, (b,)
        if is_paren:
            return a, ()
        return name, ()
    return name, ()


def slugify(text: str, fallback: str = "card", max_len: int = CARD_ID_MAX) -> str:
    """``Non-maximum suppression`` -> ``non-maximum-suppression``; never empty, at most
    ``max_len`` characters (card ids by default; pass :data:`DECK_ID_MAX` for a deck id)."""
    slug = re.sub(r"[^a-z0-9]+", "-", strip_accents(text).lower()).strip("-")
    return slug[:max_len].rstrip("-") or fallback


def unique_id(base: str, taken: set[str], max_len: int = CARD_ID_MAX) -> str:
    """``base``, else ``base-2``, ``base-3``…: the first one not in ``taken`` (which is updated).

    ``base`` is cut to make room for the suffix, so the id stays within ``max_len``.
    """
    candidate, n = base[:max_len].rstrip("-"), 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate, n = f"{base[:max_len - len(suffix)].rstrip('-')}{suffix}", n + 1
    taken.add(candidate)
    return candidate


def title_from_stem(stem: str) -> str:
    """``dl-basics`` -> ``Dl Basics``: a placeholder title a reviewer will improve."""
    words = re.split(r"[-_\s]+", stem.strip())
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "Imported notes"


# --- deck -------------------------------------------------------------------


def build_deck(
    drafts: list[Draft],
    *,
    deck_id: str,
    title: str,
    note: str,
    description: str = "",
    tags: tuple[str, ...] = (),
    skipped: tuple[str, ...] = (),
    not_cards: tuple[str, ...] = (),
) -> Imported:
    """Turn drafts into a valid deck (see the module doc). Raises :class:`NoteError` when no card results."""
    cards: list[Card] = []
    written: list[str] = []  # the name each card was drafted from, for telling repeats from clashes
    owner: dict[str, int] = {}
    ids: set[str] = set()
    skipped_names = list(skipped)
    report = _Report(not_cards=list(not_cards))
    suffix = shared_suffix([collapse(d.name) for d in drafts if d.split])
    for draft in drafts:
        definition = collapse(draft.definition)
        written_name = collapse(draft.name)
        name = strip_suffix(written_name, suffix) if draft.split else written_name
        if draft.split and is_step_label(name):
            report.not_cards.append(f"{written_name} (a step label, not a term)")
            continue
        term, aliases = split_name(name) if draft.split else (name, ())
        if not term or not (definition or draft.questions):
            skipped_names.append(written_name or draft.heading)
            continue
        if is_placeholder(definition) and not draft.questions:
            report.placeholders.append(f"{written_name} ({definition!r})")
            continue
        definition = definition or collapse(draft.questions[0].ask)
        claimed = owner.get(match_key(term))
        if claimed is not None and match_key(name) != match_key(written[claimed]) and draft.split:
            full = strip_section_number(name)
            if owner.get(match_key(full)) is None:
                report.kept_apart.append(f"{full!r} kept as its own card: {term!r} is already card "
                                         f"{cards[claimed].id!r} (from {written[claimed]!r})")
                term, aliases, claimed = full, (), None
        if claimed is not None:
            cards[claimed] = _merged(cards[claimed], draft, definition)
            if draft.questions:
                report.combined.append(f"{written_name!r} answers more than one question: kept as separate "
                                       f"questions of card {cards[claimed].id!r} (a term belongs to one card)")
            else:
                report.combined.append(f"{written_name!r} repeats the name of card {cards[claimed].id!r}: "
                                       "its text was added to that card's definition")
            continue
        own = {match_key(term)}
        kept: list[str] = []
        for alias in (*aliases, *draft.aliases):
            alias = collapse(alias)
            key = match_key(alias)
            if alias and key and key not in own and key not in owner:
                own.add(key)
                kept.append(alias)
        index = len(cards)
        for key in own:
            owner[key] = index
        written.append(name)
        cards.append(Card(
            id=unique_id(slugify(term), ids),
            term=term,
            definition=definition,
            aliases=tuple(kept),
            source=Source(note=note, heading=collapse(draft.heading),
                          within=tuple(collapse(h) for h in draft.within if collapse(h))),
            links=_union((), draft.links),
            tags=_union((), draft.tags),
            questions=draft.questions,
        ))
    if not cards:
        raise NoteError("no cards found (no heading, bold term or term/definition pair with text)")
    cards = [replace(card, source=replace(card.source, text_hash=fingerprint(card.definition))) for card in cards]
    deck = Deck(id=deck_id, title=title or title_from_stem(deck_id), cards=tuple(cards),
                description=description, source=note, tags=tags)
    return Imported(deck=deck, skipped=tuple(s for s in skipped_names if s), combined=tuple(report.combined),
                    placeholders=tuple(report.placeholders), not_cards=tuple(report.not_cards),
                    kept_apart=tuple(report.kept_apart), suffix=suffix)


@dataclass
class _Report:
    combined: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)
    not_cards: list[str] = field(default_factory=list)
    kept_apart: list[str] = field(default_factory=list)


def _merged(earlier: Card, draft: Draft, definition: str) -> Card:
    """``earlier`` with a repeat of its name folded in: a question is added as its own
    question (the definition stays the first one's), note text is appended as a new item."""
    if draft.questions or definition in earlier.definition:
        text = earlier.definition
    else:
        text = join_items((earlier.definition, definition))
    return replace(
        earlier,
        definition=text,
        links=_union(earlier.links, draft.links),
        tags=_union(earlier.tags, draft.tags),
        questions=earlier.questions + draft.questions,
    )


def _union(first: tuple[str, ...], more: tuple[str, ...]) -> tuple[str, ...]:
    out = list(first)
    for item in more:
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return tuple(out)
