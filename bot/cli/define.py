"""``quizbot define QUERY [--json]``: one glossary lookup over the decks.

With no QUERY (or ``-``) it reads queries from stdin, one a line, and prints one JSON
object per line (the ``--json`` object), flushed at once: a script can hold the process
open and ask as it goes, without loading the decks for every query.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from bot.deck.glossary import Glossary, Lookup, QueryTooLong
from bot.deck.library import DeckLibrary


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("define", help="look a term up in every deck")
    p.add_argument("query", nargs="*",
                   help="the term, an alias, or a few words of a definition; none or '-': one query "
                        "per line from stdin, one JSON object per line out")
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


def _too_long_json(query: str, exc: QueryTooLong) -> dict[str, Any]:
    return {"query": query[:200], "match": None, "suggestions": [], "error": str(exc)}


def serve_lines(glossary: Glossary, lines: Iterable[str], out: TextIO) -> int:
    """Answer each line of ``lines`` (a query; blank lines are skipped) with one JSON line
    on ``out``, flushed. A query over 200 characters gets the ``error`` object and the
    next line is read. Returns 0 when every query matched, else 1."""
    status = 0
    for line in lines:
        query = line.rstrip("\r\n")
        if not query.strip():
            continue
        try:
            record = lookup_as_json(glossary.lookup(query))
        except QueryTooLong as exc:
            record = _too_long_json(query, exc)
        status = status or int(record["match"] is None)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return status


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
    if query in ("", "-"):
        return serve_lines(library.glossary, sys.stdin, sys.stdout)
    try:
        result = library.glossary.lookup(query)
    except QueryTooLong as exc:
        if args.json:
            print(json.dumps(_too_long_json(query, exc)))
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
