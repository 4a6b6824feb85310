"""Which version of a deck someone saw: a short hash of its file's content.

A card report records it, so the curator can tell whether a report is about the
text still in the file or about one already edited since.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.deck.model import Deck

VERSION_CHARS = 12


def deck_version(deck: Deck) -> str:
    """The first 12 hex digits of the SHA-256 of the deck file as it is on disk now;
    '' when the deck has no file (built in memory) or the file cannot be read."""
    if not deck.path:
        return ""
    try:
        data = Path(deck.path).read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest()[:VERSION_CHARS]
