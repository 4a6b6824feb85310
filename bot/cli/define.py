"""``quizbot define QUERY [--json]``: one glossary lookup over the decks.

The decks come from the same settings as ``quizbot run`` (``--decks``, ``QUIZBOT_DECKS``,
``.env``, ``quizbot.yaml`` or ``--config``). Only the deck modules are imported: no store,
no asyncio, no platform, so a lookup starts fast.

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
from typing import TYPE_CHECKING, Any, TextIO

from bot.cli.options import SETTINGS_SOURCES, add_config_option, load

if TYPE_CHECKING:
    from bot.deck.glossary import Glossary, Lookup, QueryTooLong

DEFINE_HELP = f"""\
Look a term up in every deck: exact term, alias, acronym, typo-tolerant, then
words of the definitions. --json prints exactly one object:
  {{"query", "match": {{"term", "aliases", "definition", "deck", "card_id", "source"}} | null,
   "suggestions": [{{"term", "deck", "card_id", "score"}}]}}
(with an "error" key on exit 2).

With no QUERY (or -): one query per line from stdin, one such object per line
out, flushed; exit 0 when every query matched, else 1.

Exit codes: 0 a match, 1 no match (suggestions may follow), 2 no deck loaded
or a query over 200 characters.

{SETTINGS_SOURCES}"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("define", help="look a term up in every deck", description=DEFINE_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="*",
                   help="the term, an alias, or a few words of a definition; none or '-': one query "
                        "per line from stdin, one JSON object per line out")
    p.add_argument("--decks", type=Path, help="deck directory (default: QUIZBOT_DECKS, else ./decks)")
    p.add_argument("--json", action="store_true", help="print exactly one JSON object")
    add_config_option(p)
    p.set_defaults(handler=run)


def _refuse(args: argparse.Namespace, query: str, reason: str) -> int:
    """Exit 2 with one line on stderr; with --json also the one object, carrying the reason."""
    if args.json:
        print(json.dumps({"query": query[:200], "match": None, "suggestions": [], "error": reason}))
    print(f"quizbot define: {reason}", file=sys.stderr)
    return 2


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
    from bot.deck.glossary import QueryTooLong

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
    from bot.deck.glossary import QueryTooLong
    from bot.deck.library import DeckLibrary
    from bot.deck.mathtext import math_to_text

    query = " ".join(args.query)
    settings = load(args, decks_dir=args.decks)
    library = DeckLibrary.load(settings.decks_dir)
    # Notes for a person go to stderr: with --json, stdout holds exactly one JSON object.
    broken = sorted({p.path for p in library.problems if p.severity == "error"})
    if not library.decks:  # not an ordinary miss: nothing could have matched
        where = settings.decks_dir
        why = ("no such directory" if not where.exists() else
               f"{len(broken)} broken deck file(s); see `quizbot decks lint`" if broken else "no deck files there")
        return _refuse(args, query, f"no deck loaded from {where} ({why})")
    if broken:
        print(f"quizbot define: skipped {len(broken)} broken deck file(s) ({', '.join(broken)}); "
              "see `quizbot decks lint`", file=sys.stderr)
    if query in ("", "-"):
        return serve_lines(library.glossary, sys.stdin, sys.stdout)
    try:
        result = library.glossary.lookup(query)
    except QueryTooLong as exc:
        return _refuse(args, query, str(exc))
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
    print(math_to_text(card.definition))  # --json keeps the deck's text as written
    source = card.source_text(deck.source)
    print(f"— {deck.title}" + (f", {source}" if source else ""))
    if result.suggestions:
        print("See also: " + ", ".join(s.term for s in result.suggestions))
    return 0
