"""Decks to YAML files in the format :mod:`bot.deck.load` reads.

Guarantees: :func:`render_deck` emits only plain YAML (``yaml.safe_dump``),
keys in the order a reviewer reads them, empty fields left out;
:func:`render_checked` additionally loads the text back with
:func:`bot.deck.load.load_deck_text` and raises :class:`DeckError` if it would
not load, so a deck that the bot would refuse is never written.
:func:`write_deck` replaces the file atomically (no half-written deck) and
keeps the comment block that opened the file it replaces.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from bot.deck.load import load_deck_text
from bot.deck.model import Card, ChoiceQuestion, Deck, Question, Source

WIDTH = 1_000_000
"""Never fold lines: a folded plain scalar is hard to edit by hand."""


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes multi-line text as ``|`` block scalars."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _source(source: Source) -> dict[str, str] | None:
    fields = (("note", source.note), ("heading", source.heading), ("text_hash", source.text_hash))
    out = {k: v for k, v in fields if v}
    return out or None


def _question(question: Question) -> dict[str, Any]:
    if isinstance(question, ChoiceQuestion):
        out: dict[str, Any] = {"ask": question.ask, "choices": list(question.choices), "answer": question.answer}
    else:
        out = {"ask": question.ask, "accept": list(question.accept)}
    if question.explain:
        out["explain"] = question.explain
    return out


def card_data(card: Card) -> dict[str, Any]:
    """A card as plain data, fields in reading order, empty ones left out."""
    out: dict[str, Any] = {"id": card.id, "term": card.term}
    if card.aliases:
        out["aliases"] = list(card.aliases)
    out["definition"] = card.definition
    if source := _source(card.source):
        out["source"] = source
    for name in ("links", "tags", "distractors"):
        values = getattr(card, name)
        if values:
            out[name] = list(values)
    if not card.from_notes:
        out["from_notes"] = False
    if card.questions:
        out["questions"] = [_question(q) for q in card.questions]
    return out


def deck_data(deck: Deck) -> dict[str, Any]:
    """A deck as plain data in the key order of the deck format."""
    out: dict[str, Any] = {"deck": deck.id, "title": deck.title}
    if deck.description:
        out["description"] = deck.description
    if deck.source:
        out["source"] = deck.source
    if deck.tags:
        out["tags"] = list(deck.tags)
    out["cards"] = [card_data(card) for card in deck.cards]
    return out


def render_deck(deck: Deck) -> str:
    """The deck as YAML text."""
    return yaml.dump(deck_data(deck), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH)


def render_checked(deck: Deck, path: str = "<deck>") -> str:
    """The deck as YAML text, proven to load; raises :class:`bot.deck.load.DeckError` otherwise."""
    text = render_deck(deck)
    load_deck_text(text, path)
    return text


def leading_comments(text: str) -> str:
    """The comment block that opens a YAML file (``#`` lines, and blank lines between
    them, before the first key), with its final newline; '' when there is none."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            lines.append(line.rstrip())
            continue
        break
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if any(line.startswith("#") for line in lines) else ""


def write_deck(path: Path, text: str, *, keep_header: bool = True) -> None:
    """Write ``text`` to ``path`` atomically (a temporary file renamed over it).

    When ``path`` exists (a merge) and ``text`` has no comment block of its own,
    the existing file's :func:`leading_comments` are kept on top: a curator's
    notes about the deck survive a re-import (comments further down do not).
    """
    if keep_header and path.is_file() and not text.startswith("#"):
        try:
            header = leading_comments(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            header = ""
        text = header + text
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
