"""Names a new deck would share with the other decks of its folder.

A draft can be valid on its own and still clash with its neighbours: two
notes that both explain "Attention" make two decks that lint rejects
together (/define could not tell the cards apart). The import checks the
folder it writes into, so the user hears about it at import time, naming
both decks, instead of from the next lint or the running bot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from bot.deck.load import deck_files, load_decks, name_clashes
from bot.deck.model import Deck


def folder_clashes(deck: Deck, target: Path, neighbours: Sequence[tuple[Path, Deck]] = ()) -> list[str]:
    """One line per term or alias of ``deck`` (to be written at ``target``) that a deck
    already in ``target``'s folder, or one of ``neighbours`` (decks written by the same run,
    with their targets), claims too. Files that do not load are left to lint."""
    folder = target.parent
    skip = {target.resolve(), *(path.resolve() for path, _ in neighbours)}
    on_disk = [p for p in deck_files([folder]) if p.resolve() not in skip] if folder.is_dir() else []
    others = load_decks(on_disk).decks + [replace(d, path=str(p)) for p, d in neighbours]
    others = [d for d in others if d.id != deck.id]
    mine = replace(deck, path=str(target))
    lines: list[str] = []
    for problem in name_clashes([*others, mine], severity="warning"):
        if problem.path != mine.path:
            continue
        lines.append(f"{problem.field} of deck {deck.id!r} ({target}): {problem.message}. To resolve: "
                     "rename the term, drop the alias from one deck, or keep only one of the two cards; "
                     f"'quizbot decks lint {folder}' checks the folder")
    return lines
