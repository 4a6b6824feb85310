"""Finding and reading deck files: only whole files, and only files inside the decks folder.

Guarantees:
- A symbolic link found in a decks folder that leads outside it is refused
  without being opened; its problem names the link, never the target or its bytes.
- :func:`read_deck_bytes` returns bytes only from a file whose size, mtime and
  inode did not change while it was read (and, when the caller says what state
  it waited for, that are exactly that state); otherwise :class:`Unsettled` is
  raised, so a file still being written is never parsed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.deck.problems import DeckError, Problem

MAX_FILE_BYTES = 5_000_000
DECK_SUFFIXES = frozenset({".yaml", ".yml"})


@dataclass(frozen=True)
class FileState:
    """What a file looked like: enough to tell that it changed or was replaced."""

    mtime_ns: int
    size: int
    inode: int

    @classmethod
    def of(cls, st: os.stat_result) -> FileState:
        return cls(st.st_mtime_ns, st.st_size, st.st_ino)


class Unsettled(Exception):
    """The file changed while it was read, or is not in the state the caller waited for."""


@dataclass(frozen=True)
class DeckFile:
    """A deck file to load; ``folder`` is the decks folder it was found in (None when named directly)."""

    path: Path
    folder: Path | None = None


def find_deck_files(paths: Iterable[Path]) -> list[DeckFile]:
    """Expand directories into their ``*.yaml``/``*.yml`` files (sorted); other paths are kept as named."""
    out: list[DeckFile] = []
    for path in paths:
        if path.is_dir():
            out.extend(DeckFile(p, path) for p in sorted(path.iterdir())
                       if p.suffix in DECK_SUFFIXES and p.is_file())
        else:
            out.append(DeckFile(path))
    return out


def inside_target(path: Path, folder: Path) -> Path | None:
    """What to open for ``path`` found in ``folder``: itself, or for a symbolic link its
    resolved target when that lies inside ``folder``; None when the link leads outside
    (or dangles, or loops). Opening the checked target, not the link, means a link
    swapped after the check is not followed."""
    if not path.is_symlink():
        return path
    try:
        target = path.resolve(strict=True)
        return target if target.is_relative_to(folder.resolve(strict=True)) else None
    except (OSError, RuntimeError):  # dangling or looping link
        return None


def read_deck_bytes(deck_file: DeckFile, expect: FileState | None = None) -> bytes:
    """The file's bytes, read once it is whole. Raises :class:`DeckError` (refused link,
    unreadable, too large) or :class:`Unsettled` (still changing, or not in state ``expect``)."""
    name = str(deck_file.path)
    source = deck_file.path if deck_file.folder is None else inside_target(deck_file.path, deck_file.folder)
    if source is None:
        raise DeckError([Problem(name, 1, 1, "", "is a symbolic link that leads outside the decks folder; "
                                 "it is not read (copy the file into the folder instead)", "warning")])
    try:
        with open(source, "rb") as handle:
            before = FileState.of(os.fstat(handle.fileno()))
            if expect is not None and before != expect:
                raise Unsettled(name)
            if before.size > MAX_FILE_BYTES:
                raise DeckError([Problem(name, 1, 1, "", f"file is larger than {MAX_FILE_BYTES} bytes")])
            raw = handle.read(MAX_FILE_BYTES + 1)
            after = FileState.of(os.fstat(handle.fileno()))
    except OSError as exc:
        raise DeckError([Problem(name, 1, 1, "", f"cannot read file: {exc.strerror}")]) from None
    if after != before or len(raw) != before.size:
        raise Unsettled(name)
    return raw
