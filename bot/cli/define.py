"""``quizbot define QUERY [--json]``: one glossary lookup over the decks."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.deck.glossary import Lookup, QueryTooLong
from bot.deck.library import DeckLibrary


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("define", help="look a term up in every deck")
    p.add_argument("query", nargs="+", help="the term, an alias, or a few words of a definition")
    p.add_argument("--decks", type=Path, default=Path("decks"), help="deck directory (default: ./decks)")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object")
    p.set_defaults(handler=run)


def lookup_as_json(result: Lookup) -> dict[str, Any]:
    """The ``--json`` contract: query, match (or null) and suggestions."""
    match = None
    if result.match is not None:
        card, deck = result.match.card, result.match.deck
        match = {
            "term": card.term,
            "aliases": list(card.aliases),
            "definition": card.definition,
            "deck": deck.id,
            "card_id": card.id,
            "source": {"note": card.source.note or deck.source, "heading": card.source.heading},
        }
    return {
        "query": result.query,
        "match": match,
        "suggestions": [
            {"term": s.term, "deck": s.deck_id, "card_id": s.card_id, "score": s.score}
            for s in result.suggestions
        ],
    }


def run(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    library = DeckLibrary.load(args.decks)
    # Notes for a person go to stderr: with --json, stdout holds exactly one JSON object.
    broken = sorted({p.path for p in library.problems if p.severity == "error"})
    if not library.decks:
        print(f"quizbot define: no deck loaded from {args.decks}", file=sys.stderr)
    elif broken:
        print(f"quizbot define: skipped {len(broken)} broken deck file(s) ({', '.join(broken)}); "
              "see `quizbot decks lint`", file=sys.stderr)
    try:
        result = library.glossary.lookup(query)
    except QueryTooLong as exc:
        if args.json:
            print(json.dumps({"query": query[:200], "match": None, "suggestions": [], "error": str(exc)}))
        else:
            print(f"quizbot define: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(lookup_as_json(result), ensure_ascii=False))
        return 0 if result.match else 1
    if result.match is None:
        if result.suggestions:
            names = ", ".join(s.term for s in result.suggestions)
            print(f"No card for {query!r}. Did you mean: {names}?")
        else:
            print(f"No card for {query!r}, and nothing close. Try a shorter query or an acronym.")
        return 1
    card, deck = result.match.card, result.match.deck
    print(card.term + (f" ({', '.join(card.aliases)})" if card.aliases else ""))
    print(card.definition)
    source = card.source_text(deck.source)
    print(f"— {deck.title}" + (f", {source}" if source else ""))
    if result.suggestions:
        print("See also: " + ", ".join(s.term for s in result.suggestions))
    return 0
