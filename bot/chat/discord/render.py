"""Neutral messages to Discord embeds, buttons and text. Layout only; no game logic.

Discord's limits are respected here, in one place: content 2,000 characters, embed title 256,
description 4,096, field name 256 and value 1,024, footer 2,048, 6,000 per embed in all; button
labels 80, five buttons a row, five rows. Text from members (names, typed answers, queries)
goes through :func:`name`, so it shows as typed and cannot format the embed or hide a link;
text from decks is Markdown by design and renders as formatting. Nothing here can ping anyone
(embeds never ping, and every send also carries ``AllowedMentions.none()``).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import discord

from bot.chat import plain
from bot.chat.discord.views import (
    AnswerButton,
    DefineButton,
    HintButton,
    ReportButton,
    ReviewStopButton,
    TypeAnswerButton,
    clip,
)
from bot.quiz import messages as m

MAX_CONTENT = 2000
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELD_NAME = 256
MAX_FIELD = 1024
MAX_FOOTER = 2048
MAX_EMBED_TOTAL = 6000
ROW_SIZE = 5

NO_MENTIONS = discord.AllowedMentions.none()

BLURPLE = discord.Colour.blurple()
GREEN = discord.Colour.green()
RED = discord.Colour.red()
GREY = discord.Colour.light_grey()


@dataclass(frozen=True)
class Rendered:
    """What one message becomes: text, an embed, buttons, an attached file (each may be None).
    A :class:`discord.File` is read once: render again for another send."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    attachment: tuple[str, bytes] | None = None
    """(file name, bytes) of a file sent with the message (a file reply); never in ``send_options``:
    a ``discord.File`` is read once, so the sender makes one per send (:meth:`file`)."""

    def file(self) -> discord.File | None:
        if self.attachment is None:
            return None
        return discord.File(io.BytesIO(self.attachment[1]), filename=self.attachment[0])


def send_options(rendered: Rendered) -> dict[str, Any]:
    """Keyword arguments for a send: only the parts present, and never a mention."""
    options: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    for key in ("content", "embed", "view"):
        value = getattr(rendered, key)
        if value is not None:
            options[key] = value
    return options


def render(message: m.Message) -> Rendered:
    if isinstance(message, m.QuestionCard):
        return Rendered(embed=question_embed(message), view=question_view(message))
    if isinstance(message, m.Reveal):
        return Rendered(embed=reveal_embed(message), view=report_view(message.deck_id, message.card_id))
    if isinstance(message, m.Leaderboard):
        return Rendered(embed=leaderboard_embed(message))
    if isinstance(message, m.Definition):
        return Rendered(embed=definition_embed(message), view=definition_view(message))
    if isinstance(message, m.DidYouMean):
        return did_you_mean(message)
    if isinstance(message, m.Stats):
        return Rendered(embed=stats_embed(message))
    if isinstance(message, m.SessionResult):
        return Rendered(content=clip(plain.session_result(message, name), MAX_CONTENT))
    if isinstance(message, m.SlotSkipped):
        return Rendered(content=clip(name(message.text), MAX_CONTENT))
    if isinstance(message, m.FileReply):
        return Rendered(content=clip(name(message.caption), MAX_CONTENT),
                        attachment=(message.filename, message.content.encode("utf-8")))
    if isinstance(message, m.WeeklyDigest):
        return digest(message)
    return Rendered(content=notice_text(message))


def name(text: str) -> str:
    """Member text (a name, a typed answer, a query) shown as typed: ``*_~`|`` escaped, and a
    quote, heading or list marker at a line start, and a masked link ``[text](url)``
    (discord.py's ``escape_markdown``); ``@everyone``, ``@here`` and user or role mentions
    broken with a zero-width space (``escape_mentions``), on top of ``allowed_mentions``."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _when(moment: float) -> str:
    """A Discord timestamp (shown in each reader's own time zone) with the UTC time beside it."""
    stamp = int(moment)
    utc = datetime.fromtimestamp(moment, UTC).strftime("%H:%M UTC")
    return f"<t:{stamp}:t> (<t:{stamp}:R>, {utc})"


def _embed(title: str, description: str, colour: discord.Colour) -> discord.Embed:
    return discord.Embed(title=clip(title, MAX_TITLE), description=clip(description, MAX_DESCRIPTION),
                         colour=colour)


def _field(embed: discord.Embed, title: str, value: str, inline: bool = False) -> None:
    if value:
        embed.add_field(name=clip(title, MAX_FIELD_NAME), value=clip(value, MAX_FIELD), inline=inline)


def _fit(embed: discord.Embed) -> discord.Embed:
    """Shorten the description until the whole embed fits Discord's 6,000 characters."""
    excess = len(embed) - MAX_EMBED_TOTAL
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - excess))
    while len(embed) > MAX_EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed


# -- questions and reveals -------------------------------------------------------------


def question_embed(card: m.QuestionCard) -> discord.Embed:
    if card.review:
        return _review_embed(card)
    head = f"Question {card.position[0]} of {card.position[1]}" if card.position else "Question"
    lines = [card.prompt, ""]
    if card.kind == "choice":
        lines += [f"**{label}**) {option}" for label, option in zip(card.labels, card.options, strict=True)]
        how = "Pick an option below, or type it."
    else:
        how = "Press **Type answer** and type it; only you see what you typed."
    embed = _embed(f"{head}: {card.deck_title}", "\n".join(lines).strip(), BLURPLE)
    _field(embed, "How to answer", how)
    _field(embed, "Closes", _when(card.closes_at), inline=True)
    if card.answered:
        _field(embed, "Answered", f"{card.answered} so far", inline=True)
    embed.set_footer(text=clip(f"Round {card.round_id}. Answers are revealed at the close.", MAX_FOOTER))
    return _fit(embed)


def _review_embed(card: m.QuestionCard) -> discord.Embed:
    lines = [card.prompt, ""]
    if card.kind == "choice":
        lines += [f"**{label}**) {option}" for label, option in zip(card.labels, card.options, strict=True)]
    embed = _embed(f"Review: {card.deck_title}", "\n".join(lines).strip(), BLURPLE)
    _field(embed, "Due", f"{card.due} card(s)", inline=True)
    embed.set_footer(text="Only you see this review; it never counts on a leaderboard.")
    return _fit(embed)


def question_view(card: m.QuestionCard) -> discord.ui.View:
    """One button per option (five a row), then "Type answer" on its own row (with Stop for a review)."""
    view = discord.ui.View(timeout=None)
    if card.kind == "choice":
        for i, (label, option) in enumerate(zip(card.labels, card.options, strict=True)):
            view.add_item(AnswerButton(card.round_id, i, f"{label}) {option}", row=i // ROW_SIZE, review=card.review))
    rows = (len(card.options) + ROW_SIZE - 1) // ROW_SIZE if card.kind == "choice" else 0
    view.add_item(TypeAnswerButton(card.round_id, row=min(rows, 4), review=card.review))
    if card.kind == "text":
        view.add_item(HintButton(card.round_id, row=min(rows, 4), review=card.review))
    if card.review:
        view.add_item(ReviewStopButton(row=min(rows, 4)))
    return view


def report_view(deck_id: str, card_id: str) -> discord.ui.View:
    """The reveal's one button: "Report a wrong card" (none when the card is unknown)."""
    view = discord.ui.View(timeout=None)
    if deck_id and card_id:
        view.add_item(ReportButton(deck_id, card_id))
    return view


def reveal_embed(reveal: m.Reveal) -> discord.Embed:
    embed = _embed(f"Round {reveal.round_id} closed: {reveal.deck_title}", reveal.prompt, GREEN)
    if reveal.correct is not None:
        answer = f"**{reveal.labels[reveal.correct]}**) {reveal.answer}"
    else:
        answer = f"**{reveal.answer}**"
    _field(embed, "Answer", answer)
    if reveal.tally and reveal.answered:
        picked = ", ".join(f"{label} {share}%"
                           for label, share in zip(reveal.labels, reveal.shares, strict=True))
        _field(embed, "Picked", picked)
    _field(embed, "Why", reveal.explanation)
    _field(embed, "Source", reveal.source)
    more = reveal.right - len(reveal.winners)
    winners = ", ".join(name(w) for w in reveal.winners) + (f" and {more} more" if more > 0 else "")
    _field(embed, f"Right ({reveal.right} of {reveal.answered})", winners or "nobody")
    if reveal.link:
        embed.url = reveal.link  # the title links to the round's result page
        _field(embed, "Results", reveal.link)
    if reveal.leaderboard and reveal.leaderboard.rows:
        _field(embed, reveal.leaderboard.title, "\n".join(_row(r) for r in reveal.leaderboard.rows))
    return _fit(embed)


# -- standings -------------------------------------------------------------------------


def _row(row: m.LeaderboardRow) -> str:
    return (f"`{row.rank:>2}.` {name(row.name)}: **{row.points}** pts "
            f"({row.correct}/{row.answered}, {row.accuracy_percent}%)")


def leaderboard_embed(board: m.Leaderboard) -> discord.Embed:
    lines = [_row(r) for r in board.rows] or ["Nobody has scored yet."]
    if board.you:
        lines += ["…", _row(board.you) + " (you)"]
    return _fit(_embed(board.title, "\n".join(lines), GREY))


def digest(week: m.WeeklyDigest) -> Rendered:
    """The digest as an embed (board, hardest card, streaks) with the chart attached and shown
    as the embed's image (``attachment://NAME``)."""
    lines = [_row(r) for r in week.board.rows] or ["Nobody has scored yet."]
    embed = _embed(week.title, f"**{week.board.title}**\n" + "\n".join(lines), GREY)
    card = week.hardest
    if card is not None:
        _field(embed, "Hardest card", f"**{card.term}** ({card.correct}/{card.answered} right, "
                                      f"{card.percent_right}%; {card.deck_title})\n{card.definition}")
    if week.streaks:
        _field(embed, "Streaks", ", ".join(f"{name(s.name)} {s.current} (best {s.best})" for s in week.streaks))
    if not week.chart_png:
        return Rendered(embed=_fit(embed))
    embed.set_image(url=f"attachment://{week.chart_name}")
    return Rendered(embed=_fit(embed), attachment=(week.chart_name, week.chart_png))


def stats_embed(stats: m.Stats) -> discord.Embed:
    text = (f"{stats.answered} answered, {stats.correct} right ({stats.accuracy_percent}%), "
            f"{stats.points} points.\nStreak {stats.streak} (best {stats.best_streak}).\n*{m.STREAK_MEANING}*")
    embed = _embed(f"Stats for {name(stats.name)}", text, GREY)
    _field(embed, "Weakest tags", ", ".join(f"{t} {c}/{n}" for t, c, n in stats.weakest_tags))
    _field(embed, "Weakest cards", ", ".join(f"{t} {c}/{n}" for t, c, n in stats.weakest_cards))
    return _fit(embed)


# -- /define ---------------------------------------------------------------------------


def definition_embed(found: m.Definition) -> discord.Embed:
    embed = _embed(found.term, found.definition, BLURPLE)
    if found.aliases:
        _field(embed, "Also called", ", ".join(found.aliases))
    source = found.deck_title + (f", {found.source}" if found.source else "")
    _field(embed, "Source", source)
    if found.links:
        _field(embed, "Links", "\n".join(found.links))
    if found.see_also:
        _field(embed, "See also", ", ".join(ref.term for ref in found.see_also))
    if found.how not in ("exact", "alias"):
        embed.set_footer(text=clip(f"Closest match for {found.query!r}", MAX_FOOTER))
    return _fit(embed)


def suggestion_view(refs: tuple[m.CardRef, ...]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for i, ref in enumerate(refs[: ROW_SIZE * 5]):
        view.add_item(DefineButton(ref.deck_id, ref.card_id, ref.term, row=i // ROW_SIZE))
    return view


def definition_view(found: m.Definition) -> discord.ui.View:
    """The "see also" suggestions, then "Report a wrong card" on the row after them."""
    view = suggestion_view(found.see_also[: ROW_SIZE * 4])
    row = (len(view.children) + ROW_SIZE - 1) // ROW_SIZE
    view.add_item(ReportButton(found.deck_id, found.card_id, row=row))
    return view


def did_you_mean(miss: m.DidYouMean) -> Rendered:
    query = name(clip(miss.query, 100))
    if not miss.suggestions:
        return Rendered(content=f"No card for “{query}”, and nothing close. "
                                "Try a shorter term or an acronym.")
    return Rendered(content=f"No card for “{query}”. Did you mean:", view=suggestion_view(miss.suggestions))


# -- short replies ---------------------------------------------------------------------


_ADMIN_COMMAND = re.compile(
    r"/quiz (?=(?:close|answers|schedule (?:add|remove|pause|resume)|digest (?:add|now|remove)|season new"
    r"|group delete|reports|web (?:on|off|rotate))\b)")


def discord_commands(text: str) -> str:
    """Shared replies name admin actions the Slack way (``/quiz close``); on Discord they are
    ``/quizadmin close`` (see ``commands.py``), and a new season is confirmed (a report resolved)
    with an option."""
    return (_ADMIN_COMMAND.sub("/quizadmin ", text).replace("season new confirm`", "season new confirm:True`")
            .replace("reports resolve ID`", "reports resolve:ID`"))


def notice_text(notice: m.Notice) -> str:
    prefix = {"error": "⚠️ ", "ok": "✅ "}.get(notice.tone, "")
    lines = [prefix + notice.filled(name), *(f"• {line}" for line in notice.lines)]
    return clip(discord_commands("\n".join(lines)), MAX_CONTENT)
