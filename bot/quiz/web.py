"""``/quiz web on|off|rotate|hide-me|show-me|link`` and the link to a workspace's pages.

The pages are off until an admin turns them on. Each workspace then has one link holding
an unguessable token (:func:`secrets.token_urlsafe`, 32 bytes, about 256 bits), stored in the
database so every process serves the same link; ``rotate`` replaces the token (the old link
stops working at once) and ``off`` deletes it (every page is then unknown). Members can ask to
be shown as "(hidden)" on every page. This module only decides and stores; the pages are
served by :mod:`bot.web`.
"""

from __future__ import annotations

import secrets

from bot.quiz import messages as m
from bot.quiz.context import Context
from bot.quiz.ports import ChannelRef, Member

TOKEN_BYTES = 32
WEB_ACTIONS = ("on", "off", "rotate", "hide-me", "show-me", "link")
ADMIN_ACTIONS = frozenset({"on", "off", "rotate"})
USAGE = "Use `/quiz web on|off|rotate` (admins), `/quiz web link`, `/quiz web hide-me` or `/quiz web show-me`."
NO_SERVER = ("The web pages need the bot's HTTP server: set QUIZBOT_HTTP_ADDR "
             "(and QUIZBOT_PUBLIC_URL for the address members open).")


def page_url(base: str, token: str, path: str = "") -> str:
    """The address of a page under a workspace's token (``path`` without a leading slash)."""
    return f"{base.rstrip('/')}/w/{token}/{path}"


async def web_link(ctx: Context, workspace: str) -> str | None:
    """The workspace's pages (its index), or None when they are off or nothing serves them."""
    base = ctx.settings.public_url
    if not base:
        return None
    token = await ctx.stores.web.token_of(workspace)
    return page_url(base, token) if token else None


async def round_link(ctx: Context, workspace: str, round_id: int) -> str | None:
    """The result page of a closed round, for its reveal; None when the pages are off."""
    base = ctx.settings.public_url
    if not base:
        return None
    token = await ctx.stores.web.token_of(workspace)
    return page_url(base, token, f"rounds/{round_id}") if token else None


async def web_command(ctx: Context, channel: ChannelRef, member: Member, action: str) -> m.Notice:
    """Run one ``/quiz web`` action for ``member`` in ``channel``'s workspace."""
    action = action.strip().lower()
    if action not in WEB_ACTIONS:
        return m.error(USAGE)
    web = ctx.stores.web
    if action in {"hide-me", "show-me"}:
        member_id = await ctx.stores.directory.member_id(member.key, member.name)
        changed = await web.set_hidden(member_id, action == "hide-me")
        if action == "hide-me":
            return m.ok("The web pages now show you as (hidden).") if changed else m.Notice(
                "You are already hidden on the web pages.")
        return m.ok("The web pages show your display name again.") if changed else m.Notice(
            "You are already shown on the web pages.")
    if action in ADMIN_ACTIONS and not member.is_admin:
        return m.error(m.ADMIN_ONLY.format(what="turn the web pages on, off or give them a new link"))
    if not ctx.settings.public_url and action != "off":
        return m.error(NO_SERVER)
    workspace = channel.workspace
    if action == "link":
        link = await web_link(ctx, workspace)
        return m.Notice(f"Web pages: {link}") if link else m.Notice(
            "The web pages are off here; an admin can turn them on with `/quiz web on`.")
    if action == "off":
        removed = await web.remove(workspace)
        return m.ok("Web pages are off: every page of the old link is gone.") if removed else m.Notice(
            "The web pages are already off here.")
    existing = await web.token_of(workspace)
    if action == "on" and existing:
        return m.Notice(f"The web pages are already on: {page_url(ctx.settings.public_url, existing)}")
    await web.set_token(workspace, secrets.token_urlsafe(TOKEN_BYTES))
    link = await web_link(ctx, workspace)
    if action == "rotate" and existing:
        return m.ok(f"New link (the old one no longer works): {link}")
    return m.ok(f"Web pages are on. Anyone with this link can see them: {link}")
