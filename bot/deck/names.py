"""A deck's names: every term and alias must lead /define to one card, within a deck
(:func:`check_names`, errors with the field's position) and across decks
(:func:`name_clashes`, problems of the later deck)."""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from bot.deck.model import Card, Deck
from bot.deck.problems import Problem, quote
from bot.deck.text import match_key
from bot.deck.walker import Walker


def variants(name: str) -> tuple[str, ...]:
    """The keys under which the glossary finds ``name``: its :func:`match_key` (case,
    punctuation, hyphens, plurals, a leading article), and that without spaces
    (``Batch Norm`` and ``BatchNorm``); none for a name with no key."""
    key = match_key(name)
    if not key:
        return ()
    squeezed = key.replace(" ", "")
    return (key,) if squeezed == key else (key, squeezed)


def _field_node(node: yaml.Node, name: str) -> yaml.Node | None:
    """The value of ``name`` in a mapping node, or None."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == name:
                return value
    return None


def _name_fields(node: yaml.Node) -> list[tuple[str, yaml.Node | None]]:
    """The field path and node of the term and of each alias, in ``Card.names`` order."""
    out: list[tuple[str, yaml.Node | None]] = [("term", _field_node(node, "term"))]
    aliases = _field_node(node, "aliases")
    if isinstance(aliases, yaml.SequenceNode):
        out.extend((f"aliases[{i}]", item) for i, item in enumerate(aliases.value))
    return out


def check_names(w: Walker, cards: list[tuple[Card, yaml.Node]]) -> None:
    """Duplicate ids and a term or alias claimed by two cards (a /define clash).

    Two names clash when the glossary would treat them as the same: the same
    :func:`match_key` (case, punctuation, hyphens, plurals, a leading article),
    or the same with spaces removed (``Batch Norm`` and ``BatchNorm``).
    """
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, tuple[int, str]] = {}
    for index, (card, node) in enumerate(cards):
        card_id = card.id
        first = seen_ids.setdefault(card_id, index)
        if first != index:
            w.error(_field_node(node, "id") or node, f"cards[{index}].id",
                    f"duplicate card id {quote(card_id, 60)} (first used by cards[{first}])")
        own: set[str] = set()
        for position, name in enumerate(card.names):
            for variant in variants(name):
                if variant in own:
                    continue
                own.add(variant)
                other = seen_names.setdefault(variant, (index, card_id))
                if other[0] == index:
                    continue
                fields = _name_fields(node)  # only now: clashes are rare
                field_path, field_node = fields[position] if position < len(fields) else ("", None)
                where = f"cards[{index}]"
                w.error(field_node or node, f"{where}.{field_path}" if field_path else where,
                        f"{quote(name)} is already the term or an alias of card {quote(other[1], 60)} "
                        f"(cards[{other[0]}]); /define could not tell them apart")
                break


def name_clashes(decks: Iterable[Deck], severity: str = "error") -> list[Problem]:
    """A term or alias claimed by cards of two different decks: /define could not tell
    them apart. (Within one deck the same is already an error of that deck.)"""
    owners: dict[str, tuple[Deck, Card]] = {}
    problems: list[Problem] = []
    for deck in decks:
        for card in deck.cards:
            own: set[str] = set()
            for name in card.names:
                for variant in variants(name):
                    if variant in own:
                        continue
                    own.add(variant)
                    first = owners.setdefault(variant, (deck, card))
                    if first[0].id != deck.id:
                        problems.append(Problem(
                            deck.path or deck.id, card.line, 1, f"card {card.id}",
                            f"{quote(name)} is already the term or an alias of card {quote(first[1].id, 60)} in deck "
                            f"{first[0].id!r}; /define could not tell them apart", severity))
                        break
    return problems
