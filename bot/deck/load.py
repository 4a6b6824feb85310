"""YAML deck files to :class:`Deck` values, with errors that point at file:line:column.

The file is *composed* into YAML nodes (never constructed into Python objects),
so a ``!!python/object`` tag is only ever reported, never executed. The node
tree keeps the position of every value, which is what lets an error say
``decks/x.yaml:41:5 cards[3].aliases: expected a list of strings, got 3``.

Guarantees:
- :func:`load_deck_text` returns a deck only when it has no error; every error
  found in the file is reported at once, not just the first.
- :func:`load_decks` never lets one broken deck stop the others.
- With a :class:`~bot.deck.cache.DeckCache`, a file whose exact bytes were loaded
  before (by this loader version) returns the stored result, equal to a fresh load.
- A problem quotes at most the offending token of the file (see :func:`~bot.deck.problems.quote`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.deck.cache import DeckCache
from bot.deck.files import MAX_FILE_BYTES, DeckFile, FileState, Unsettled, find_deck_files, read_deck_bytes
from bot.deck.gc_pause import gc_paused
from bot.deck.lint_rules import card_warnings, weak_cards
from bot.deck.model import (
    CARD_ID_MAX,
    DECK_ID_MAX,
    Card,
    ChoiceQuestion,
    Deck,
    Question,
    Source,
    TextQuestion,
)
from bot.deck.names import check_names, name_clashes
from bot.deck.problems import DeckError, LoadResult, Problem
from bot.deck.text import normalize
from bot.deck.walker import Walker, describe
from bot.deck.yaml_nodes import INT, MAX_DEPTH, STR, Refused, compose_nodes

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "DeckCache", "DeckError", "LoadResult", "Problem", "Unsettled",
           "deck_files", "find_deck_files", "load_deck_file", "load_deck_text", "load_decks", "name_clashes"]

TEXT_HASH = re.compile(r"[0-9a-f]{8,64}")
"""A card's ``source.text_hash``: lowercase hex (see :func:`bot.deck.notes.draft.fingerprint`)."""


# --- deck schema ----------------------------------------------------------

DECK_KEYS = ("deck", "title", "description", "source", "tags", "cards")
CARD_KEYS = (
    "id", "term", "aliases", "definition", "source", "links", "tags",
    "questions", "distractors", "from_notes",
)
QUESTION_KEYS = ("ask", "choices", "answer", "accept", "explain")
_CARD_KEY_SET = frozenset(CARD_KEYS)


def _question(w: Walker, node: yaml.Node, where: str) -> Question | None:
    fields = w.mapping(node, where, QUESTION_KEYS, required=("ask",))
    if fields is None:
        return None
    ask = w.string(fields["ask"], f"{where}.ask", required=True) if "ask" in fields else None
    explain = w.string(fields["explain"], f"{where}.explain") if "explain" in fields else ""
    has_choices, has_accept = "choices" in fields, "accept" in fields
    if has_choices == has_accept:
        w.error(node, where, "needs either 'choices' with 'answer' (multiple choice) or 'accept' (free text)")
        return None
    if has_accept:
        if "answer" in fields:
            w.error(fields["answer"], f"{where}.answer", "'answer' goes with 'choices'; free text uses 'accept'")
        accept = w.strings(fields["accept"], f"{where}.accept")
        if accept is not None and not accept:
            w.error(fields["accept"], f"{where}.accept", "needs at least one accepted answer")
            return None
        if ask is None or accept is None:
            return None
        return TextQuestion(ask=ask, accept=accept, explain=explain or "")
    choices = w.strings(fields["choices"], f"{where}.choices")
    if "answer" not in fields:
        w.error(node, f"{where}.answer", "is required with 'choices' (the index of the one right choice)")
        return None
    answer_node = fields["answer"]
    answer: int | None
    if isinstance(answer_node, yaml.ScalarNode) and answer_node.tag == INT:
        answer = int(answer_node.value)
    elif isinstance(answer_node, yaml.ScalarNode) and answer_node.tag == STR and choices:
        matches = [i for i, c in enumerate(choices) if c == str(answer_node.value).strip()]
        if len(matches) != 1:
            w.error(answer_node, f"{where}.answer", "must name exactly one of the choices")
            return None
        answer = matches[0]
    else:
        w.error(answer_node, f"{where}.answer",
                f"expected the index of exactly one right choice, got {describe(answer_node)}")
        return None
    if choices is None or ask is None:
        return None
    if len(choices) < 2:
        w.error(fields["choices"], f"{where}.choices", f"needs at least 2 choices, got {len(choices)}")
        return None
    if len({normalize(c) for c in choices}) != len(choices):
        w.error(fields["choices"], f"{where}.choices", "has two identical choices")
        return None
    if not 0 <= answer < len(choices):
        w.error(answer_node, f"{where}.answer",
                f"index {answer} is out of range for {len(choices)} choices (0 to {len(choices) - 1})")
        return None
    return ChoiceQuestion(ask=ask, choices=choices, answer=answer, explain=explain or "")


def _source(w: Walker, node: yaml.Node, where: str) -> Source | None:
    if isinstance(node, yaml.ScalarNode):
        text = w.string(node, where)
        return Source(note=text) if text is not None else None
    fields = w.mapping(node, where, ("note", "heading", "text_hash"))
    if fields is None:
        return None
    note = w.string(fields["note"], f"{where}.note") if "note" in fields else ""
    heading = w.string(fields["heading"], f"{where}.heading") if "heading" in fields else ""
    text_hash = w.string(fields["text_hash"], f"{where}.text_hash") if "text_hash" in fields else ""
    if text_hash and not TEXT_HASH.fullmatch(text_hash):
        w.error(fields["text_hash"], f"{where}.text_hash",
                "expected the hex fingerprint written by 'quizbot decks import' (remove it to re-record)")
        return None
    return Source(note=note or "", heading=heading or "", text_hash=text_hash or "")


_CARD_READERS: dict[str, Callable[[Walker, yaml.Node, str], Any]] = {
    "id": lambda w, n, p: w.slug(n, p, CARD_ID_MAX),
    "term": lambda w, n, p: w.string(n, p, required=True),
    "definition": lambda w, n, p: w.string(n, p, required=True),
    "aliases": Walker.strings,
    "links": Walker.strings,
    "tags": Walker.strings,
    "distractors": Walker.strings,
    "from_notes": Walker.boolean,
    "source": _source,
}


def _card(w: Walker, node: yaml.Node, where: str) -> Card | None:
    fields = w.mapping(node, where, _CARD_KEY_SET, required=("id", "term", "definition"))
    if fields is None:
        return None
    values: dict[str, Any] = {}
    ok = True
    for name, reader in _CARD_READERS.items():
        if name in fields:
            value = reader(w, fields[name], f"{where}.{name}")
            ok = ok and value is not None
            values[name] = value
    questions: list[Question] = []
    if "questions" in fields:
        qnode = fields["questions"]
        if not isinstance(qnode, yaml.SequenceNode):
            w.error(qnode, f"{where}.questions", f"expected a list of questions, got {describe(qnode)}")
            ok = False
        else:
            for i, item in enumerate(qnode.value):
                question = _question(w, item, f"{where}.questions[{i}]")
                ok = ok and question is not None
                if question is not None:
                    questions.append(question)
    if not ok or not all(k in values for k in ("id", "term", "definition")):
        return None
    return Card(
        id=values["id"],
        term=values["term"],
        definition=values["definition"],
        aliases=values.get("aliases", ()),
        source=values.get("source") or Source(),
        links=values.get("links", ()),
        tags=values.get("tags", ()),
        questions=tuple(questions),
        distractors=values.get("distractors", ()),
        from_notes=values.get("from_notes", True),
        line=node.start_mark.line + 1,
    )


YAML_REASON_MAX = 120


def _yaml_reason(reason: object) -> str:
    """PyYAML's reason, on one line and cut short: it names the offending character or token,
    and must never carry a stretch of the file into a log."""
    text = " ".join(str(reason).split())
    return text if len(text) <= YAML_REASON_MAX else text[:YAML_REASON_MAX - 3] + "..."


def load_deck_text(text: str, path: str = "<deck>") -> tuple[Deck, list[Problem]]:
    """Parse and validate one deck. Returns the deck and its warnings.

    Raises :class:`DeckError` listing every error when the deck is not valid.
    """
    with gc_paused():
        return _load_deck_text(text, path)


def _load_deck_text(text: str, path: str) -> tuple[Deck, list[Problem]]:
    w = Walker(path)
    try:
        root, foreign = compose_nodes(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem if isinstance(exc, Refused) else f"not valid YAML: {_yaml_reason(exc.problem or exc)}"
        raise DeckError([Problem(path, line, col, "", str(message))]) from None
    except yaml.YAMLError as exc:
        raise DeckError([Problem(path, 1, 1, "", f"not valid YAML: {_yaml_reason(exc)}")]) from None
    if root is None:
        raise DeckError([Problem(path, 1, 1, "", "the file is empty; a deck needs 'deck', 'title' and 'cards'")])
    if foreign and not w.check_tags(root):
        raise DeckError(w.problems)
    fields = w.mapping(root, "", DECK_KEYS, required=("deck", "title", "cards"))
    if fields is None:
        raise DeckError(w.problems)
    deck_id = w.slug(fields["deck"], "deck", DECK_ID_MAX) if "deck" in fields else None
    title = w.string(fields["title"], "title", required=True) if "title" in fields else None
    description = w.string(fields["description"], "description") if "description" in fields else ""
    source = w.string(fields["source"], "source") if "source" in fields else ""
    tags = w.strings(fields["tags"], "tags") if "tags" in fields else ()
    cards: list[tuple[Card, yaml.Node]] = []
    if "cards" in fields:
        cnode = fields["cards"]
        if not isinstance(cnode, yaml.SequenceNode):
            w.error(cnode, "cards", f"expected a list of cards, got {describe(cnode)}")
        elif not cnode.value:
            w.error(cnode, "cards", "a deck needs at least one card")
        else:
            for i, item in enumerate(cnode.value):
                card = _card(w, item, f"cards[{i}]")
                if card is not None:
                    cards.append((card, item))
    check_names(w, cards)
    errors = [p for p in w.problems if p.severity == "error"]
    if errors or deck_id is None or title is None:
        raise DeckError(errors or w.problems)
    deck = Deck(
        id=deck_id,
        title=title,
        cards=tuple(card for card, _ in cards),
        description=description or "",
        source=source or "",
        tags=tags or (),
        path=path,
        line=fields["deck"].start_mark.line + 1,
    )
    return deck, _warnings(deck, {c.id: n for c, n in cards}, path)


def _warnings(deck: Deck, nodes: dict[str, yaml.Node], path: str) -> list[Problem]:
    """Weak cards: they load, but a reviewer should look at them (rules in :mod:`bot.deck.lint_rules`)."""
    w = Walker(path)

    def report(node: yaml.Node | None, where: str, message: str) -> None:
        w.error(node, where, message, "warning")

    weak_cards(deck, nodes, report)
    card_warnings(deck, nodes, report)
    return w.problems


def load_deck_file(path: Path, cache: DeckCache | None = None) -> tuple[Deck, list[Problem]]:
    """Read and validate one deck file (through ``cache`` when given). Raises :class:`DeckError`
    (also when the file changed while it was read)."""
    try:
        return _load_file(DeckFile(path), cache)
    except Unsettled:
        raise DeckError([_changed_while_read(str(path))]) from None


def _changed_while_read(name: str) -> Problem:
    return Problem(name, 1, 1, "", "the file changed while being read; it is loaded once it holds still")


def _load_file(deck_file: DeckFile, cache: DeckCache | None,
               expect: FileState | None = None) -> tuple[Deck, list[Problem]]:
    name = str(deck_file.path)
    raw = read_deck_bytes(deck_file, expect)
    if cache is not None:
        cached = cache.get(raw, name)
        if cached is not None:
            return cached
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[line_start:exc.start].decode("utf-8", "replace")) + 1
        raise DeckError([Problem(name, line, column, "",
                                 f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                                 "save the file as UTF-8")]) from None
    deck, warnings = load_deck_text(text, name)
    if cache is not None:
        cache.put(raw, deck, warnings)
    return deck, warnings


def deck_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their ``*.yaml``/``*.yml`` files, sorted."""
    return [f.path for f in find_deck_files(paths)]


def load_decks(paths: Iterable[Path], cache: DeckCache | None = None,
               settled: Mapping[str, FileState] | None = None) -> LoadResult:
    """Load every deck under ``paths``; a broken deck is reported and skipped.

    Two decks with the same id: the first (in path order) wins, the second is an error.
    With ``settled`` (file path -> the state it held still in), a file not in exactly
    that state, or changing while read, is not loaded and is listed in ``unsettled``.
    Without it, a file changing while read is also an error ("changed while being read").
    """
    result = LoadResult()
    seen: dict[str, str] = {}
    for deck_file in find_deck_files(paths):
        path = deck_file.path
        try:
            expect = None
            if settled is not None:
                expect = settled.get(str(path))
                if expect is None:
                    raise Unsettled(str(path))
            deck, warnings = _load_file(deck_file, cache, expect)
        except DeckError as exc:
            result.problems.extend(exc.problems)
            continue
        except Unsettled:
            result.unsettled.append(str(path))
            if settled is None:
                result.problems.append(_changed_while_read(str(path)))
            continue
        result.problems.extend(warnings)
        if deck.id in seen:
            result.problems.append(Problem(
                str(path), deck.line or 1, 1, "deck",
                f"deck id {deck.id!r} is already used by {seen[deck.id]}; this file is skipped",
            ))
            continue
        seen[deck.id] = str(path)
        result.decks.append(deck)
    return result
