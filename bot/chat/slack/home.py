"""The App Home tab (``app_home_opened`` -> ``views.publish``): a member's own page.

It shows their rank this week on the whole workspace's board, how many cards are due for
review with a **Review** button (``quiz:review:start``), and the workspace's web link when
there is one. A notice (the reply to that button) can sit on top: the Home tab has no
channel, so a private reply to a click there is the page itself, published again.
"""

from __future__ import annotations

from typing import Any

from bot.chat.slack.render import _button, _context, _section, escape, literal
from bot.quiz import messages as m
from bot.quiz.actions import START_REVIEW_ID


def home_view(home: m.Home, notice: m.Notice | None = None) -> dict[str, Any]:
    """The ``home`` view for ``views.publish``."""
    blocks: list[dict[str, Any]] = []
    if notice is not None:
        blocks.append(_context(notice.filled(literal, escape)))
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "Your quiz", "emoji": False}})
    if home.rank is None:
        blocks.append(_section("*This week:* no answers yet. Answer a question in a channel to get on the board."))
    else:
        row = home.rank
        blocks.append(_section(f"*This week:* #{row.rank} in this workspace, {row.points} pts "
                               f"({row.correct}/{row.answered} right, {row.accuracy_percent}%)"))
    if home.due:
        due = _section(f"*Due for review:* {home.due} card{'s' if home.due != 1 else ''}")
        due["accessory"] = _button("Review", START_REVIEW_ID, "primary")
        blocks.append(due)
    else:
        blocks.append(_section("*Due for review:* none. Cards you miss come back here when they are due."))
    if home.web_link:
        blocks.append(_section(f"*Web pages:* <{home.web_link}|boards and decks>"))
    return {"type": "home", "blocks": blocks}
