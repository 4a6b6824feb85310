"""What an import tells the user besides the card count: one line per thing it did not take as is.

Nothing an importer decides is silent: every skipped name, placeholder,
non-term, name kept apart and merge is a line here, so a reviewer can check
each against the note.
"""

from __future__ import annotations

from bot.deck.notes.draft import Imported


def import_report_lines(imported: Imported) -> list[str]:
    """The report lines of one import (indented, for under its ``N card(s)`` line)."""
    lines: list[str] = []
    if imported.suffix:
        lines.append(f"  suffix {imported.suffix!r} shared by every name was taken off before reading names")
    if imported.skipped:
        lines.append(f"  skipped (no text): {'; '.join(imported.skipped)}")
    if imported.placeholders:
        lines.append(f"  skipped (placeholder definition): {'; '.join(imported.placeholders)}")
    if imported.not_cards:
        lines.append(f"  not cards: {'; '.join(imported.not_cards)}")
    lines.extend(f"  kept apart: {line}" for line in imported.kept_apart)
    lines.extend(f"  merged: {line}" for line in imported.combined)
    return lines
