"""Neutral messages as Block Kit, with a plain ``text`` fallback for notifications.

Layout only: what to show comes from the core. Every piece of text that comes
from a deck or a member goes through :func:`escape` before it reaches a
``mrkdwn`` field, so it can never ping (``<!channel>``, ``<!here>``, ``<@U1>``)
or hide a link (``<https://evil|harmless>``). Deck text is formatting by design
(``*bold*``, ``_italic_``, and Markdown's ``**bold**`` made Slack's ``*bold*``);
text from members (names, typed answers, queries) goes through :func:`literal`,
so ``*bold*`` in a display name shows its asterisks instead of bold. ``plain_text`` fields (buttons,
modal titles) are never parsed for mentions or links and are only clipped.

Slack's limits are respected by construction: a section's text is clipped to
3,000 characters, a button's text to 75, an actions block holds at most 25
elements and a message at most 50 blocks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.chat import plain
from bot.quiz import messages as m
from bot.quiz.actions import (
    AnswerAction,
    DefineAction,
    HintAction,
    ReportAction,
    ReviewStopAction,
    TypeAnswerAction,
)

Block = dict[str, Any]

MAX_SECTION = 3000
MAX_BUTTON_TEXT = 75
MAX_BLOCKS = 50
MAX_ELEMENTS = 25
MAX_FALLBACK = 3000
MAX_CONTEXT = 2000
MAX_TITLE = 24

ANSWER_BLOCK = "answer"
ANSWER_INPUT = "text"

_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_MARKDOWN_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_FORMATTING = re.compile(r"[*_~`]")
_QUOTE = re.compile(r"^([ \t]*)&gt;", re.MULTILINE)
ZERO_WIDTH_SPACE = "\u200b"


@dataclass(frozen=True)
class Rendered:
    """What ``chat.postMessage``/``chat.update``/``chat.postEphemeral`` and
    ``respond()`` take: the fallback ``text`` and the ``blocks``."""

    text: str
    blocks: list[Block]


# -- text -----------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text made inert for ``mrkdwn``: ``&``, ``<`` and ``>`` as entities (no mention,
    channel link or hidden link can form) and a zero-width joiner in a bare
    ``@channel``/``@here``/``@everyone`` in case a client ever links those names.
    For deck text, which is Markdown: its ``**bold**`` becomes Slack's ``*bold*``."""
    return _MARKDOWN_BOLD.sub(r"*\1*", _inert(text))


def _inert(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda hit: "@\u2060" + hit.group(1), text)


def literal(text: str) -> str:
    """Member text that shows exactly as typed: nothing pings or links (as :func:`escape`),
    and nothing formats either.

    Slack's ``mrkdwn`` has no escape character (a backslash shows as itself), so each of
    ``* _ ~ ` `` gets a zero-width space on both sides, and a ``>`` starting a line one
    before it. A marker only formats when it touches a word on one side and a boundary on
    the other; with an invisible space on both sides it does neither, whether Slack takes
    that space for a letter or for a blank. The characters themselves are kept, so the
    text reads (and copies) as typed.
    """
    text = _FORMATTING.sub(lambda hit: ZERO_WIDTH_SPACE + hit.group(0) + ZERO_WIDTH_SPACE, _inert(text))
    return _QUOTE.sub(lambda hit: hit.group(1) + ZERO_WIDTH_SPACE + "&gt;", text)


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, ending in an ellipsis when cut; never ends in
    half an entity (``&am``)."""
    if len(text) <= limit:
        return text
    cut = _PARTIAL_ENTITY.sub("", text[: limit - 1])
    return cut + "…"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, MAX_SECTION) or " "}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, MAX_CONTEXT)}]}


def _button(text: str, action_id: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, MAX_BUTTON_TEXT), "emoji": False},
        "action_id": action_id,
        "value": action_id,
    }
    if style:
        button["style"] = style
    return button


def _actions(buttons: list[Block]) -> Block:
    return {"type": "actions", "elements": buttons[:MAX_ELEMENTS]}


def _when(moment: float) -> str:
    """A time Slack shows in each reader's own time zone (UTC as the fallback)."""
    fallback = datetime.fromtimestamp(moment, UTC).strftime("%H:%M UTC")
    return f"<!date^{int(moment)}^{{time}}|{fallback}>"


# -- messages -------------------------------------------------------------------------


def render(message: m.Message) -> Rendered:
    """Block Kit for one neutral message, plus the escaped plain-text fallback."""
    blocks = _blocks(message)[:MAX_BLOCKS]
    text = clip(escape(plain.layout(message)), MAX_FALLBACK)
    return Rendered(text, blocks)


def _blocks(message: m.Message) -> list[Block]:
    if isinstance(message, m.QuestionCard):
        return _question(message)
    if isinstance(message, m.Reveal):
        return _reveal(message)
    if isinstance(message, m.Leaderboard):
        return _leaderboard(message)
    if isinstance(message, m.Definition):
        return _definition(message)
    if isinstance(message, m.DidYouMean):
        return _did_you_mean(message)
    if isinstance(message, m.Stats):
        return _stats(message)
    if isinstance(message, m.SessionResult):
        return [_section(plain.session_result(message, literal))]
    if isinstance(message, m.SlotSkipped):
        return [_context(escape(message.text))]
    if isinstance(message, m.FileReply):  # short enough to show (longer ones are uploaded instead)
        return [_section(escape(message.caption)), _section(f"```{_inert(message.content)}```")]
    if isinstance(message, m.WeeklyDigest):
        return _digest(message)
    return _notice(message)


def _question(card: m.QuestionCard) -> list[Block]:
    if card.review:
        return _review_question(card)
    head = f"Question {card.position[0]} of {card.position[1]}" if card.position else "Question"
    blocks = [_section(f"*{head}* · {escape(card.deck_title)}\n{escape(card.prompt)}")]
    if card.kind == "choice":
        lines = [f"*{label}.* {escape(option)}" for label, option in zip(card.labels, card.options, strict=True)]
        blocks.append(_section("\n".join(lines)))
        blocks.append(_actions([
            _button(f"{label}. {option}", AnswerAction(card.round_id, i).pack())
            for i, (label, option) in enumerate(zip(card.labels, card.options, strict=True))
        ]))
        how = "Pick an option"
    else:
        blocks.append(_actions([_button("Answer", TypeAnswerAction(card.round_id).pack(), "primary"),
                                _button("Hint", HintAction(card.round_id).pack())]))
        how = "Type your answer (a hint halves your points)"
    status = f"{how}; closes at {_when(card.closes_at)}. Only you see your answer until then."
    if card.answered:
        status += f" *{card.answered} answered so far.*"
    blocks.append(_context(status))
    return blocks


def _reveal(reveal: m.Reveal) -> list[Block]:
    if reveal.correct is not None:
        answer = f"{reveal.labels[reveal.correct]}. {escape(reveal.answer)}"
    else:
        answer = escape(reveal.answer)
    blocks = [
        _section(f"*Round {reveal.round_id} closed* · {escape(reveal.deck_title)}\n{escape(reveal.prompt)}"),
        _section(f":white_check_mark: *Answer:* {answer}"),
    ]
    if reveal.tally:
        lines = []
        for i, (label, option, count) in enumerate(zip(reveal.labels, reveal.options, reveal.tally, strict=True)):
            share = f"{reveal.shares[i]}%"
            mark = " :white_check_mark:" if i == reveal.correct else ""
            lines.append(f"*{label}.* {escape(option)}: {count} ({share}){mark}")
        blocks.append(_section("\n".join(lines)))
    if reveal.explanation:
        blocks.append(_section(f"*Why:* {escape(reveal.explanation)}"))
    more = reveal.right - len(reveal.winners)
    winners = ", ".join(literal(w) for w in reveal.winners) + (f" and {more} more" if more > 0 else "")
    blocks.append(_section(f"*Right ({reveal.right} of {reveal.answered}):* {winners or 'nobody'}"))
    if reveal.source:
        blocks.append(_context(f"Source: {escape(reveal.source)}"))
    if reveal.link:  # a URL the bot built (base URL + token + round id): nothing a member typed
        blocks.append(_context(f"<{reveal.link}|Round results on the web>"))
    if reveal.deck_id and reveal.card_id:  # about the card, so above the leaderboard
        blocks.append(_actions([_report_button(reveal.deck_id, reveal.card_id)]))
    if reveal.leaderboard and reveal.leaderboard.rows:
        blocks.append({"type": "divider"})
        blocks.extend(_leaderboard(reveal.leaderboard))
    return blocks


def _report_button(deck_id: str, card_id: str) -> Block:
    """"Report": the card is wrong (``report:<deck>:<card>``)."""
    return _button("Report a wrong card", ReportAction(deck_id, card_id).pack())


def _row(row: m.LeaderboardRow) -> str:
    # the name is not bolded: a name starting or ending in ``*`` could unbalance the bold
    return (f"{row.rank}. {literal(row.name)}: *{row.points}* pts "
            f"({row.correct}/{row.answered}, {row.accuracy_percent}%)")


def _leaderboard(board: m.Leaderboard) -> list[Block]:
    lines = [_row(row) for row in board.rows] or ["Nobody has scored yet."]
    if board.you:
        lines += ["…", _row(board.you) + " (you)"]
    return [_section(f"*{escape(board.title)}*\n" + "\n".join(lines))]


def _digest(digest: m.WeeklyDigest) -> list[Block]:
    """Title, board, hardest card and streaks; the chart follows as a file (``upload_chart``)."""
    blocks = [_section(f"*{escape(digest.title)}*"), *_leaderboard(digest.board)]
    card = digest.hardest
    if card is not None:
        blocks.append(_section(f"*Hardest card:* {escape(card.term)} ({card.correct}/{card.answered} right, "
                               f"{card.percent_right}%)\n{escape(card.definition)}"))
        blocks.append(_context(f"Deck: {escape(card.deck_title)}"))
    if digest.streaks:
        blocks.append(_section("*Streaks:* " + ", ".join(f"{literal(s.name)} {s.current} (best {s.best})"
                                                        for s in digest.streaks)))
    return blocks


def _define_buttons(refs: tuple[m.CardRef, ...]) -> list[Block]:
    return [_button(ref.term, DefineAction(ref.deck_id, ref.card_id).pack()) for ref in refs]


def _definition(d: m.Definition) -> list[Block]:
    names = f" ({escape(', '.join(d.aliases))})" if d.aliases else ""
    blocks = [_section(f"*{escape(d.term)}*{names}\n{escape(d.definition)}")]
    where = f"Deck: {escape(d.deck_title)}"
    if d.source:
        where += f" · Source: {escape(d.source)}"
    if d.links:
        where += " · " + " ".join(escape(link) for link in d.links)
    blocks.append(_context(where))
    if d.see_also:
        blocks.append(_context("See also:"))
        blocks.append(_actions(_define_buttons(d.see_also)))
    blocks.append(_actions([_report_button(d.deck_id, d.card_id)]))
    return blocks


def _did_you_mean(miss: m.DidYouMean) -> list[Block]:
    query = literal(clip(miss.query, 200))
    if not miss.suggestions:
        return [_section(f"No card for “{query}”, and nothing close. Try a shorter term or an acronym.")]
    return [_section(f"No card for “{query}”. Did you mean:"), _actions(_define_buttons(miss.suggestions))]


def _stats(s: m.Stats) -> list[Block]:
    lines = [f"*Stats for* {literal(s.name)}",
             f"{s.answered} answered, {s.correct} right ({s.accuracy_percent}%), {s.points} points",
             f"Streak {s.streak} (best {s.best_streak}) _({m.STREAK_MEANING})_"]
    if s.weakest_tags:
        lines.append("Weakest tags: " + ", ".join(f"{escape(t)} {c}/{n}" for t, c, n in s.weakest_tags))
    if s.weakest_cards:
        lines.append("Weakest cards: " + ", ".join(f"{escape(t)} {c}/{n}" for t, c, n in s.weakest_cards))
    return [_section("\n".join(lines))]


_TONE = {"error": ":warning: ", "ok": ":white_check_mark: ", "info": ""}


def _notice(notice: m.Notice) -> list[Block]:
    text = _TONE[notice.tone] + notice.filled(literal, escape)
    if notice.lines:
        text += "\n" + "\n".join(f"• {escape(line)}" for line in notice.lines)
    return [_section(text)]


# -- the free-text answer box ----------------------------------------------------------


def _review_question(card: m.QuestionCard) -> list[Block]:
    """A private review question: the round's buttons with the review kind, and Stop."""
    blocks = [_section(f"*Review* · {card.due} due · {escape(card.deck_title)}\n{escape(card.prompt)}")]
    stop = _button("Stop", ReviewStopAction().pack())
    if card.kind == "choice":
        lines = [f"*{label}.* {escape(option)}" for label, option in zip(card.labels, card.options, strict=True)]
        blocks.append(_section("\n".join(lines)))
        blocks.append(_actions([
            *(_button(f"{label}. {option}", AnswerAction(card.round_id, i, review=True).pack())
              for i, (label, option) in enumerate(zip(card.labels, card.options, strict=True))), stop]))
    else:
        blocks.append(_actions([_button("Answer", TypeAnswerAction(card.round_id, review=True).pack(), "primary"),
                                _button("Hint", HintAction(card.round_id, review=True).pack()), stop]))
    blocks.append(_context("Only you see this review; it never counts on a leaderboard."))
    return blocks


def answer_modal(card: m.QuestionCard, channel_id: str, max_chars: int) -> dict[str, Any]:
    """The modal behind a free-text round's "Answer" button.

    ``callback_id`` is the shared ``quiz:type:<round>`` id, so the submit finds its
    round after a restart; ``private_metadata`` carries the channel for the
    "answer recorded" reply.
    """
    return {
        "type": "modal",
        "callback_id": TypeAnswerAction(card.round_id, card.review).pack(),
        "private_metadata": json.dumps({"channel": channel_id}),
        "title": {"type": "plain_text", "text": "Your answer"},
        "submit": {"type": "plain_text", "text": "Answer"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            _section(f"*{escape(card.deck_title)}*\n{escape(card.prompt)}"),
            {
                "type": "input",
                "block_id": ANSWER_BLOCK,
                "label": {"type": "plain_text", "text": "Your answer"},
                "element": {"type": "plain_text_input", "action_id": ANSWER_INPUT, "max_length": max_chars},
            },
            _context("Only you see it. The answer is revealed when the round closes."),
        ],
    }
