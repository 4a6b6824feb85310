"""The web pages as a person sees them, in headless Chromium (Debian's ``chromium``, driven by
Playwright with the system browser; ``.ci/run`` installs it). Each test loads pages from the
bot's real HTTP server over a known week (``tests/web/conftest.py``) and checks the visible
text; the page screenshots in docs/ are taken here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright

from tests.helpers import CHANNEL, member
from tests.web.conftest import SCRIPT_NAME, Site, open_site

CHROMIUM = "/usr/bin/chromium"
DOCS = Path(__file__).resolve().parents[2] / "docs"


pytestmark = pytest.mark.asyncio(loop_scope="module")
"""One event loop for the module, so one Chromium (and Playwright's driver) serves every test
here: starting them took about 0.7 s a test. Each test still gets its own site and page."""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="module")
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    """The conftest's site, made in this module's loop (the browser's)."""
    async with open_site(tmp_path) as made:
        yield made


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 900, "height": 700})
    try:
        yield await context.new_page()
    finally:
        await context.close()


async def board_rows(page: Page) -> list[str]:
    """Each row of the board as its visible cells, joined by single spaces."""
    return [" ".join(t.split()) for t in await page.locator("tbody tr").all_inner_texts()]


async def test_index_page_links_to_every_board_deck_and_round(site: Site, page: Page):
    await page.goto(await site.link())
    assert await page.locator("h1").inner_text() == "Quiz"
    text = await page.locator("body").inner_text()
    for shown in ("Whole server", "Channel 1", "Channel 2", "Group Readers", "Demo Deck", f"Round {site.rounds[-1]}"):
        assert shown in text
    await page.screenshot(path=DOCS / "web-index.png", full_page=True)


async def test_period_switch_changes_the_board(site: Site, page: Page):
    await page.goto(await site.link())
    await page.get_by_role("link", name="Channel 1").click()
    assert await page.locator("h1").inner_text() == "Leaderboard: Channel 1"
    assert await board_rows(page) == ["1 alice 20 2/2 100%", f"2 {SCRIPT_NAME} 10 1/1 100%", "3 bob 10 1/2 50%"]
    await page.screenshot(path=DOCS / "web-board.png", full_page=True)
    await page.get_by_role("link", name="This month").click()
    assert await page.locator(".switch strong").inner_text() == "This month"
    assert await board_rows(page) == ["1 bob 30 3/4 75%", "2 alice 20 2/3 67%", f"3 {SCRIPT_NAME} 10 1/1 100%"]


async def test_group_board_shows_only_its_members(site: Site, page: Page):
    await page.goto(await site.link())
    await page.get_by_role("link", name="Group Readers").click()
    assert await board_rows(page) == ["1 alice 30 3/3 100%"]


async def test_deck_card_answer_is_behind_details_and_opens_with_accuracy(site: Site, page: Page):
    await page.goto(await site.link())
    await page.get_by_role("link", name="Demo Deck").click()
    first = page.locator("details").first
    definition = first.locator("p").last
    assert not await definition.is_visible()  # closed: the answer is not shown
    summary = await first.locator("summary").inner_text()
    assert "% right" in summary or "not asked yet" in summary
    await first.locator("summary").click()
    assert await definition.is_visible()
    assert (await definition.inner_text()).strip() != ""
    asked = [s for s in await page.locator("summary").all_inner_texts() if "% right" in s]
    assert asked, "no card shows its accuracy from the week's answers"
    await page.screenshot(path=DOCS / "web-deck.png", full_page=True)


async def test_round_page_shows_answer_share_and_who_got_it(site: Site, page: Page):
    row = await site.service.ctx.stores.rounds.get(site.rounds[2])
    assert row is not None
    await page.goto(f"{await site.link()}rounds/{site.rounds[2]}")
    text = await page.locator("body").inner_text()
    assert f"Round {site.rounds[2]}" in text
    assert row.question.answer in text
    assert "Right: 2 of 3 (67%)" in text
    assert f"Who got it: alice, {SCRIPT_NAME}" in text  # the name shows as typed, as text
    assert await page.locator("script").count() == 0  # and it is no element
    await page.screenshot(path=DOCS / "web-round.png", full_page=True)


async def test_reveal_link_opens_the_round_page(site: Site, page: Page):
    from bot.quiz import messages as m

    last = site.chat.of_type(m.Reveal)[-1]
    await page.goto(last.link)
    assert await page.locator("h1").inner_text() == f"Round {last.round_id}"


async def test_hidden_member_is_not_shown_on_any_page(site: Site, page: Page):
    await site.service.web(CHANNEL, member("bob"), "hide-me")
    link = await site.link()
    for url in (f"{link}board?scope=server&period=month", f"{link}rounds/{site.rounds[0]}"):
        await page.goto(url)
        text = await page.locator("body").inner_text()
        assert "bob" not in text and "(hidden)" in text


async def test_rotated_link_shows_not_found(site: Site, page: Page):
    old = await site.link()
    await site.service.web(CHANNEL, member("admin", admin=True), "rotate")
    response = await page.goto(old)
    assert response is not None and response.status == 404
    assert "Not found" in await page.locator("body").inner_text()
    response = await page.goto(await site.link())
    assert response is not None and response.status == 200
