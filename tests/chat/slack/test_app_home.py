"""The App Home tab: ``app_home_opened`` into the real bolt app, the view checked as the fake
Slack received it through ``views.publish``."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.chat.slack.conftest import SlackBot, click
from tests.chat.slack.play import play_rounds
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_requests import event_callback


def home_opened(user_id: str, tab: str = "home") -> Any:
    return event_callback({"type": "app_home_opened", "user": user_id, "channel": f"D{user_id}", "tab": tab,
                           "event_ts": "1700000000.000100"})


async def published(bot: SlackBot, user_id: str) -> dict[str, Any]:
    await bot.fake.wait_for("views.publish", lambda a: a.get("user_id") == user_id)
    await bot.settle()
    view = bot.fake.home_view(user_id)
    assert view is not None
    return view


def texts(view: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b.get("type") == "section"]


def review_buttons(view: dict[str, Any]) -> list[str]:
    return [b["accessory"]["action_id"] for b in view["blocks"] if "accessory" in b]


async def test_home_shows_the_weekly_rank_and_due_cards_with_a_review_button(http_bot: SlackBot) -> None:
    await play_rounds(http_bot, [{"U1": False, "U2": True}, {"U1": False, "U2": True}])
    http_bot.clock.advance(3600)  # a card missed is due again within the hour (fsrs's first step)
    assert (await http_bot.send(home_opened("U1"))).status == 200
    view = await published(http_bot, "U1")
    assert view["type"] == "home"
    lines = texts(view)
    assert any(line.startswith("*This week:* #2 in this workspace, 0 pts (0/2 right, 0%)") for line in lines)
    assert "*Due for review:* 2 cards" in lines
    assert review_buttons(view) == ["quiz:review:start"]
    assert not any("Web pages" in line for line in lines)  # no link given: no line


async def test_home_of_a_member_with_no_answers_has_no_rank_and_no_review_button(http_bot: SlackBot) -> None:
    assert (await http_bot.send(home_opened("U9"))).status == 200
    view = await published(http_bot, "U9")
    lines = texts(view)
    assert any("no answers yet" in line for line in lines)
    assert any(line.startswith("*Due for review:* none") for line in lines)
    assert review_buttons(view) == []


async def test_home_of_the_week_leader_shows_first_place(http_bot: SlackBot) -> None:
    await play_rounds(http_bot, [{"U1": False, "U2": True}])
    assert (await http_bot.send(home_opened("U2"))).status == 200
    lines = texts(await published(http_bot, "U2"))
    assert any(line.startswith("*This week:* #1 in this workspace, 10 pts (1/1 right, 100%)") for line in lines)


async def test_the_messages_tab_publishes_nothing(http_bot: SlackBot) -> None:
    assert (await http_bot.send(home_opened("U1", tab="messages"))).status == 200
    await http_bot.settle()
    assert http_bot.fake.calls("views.publish") == []


async def test_review_button_starts_the_private_review_in_the_members_direct_messages(http_bot: SlackBot) -> None:
    fake: FakeSlack = http_bot.fake
    await play_rounds(http_bot, [{"U1": False}])
    http_bot.clock.advance(3600)  # the missed card is due again
    assert (await http_bot.send(click("quiz:review:start", "U1", fake))).status == 200
    await http_bot.settle()
    assert [c["users"] for c in fake.calls("conversations.open")] == ["U1"]
    [posted] = [c for c in fake.calls("chat.postMessage") if c.get("channel") == "DU1"]
    blocks = json.loads(posted["blocks"]) if isinstance(posted["blocks"], str) else posted["blocks"]
    ids = re.findall(r"'action_id': '([^']+)'", str(blocks))
    assert ids and all(i.startswith("review:") for i in ids)  # a review question, never a channel round's


async def test_review_button_with_nothing_due_says_so_on_the_home_tab(http_bot: SlackBot) -> None:
    fake: FakeSlack = http_bot.fake
    await play_rounds(http_bot, [{"U1": True}])
    assert (await http_bot.send(click("quiz:review:start", "U1", fake))).status == 200
    view = await published(http_bot, "U1")
    assert view["blocks"][0]["type"] == "context"
    assert fake.calls("conversations.open") == []


def test_home_view_shows_the_web_link_line_only_when_a_link_is_given() -> None:
    from bot.chat.slack.home import home_view
    from bot.quiz import messages as m

    with_link = texts(home_view(m.Home("ann", None, 0, "https://quiz.example.com/w/abc")))
    assert "*Web pages:* <https://quiz.example.com/w/abc|boards and decks>" in with_link
    assert not any("Web pages" in line for line in texts(home_view(m.Home("ann", None, 0))))
