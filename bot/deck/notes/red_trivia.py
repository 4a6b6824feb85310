"""Red-DiscordBot trivia lists (``question: [answers]``) to a deck.

So a server that already runs Red trivia can bring its lists. The file is
*composed* with the safe loader (libyaml's ``CSafeLoader`` when available), so
no tag is ever constructed and every answer keeps its text exactly as written:
``yes`` stays ``yes`` (not ``True``) and ``3.10`` stays ``3.10`` (not ``3.1``).

Each question becomes a card: the term is the first answer, the definition is
the question, and a hand-written free-text question accepts every answer, so
the quiz asks exactly what the list asked. A ``[Category]`` prefix on a
question (``[Networks] What does LAN stand for?``) becomes a tag of its card.
Two questions with the same answer (``Two`` for two clues) stay two separate
questions, each with its own accepted answers; since a term may belong to one
card only, they are questions of one card (its definition is the first
question, never the two glued together), and the import report says so.
``AUTHOR``, ``DESCRIPTION`` and ``CONFIG`` are not questions; DESCRIPTION (and
AUTHOR) make the deck description.
"""

from __future__ import annotations

import re

import yaml

from bot.deck.model import DECK_ID_MAX, TextQuestion
from bot.deck.notes.draft import (
    Draft,
    Imported,
    NoteError,
    build_deck,
    collapse,
    slugify,
    title_from_stem,
)

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

_META = {"AUTHOR", "DESCRIPTION", "CONFIG"}
_CATEGORY = re.compile(r"^\s*\[([^\[\]]{1,40})\]\s*(.*)$", re.DOTALL)
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_NULL = "tag:yaml.org,2002:null"
_SCALARS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}


def compose(text: str) -> yaml.Node | None:
    """The YAML node tree; raises :class:`NoteError` for invalid YAML."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid"
        raise NoteError(f"not valid YAML{where}: {problem}") from None


def looks_like_trivia(root: yaml.Node | None) -> bool:
    """A mapping whose non-meta values are mostly lists: Red's shape."""
    if not isinstance(root, yaml.MappingNode) or root.tag != _MAP:
        return False
    entries = [(k, v) for k, v in root.value if not (isinstance(k, yaml.ScalarNode) and k.value in _META)]
    lists = sum(isinstance(v, yaml.SequenceNode) for _, v in entries)
    return bool(entries) and lists * 2 > len(entries)


def _scalar(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode) and node.tag in _SCALARS:
        return collapse(str(node.value))
    return ""


def _category(question: str) -> tuple[str, str]:
    """``[Networks] What is…`` -> (``networks``, ``What is…``); no prefix -> ('', question)."""
    m = _CATEGORY.match(question)
    if not m or not m.group(2).strip():
        return "", question
    return slugify(m.group(1), fallback=""), m.group(2).strip()


def import_red_trivia(text: str, note: str, stem: str) -> Imported:
    """A deck from a Red trivia list; raises :class:`NoteError` for anything else."""
    root = compose(text)
    if not isinstance(root, yaml.MappingNode) or root.tag != _MAP:
        raise NoteError("not a trivia list: expected a mapping of question: [answers]")
    keys = {k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
    if {"deck", "cards"} <= keys:
        raise NoteError("this is already a quizbot deck; check it with 'quizbot decks lint'")
    drafts: list[Draft] = []
    skipped: list[str] = []
    meta: dict[str, str] = {}
    for key, value in root.value:
        question = _scalar(key)
        if question in _META:
            meta[question] = _scalar(value)
            continue
        answers: list[str] = []
        if isinstance(value, yaml.SequenceNode) and value.tag == _SEQ:
            answers = [a for a in (_scalar(item) for item in value.value) if a]
        elif isinstance(value, yaml.ScalarNode) and value.tag != _NULL:
            answers = [a for a in [_scalar(value)] if a]
        if not question or not answers:
            skipped.append(question or "(empty question)")
            continue
        unique = list(dict.fromkeys(answers))
        category, question = _category(question)
        drafts.append(Draft(
            name=unique[0],
            definition=question,
            aliases=tuple(unique[1:]),
            questions=(TextQuestion(ask=question, accept=tuple(unique)),),
            split=False,
            tags=(category,) if category else (),
        ))
    if not drafts:
        raise NoteError("no cards found: no 'question: [answers]' entry with an answer")
    description = meta.get("DESCRIPTION", "")
    if meta.get("AUTHOR"):
        description = f"{description} (by {meta['AUTHOR']})".strip()
    return build_deck(drafts, deck_id=slugify(stem, "deck", DECK_ID_MAX), title=title_from_stem(stem), note=note,
                      description=description, skipped=tuple(skipped))
