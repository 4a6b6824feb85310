"""``/quiz misses``: the member's missed cards (:mod:`bot.quiz.misses`) as a file for them
alone (:mod:`bot.quiz.misses_files`), or a notice when there is none."""

from __future__ import annotations

from bot.deck.library import DeckLibrary
from bot.quiz import messages as m
from bot.quiz import misses_files
from bot.quiz.context import Context
from bot.quiz.misses import misses
from bot.quiz.ports import Member
from bot.store.misses import card_records


async def misses_file(ctx: Context, library: DeckLibrary, member: Member, fmt: str = "csv") -> m.FileReply | m.Notice:
    """``/quiz misses [csv|yaml]``: the member's missed cards as a file, for them alone."""
    fmt = (fmt or "csv").lower()
    if fmt not in misses_files.FORMATS:
        return m.error("Use `/quiz misses` (CSV for Anki and Quizlet) or `/quiz misses yaml` (a deck).")
    member_id = await ctx.stores.directory.member_id(member.key, member.name)
    missed = misses(await card_records(ctx.stores.db, member_id), library)
    if not missed:
        return m.Notice("You have no missed cards yet: none whose latest answer was wrong.")
    what = "CSV for Anki and Quizlet" if fmt == "csv" else "a deck (YAML)"
    return m.FileReply(misses_files.file_name(member.name, fmt), misses_files.render_file(missed, fmt, member.name),
                       f"Your {len(missed)} missed card(s), newest first, as {what}.")
