"""Messages as plain text: the console's renderer, and (with its Markdown left
in, see :func:`layout`) the notification fallback that Slack shows in previews.
Layout only; no game logic.

:func:`render` shows no Markdown: text the bot and the decks write for chat
(``Try `/quiz help`.``, ``**bold**`` or a ``[link](url)`` in a card) loses the
syntax and keeps the words. What members wrote (names, queries, echoed input)
is data and is shown exactly as typed, stars and all. Only these inline forms
are rewritten, by small patterns rather than a Markdown parser: a parser would
also read the layout of the text itself (numbered rows as lists, indented
options as code).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone

from bot.quiz import messages as m


def _when(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%H:%M:%S UTC")


_FENCE = re.compile(r"```[\w+-]*\n?(.*?)\n?```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")  # not __bold__: "____" blanks and __init__ stay
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")


def _link(match: re.Match[str]) -> str:
    text, url = match.group(1), match.group(2)
    return url if text.strip() == url else f"{text} ({url})"


def plain_text(text: str) -> str:
    """``text`` without Markdown syntax: code spans and fences, bold, italic and links
    become their words (a link keeps its address in brackets). Other text is unchanged."""
    if not any(mark in text for mark in "`*["):
        return text
    text = _FENCE.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _LINK.sub(_link, text)
    text = _BOLD.sub(r"\1", text)
    return _ITALIC.sub(r"\1", text)


def render(message: m.Message) -> str:
    """The whole message as lines of plain text: no Markdown, member text as typed."""
    return layout(message, plain_text)


def layout(message: m.Message, fmt: Callable[[str], str] = str) -> str:
    """The message as lines of text, bot and deck text passed through ``fmt``; by default
    its Markdown is left as written (Slack formats its fallback text itself)."""
    if isinstance(message, m.QuestionCard):
        if message.review:
            head = f"Review ({message.due} due, {fmt(message.deck_title)})"
        else:
            number = f"Question {message.position[0]} of {message.position[1]}" if message.position else "Question"
            head = f"{number} (round {message.round_id}, {fmt(message.deck_title)})"
        lines = [head, fmt(message.prompt)]
        lines += [f"  {label}) {fmt(option)}"
                  for label, option in zip(message.labels, message.options, strict=True)]
        how = (f"Answer with a letter ({'/'.join(message.labels)})" if message.kind == "choice"
               else "Type your answer")
        if message.review:
            lines.append(f"{how}; only you see this review. `/quiz review stop` ends it.")
        else:
            lines.append(f"{how}; closes at {_when(message.closes_at)}.")
            if message.answered:
                lines.append(f"{message.answered} answered so far.")
        return "\n".join(lines)
    if isinstance(message, m.Reveal):
        if message.correct is not None:
            answer = f"{message.labels[message.correct]}) {fmt(message.answer)}"
        else:
            answer = fmt(message.answer)
        lines = [f"Round {message.round_id} closed. {fmt(message.prompt)}", f"Answer: {answer}"]
        if message.tally and message.answered:
            shares = ", ".join(f"{label} {share}%"
                               for label, share in zip(message.labels, message.shares, strict=True))
            lines.append(f"Picked: {shares}")
        if message.explanation:
            lines.append(f"Why: {fmt(message.explanation)}")
        if message.source:
            lines.append(f"Source: {fmt(message.source)}")
        lines.append(f"Right ({message.right} of {message.answered}): {message.winners_text}")
        if message.link:
            lines.append(f"Results: {message.link}")
        if message.leaderboard and message.leaderboard.rows:
            lines.append(layout(message.leaderboard, fmt))
        return "\n".join(lines)
    if isinstance(message, m.Leaderboard):
        lines = [fmt(message.title)]
        if not message.rows:
            lines.append("  nobody has scored yet")
        for row in message.rows:
            lines.append(_row(row))
        if message.you:
            lines.append("  ...")
            lines.append(_row(message.you) + "  (you)")
        return "\n".join(lines)
    if isinstance(message, m.Definition):
        names = f" ({', '.join(map(fmt, message.aliases))})" if message.aliases else ""
        deck = f"Deck: {fmt(message.deck_title)}" + (f"; source: {fmt(message.source)}" if message.source else "")
        lines = [f"{fmt(message.term)}{names}", fmt(message.definition), deck]
        if message.see_also:
            lines.append("See also: " + ", ".join(fmt(ref.term) for ref in message.see_also))
        return "\n".join(lines)
    if isinstance(message, m.DidYouMean):
        if message.suggestions:
            return f"No card for {message.query!r}. Did you mean: " + ", ".join(
                fmt(s.term) for s in message.suggestions) + "?"
        return f"No card for {message.query!r}, and nothing close. Try a shorter term or an acronym."
    if isinstance(message, m.Stats):
        summary = (f"Stats for {message.name}: {message.answered} answered, {message.correct} right "
                   f"({message.accuracy_percent}%), {message.points} points, streak {message.streak} "
                   f"(best {message.best_streak})")
        lines = [summary, f"({m.STREAK_MEANING})"]
        if message.weakest_tags:
            lines.append("Weakest tags: " + ", ".join(f"{fmt(t)} {c}/{n}" for t, c, n in message.weakest_tags))
        if message.weakest_cards:
            lines.append("Weakest cards: " + ", ".join(f"{fmt(t)} {c}/{n}" for t, c, n in message.weakest_cards))
        return "\n".join(lines)
    if isinstance(message, m.SessionResult):
        return session_result(message, str)
    if isinstance(message, m.SlotSkipped):
        return message.text
    if isinstance(message, m.FileReply):
        return f"{message.caption}\n{message.content}"
    if isinstance(message, m.WeeklyDigest):
        return weekly_digest(message, fmt, str)
    prefix = "Error: " if message.tone == "error" else ""
    return "\n".join([prefix + message.filled(str, fmt), *(f"  {fmt(line)}" for line in message.lines)])


def weekly_digest(digest: m.WeeklyDigest, fmt: Callable[[str], str], literal: Callable[[str], str]) -> str:
    """The digest's text (the chart travels beside it): board, hardest card, streaks; member
    names through ``literal``, deck text through ``fmt``."""
    lines = [digest.title, layout(m.Leaderboard(digest.board.title, tuple(
        m.LeaderboardRow(r.rank, literal(r.name), r.points, r.correct, r.answered) for r in digest.board.rows)), fmt)]
    card = digest.hardest
    if card is not None:
        lines.append(f"Hardest card: {fmt(card.term)} ({card.correct}/{card.answered} right, "
                     f"{card.percent_right}%; {fmt(card.deck_title)})")
        lines.append(f"  {fmt(card.definition)}")
    if digest.streaks:
        lines.append("Streaks: " + ", ".join(f"{literal(s.name)} {s.current} (best {s.best})"
                                             for s in digest.streaks))
    return "\n".join(lines)


def session_result(result: m.SessionResult, literal: Callable[[str], str]) -> str:
    """"Session over: alice 4/5, bob 3/5", names passed through ``literal`` (a renderer's escaping)."""
    head = "Session stopped" if result.stopped else "Session over"
    if not result.scores:
        return f"{head}: {result.asked} question(s) asked, nobody answered."
    players = ", ".join(f"{literal(s.name)} {s.correct}/{result.asked}" for s in result.scores)
    return f"{head}: {players}" + (f" and {result.more} more" if result.more else "")


def _row(row: m.LeaderboardRow) -> str:
    return f"  {row.rank:>2}. {row.name}: {row.points} pts ({row.correct}/{row.answered}, {row.accuracy_percent}%)"
