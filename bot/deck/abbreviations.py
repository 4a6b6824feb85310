"""Abbreviations members type (``reg``, ``bn``, ``lr``), expanded before /define searches.

The table is data, ``abbreviations.yaml`` beside this module, read once. Expansion works
on normalised words (see :func:`bot.deck.text.normalize`) and never drops a word it does
not know, so a query without abbreviations comes back unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import yaml

from bot.deck.text import normalize

TABLE_PATH = Path(__file__).with_name("abbreviations.yaml")


@functools.cache
def abbreviations() -> Mapping[str, str]:
    """The shipped table: short word -> its normalised expansion."""
    raw = yaml.safe_load(TABLE_PATH.read_text(encoding="utf-8")) or {}
    return {normalize(str(short)): normalize(str(full)) for short, full in raw.items()}


def expand(words: list[str]) -> list[str]:
    """``["reg", "effect"]`` -> ``["regularization", "effect"]``."""
    table = abbreviations()
    out: list[str] = []
    for word in words:
        full = table.get(word)
        out.extend(full.split() if full else [word])
    return out
