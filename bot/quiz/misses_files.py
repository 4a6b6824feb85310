"""The misses export as a file: CSV for Anki and Quizlet, or YAML as a deck of ours.

**CSV** (``front,back,tags``): front is the card's term, back its definition, tags the deck
id and the card's tags (Anki separates tags by spaces, so a space inside one becomes ``_``).
Math is Unicode text (``$\\alpha$`` -> ``α``), as every message of the bot shows it; fields
are plain text (``#html:false``). The file starts with Anki's header lines
(``#separator:comma``, ``#html:false``, ``#columns:...``, ``#tags column:3``): Anki (2.1.55+)
reads them as settings, so the import needs no choices, and no header row becomes a card.
Quizlet's importer takes pasted text, one card a line, term and definition split by a comma
(or a tab): paste the lines after the ``#`` ones; its third column is ignored.

**YAML** is a deck in our format (``bot/deck/load.py``) that ``quizbot decks lint`` passes
clean: card ids stay unique, a term or alias two missed cards share is kept once, the cards'
own text (LaTeX and all) is kept, so the deck can be dropped into ``decks/``.
"""

from __future__ import annotations

import csv
import io
import re

import yaml

from bot.deck.mathtext import math_to_text
from bot.deck.model import CARD_ID_MAX, DECK_ID_MAX
from bot.deck.names import variants
from bot.deck.text import normalize
from bot.quiz.misses import Miss

FORMATS = ("csv", "yaml")
ANKI_HEADER = ("#separator:comma", "#html:false", "#columns:front,back,tags", "#tags column:3")


def _tag(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip())


def to_csv(misses: list[Miss]) -> str:
    out = io.StringIO()
    out.write("\n".join(ANKI_HEADER) + "\n")
    writer = csv.writer(out, lineterminator="\n")
    for miss in misses:
        tags = " ".join(dict.fromkeys(_tag(t) for t in (miss.deck_id, *miss.tags) if t.strip()))
        writer.writerow((math_to_text(miss.term), math_to_text(miss.definition), tags))
    return out.getvalue()


def deck_id_for(member_name: str) -> str:
    """``misses-alice``: a lowercase slug within the deck id limit."""
    slug = re.sub(r"[^a-z0-9]+", "-", normalize(member_name)).strip("-") or "member"
    return f"misses-{slug}"[:DECK_ID_MAX].rstrip("-")


def to_yaml(misses: list[Miss], member_name: str) -> str:
    cards: list[dict[str, object]] = []
    ids: set[str] = set()
    names: set[str] = set()  # every key a kept term or alias is found under (names.variants)

    def clashes(name: str) -> bool:
        return any(key in names for key in variants(name))

    for miss in misses:
        if clashes(miss.term):  # two decks' cards of one term: the newest miss is kept
            continue
        card_id = miss.card_id[:CARD_ID_MAX]
        n = 2
        while card_id in ids:
            suffix = f"-{n}"
            card_id, n = miss.card_id[:CARD_ID_MAX - len(suffix)] + suffix, n + 1
        ids.add(card_id)
        names.update(variants(miss.term))
        entry: dict[str, object] = {"id": card_id, "term": miss.term}
        if miss.card is not None:
            aliases = []
            for alias in miss.card.aliases:
                if not clashes(alias):
                    aliases.append(alias)
                    names.update(variants(alias))
            if aliases:
                entry["aliases"] = aliases
        entry["definition"] = miss.definition
        if miss.card is not None and (miss.card.source.note or miss.card.source.heading):
            source = {k: v for k, v in (("note", miss.card.source.note), ("heading", miss.card.source.heading)) if v}
            entry["source"] = source
        entry["tags"] = list(dict.fromkeys([miss.deck_id, *miss.tags]))
        if miss.card is not None and not miss.card.from_notes:
            entry["from_notes"] = False
        cards.append(entry)
    deck = {"deck": deck_id_for(member_name), "title": f"Misses of {member_name}"[:200],
            "description": "Cards whose latest answer was wrong, the most recent miss first.", "cards": cards}
    return yaml.safe_dump(deck, sort_keys=False, allow_unicode=True, width=100)


def render_file(misses: list[Miss], fmt: str, member_name: str) -> str:
    """The export in ``fmt`` (one of :data:`FORMATS`)."""
    return to_csv(misses) if fmt == "csv" else to_yaml(misses, member_name)


def file_name(member_name: str, fmt: str) -> str:
    """``misses-alice.csv``: the deck id, so a YAML file is named after the deck it holds."""
    return f"{deck_id_for(member_name)}.{fmt}"


def none_missed(member_name: str) -> str:
    return (f"{member_name} has no missed cards: no card whose latest answer (in a closed round) "
            "was wrong.")
