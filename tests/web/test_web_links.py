"""``/quiz web on|off|rotate|hide-me``, the link, and what the pages serve, over real HTTP (no browser)."""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape

from bot.chat import plain
from bot.config import load_settings
from bot.quiz import messages as m
from bot.quiz.commands import handle
from bot.quiz.ports import ChannelRef
from bot.quiz.settings import QuizSettings
from tests.helpers import ADMIN, CHANNEL, member
from tests.web.conftest import SCRIPT, SCRIPT_NAME, Site

OTHER_SERVER = ChannelRef("test", "test:W2", "C9")


async def test_web_on_gives_a_link_with_a_long_random_token(site: Site):
    link = await site.link()
    token = re.fullmatch(rf"{re.escape(site.origin)}/w/([A-Za-z0-9_-]+)/", link)
    assert token is not None, link
    assert len(token.group(1)) >= 43  # 32 random bytes, url-safe base64


async def test_pages_are_off_by_default_for_a_workspace(site: Site):
    assert await site.service.web_link(OTHER_SERVER.workspace) is None


async def test_each_workspace_gets_its_own_link(site: Site):
    admin2 = replace(ADMIN, key="test:W2:admin")
    await site.service.web(OTHER_SERVER, admin2, "on")
    first, second = await site.link(), await site.service.web_link(OTHER_SERVER.workspace)
    assert second is not None and second != first
    status, body = await site.get(second)
    assert status == 200
    assert "alice" not in body  # W2 has no plays: W1's members are not on its pages


async def test_index_lists_boards_decks_and_rounds(site: Site):
    status, body = await site.get(await site.link())
    assert status == 200
    assert "Whole server" in body and "Group Readers" in body and "Demo Deck" in body
    assert f"Round {site.rounds[-1]}" in body


async def test_off_makes_every_page_404(site: Site):
    link = await site.link()
    pages = [link, f"{link}board?scope=server&period=week", f"{link}decks/demo", f"{link}rounds/{site.rounds[-1]}"]
    assert [(await site.get(p))[0] for p in pages] == [200, 200, 200, 200]
    assert (await site.service.web(CHANNEL, ADMIN, "off")).tone == "ok"
    assert [(await site.get(p))[0] for p in pages] == [404, 404, 404, 404]
    assert await site.service.web_link(CHANNEL.workspace) is None


async def test_rotate_gives_a_new_link_and_the_old_one_404s(site: Site):
    old = await site.link()
    reply = await site.service.web(CHANNEL, ADMIN, "rotate")
    new = await site.link()
    assert reply.tone == "ok" and new in reply.text and new != old
    assert (await site.get(old))[0] == 404
    assert (await site.get(new))[0] == 200


async def test_a_made_up_token_is_404(site: Site):
    assert (await site.get(f"{site.origin}/w/{'A' * 43}/"))[0] == 404


async def test_non_admin_cannot_turn_pages_on_off_or_rotate(site: Site):
    link = await site.link()
    for action in ("on", "off", "rotate"):
        reply = await site.service.web(CHANNEL, member("bob"), action)
        assert reply.tone == "error" and "Only admins" in reply.text
    assert await site.link() == link
    assert (await site.get(link))[0] == 200


async def test_web_text_command_works_as_typed_in_slack_and_the_console(site: Site):
    replies = await handle(site.service, CHANNEL, ADMIN, "/quiz", "web rotate")
    link = await site.link()
    assert link in plain.render(replies[0])
    refused = await handle(site.service, CHANNEL, member("bob"), "/quiz", "web off")
    assert "Only admins" in plain.render(refused[0])
    shown = await handle(site.service, CHANNEL, member("bob"), "/quiz", "web link")
    assert link in plain.render(shown[0])


async def test_unknown_web_action_is_refused_and_changes_nothing(site: Site):
    link = await site.link()
    reply = await site.service.web(CHANNEL, ADMIN, "explode")
    assert reply.tone == "error" and "/quiz web on|off|rotate" in reply.text
    assert await site.link() == link


async def test_a_name_like_a_script_tag_shows_as_text(site: Site):
    link = await site.link()
    for page in (f"{link}board?scope=server&period=week", f"{link}rounds/{site.rounds[2]}"):
        status, body = await site.get(page)
        assert status == 200
        assert SCRIPT_NAME not in body
        assert escape(SCRIPT_NAME, quote=False) in body


async def test_pages_never_show_platform_ids(site: Site):
    link = await site.link()
    for page in (link, f"{link}board?scope=server&period=all", f"{link}rounds/{site.rounds[2]}",
                 f"{link}board?scope=channel-1&period=all"):
        _, body = await site.get(page)
        assert "test:W1" not in body and SCRIPT.key not in body


async def test_hidden_member_shows_as_hidden_until_shown_again(site: Site):
    link = await site.link()
    board = f"{link}board?scope=server&period=week"
    assert (await site.service.web(CHANNEL, member("alice"), "hide-me")).tone == "ok"
    _, body = await site.get(board)
    assert "alice" not in body and "(hidden)" in body
    _, result = await site.get(f"{link}rounds/{site.rounds[3]}")
    assert "alice" not in result and "(hidden)" in result
    await site.service.web(CHANNEL, member("alice"), "show-me")
    assert "alice" in (await site.get(board))[1]


async def test_a_round_of_another_workspace_is_404(site: Site):
    admin2 = replace(ADMIN, key="test:W2:admin")
    await site.service.web(OTHER_SERVER, admin2, "on")
    other = await site.service.web_link(OTHER_SERVER.workspace)
    assert (await site.get(f"{other}rounds/{site.rounds[0]}"))[0] == 404


async def test_reveal_links_to_the_round_page_when_pages_are_on(site: Site):
    reveals = site.chat.of_type(m.Reveal)
    assert reveals[0].link == ""  # last week, before `/quiz web on`
    last = reveals[-1]
    assert last.link == f"{await site.link()}rounds/{last.round_id}"
    assert f"Results: {last.link}" in plain.render(last)


def test_public_url_setting_sets_the_links_base(tmp_path):
    env = {"QUIZBOT_HTTP_ADDR": "127.0.0.1:8080", "QUIZBOT_PUBLIC_URL": "https://quiz.example.com/"}
    assert load_settings(env=env, config_file=tmp_path / "none.yaml").quiz.public_url == "https://quiz.example.com"
    only_addr = load_settings(env={"QUIZBOT_HTTP_ADDR": "127.0.0.1:8080"}, config_file=tmp_path / "none.yaml")
    assert only_addr.quiz.public_url == "http://127.0.0.1:8080"
    assert load_settings(env={}, config_file=tmp_path / "none.yaml").quiz.public_url == ""


async def test_without_an_http_server_web_on_is_refused(site: Site):
    site.service.ctx.settings = QuizSettings()
    reply = await site.service.web(CHANNEL, ADMIN, "rotate")
    assert reply.tone == "error" and "QUIZBOT_HTTP_ADDR" in reply.text
