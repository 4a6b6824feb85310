"""The pages' routes on the bot's aiohttp app, rendered by Jinja2 (autoescape on).

Every route starts by resolving the token in the path to its workspace; an unknown token
(never given, rotated away, or pages turned off) is a 404 like any unknown path, so a
guessed or old link learns nothing. Pages are plain HTML with a little CSS, no JavaScript.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

from bot.deck.mathtext import math_to_text
from bot.quiz.context import Context
from bot.web import pages

_CTX: web.AppKey[Context] = web.AppKey("web_ctx")
_ENV: web.AppKey[jinja2.Environment] = web.AppKey("web_env")
TEMPLATES = Path(__file__).parent / "templates"
HEADERS = {
    "Cache-Control": "no-store",  # a rotated link must not live on in a cache
    "Referrer-Policy": "no-referrer",  # the token must not leak to the sites the cards link to
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
}


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["readable"] = math_to_text
    return env


def add_routes(app: web.Application, ctx: Context) -> None:
    """Serve the pages of every workspace whose link is on, from ``ctx``'s store and decks."""
    app[_CTX] = ctx
    app[_ENV] = environment()
    app.router.add_get("/w/{token}/", index)
    app.router.add_get("/w/{token}/board", board)
    app.router.add_get("/w/{token}/decks/{deck_id}", deck)
    app.router.add_get("/w/{token}/rounds/{round_id:[0-9]{1,18}}", round_page)


async def _workspace(request: web.Request) -> str:
    token = request.match_info["token"]
    workspace = await request.app[_CTX].stores.web.workspace_of(token) if len(token) <= 100 else None
    if workspace is None:
        raise web.HTTPNotFound(text="Not found.")
    return workspace


def _render(request: web.Request, template: str, **values: object) -> web.Response:
    html = request.app[_ENV].get_template(template).render(base=f"/w/{request.match_info['token']}/", **values)
    return web.Response(text=html, content_type="text/html", headers=HEADERS)


async def index(request: web.Request) -> web.Response:
    workspace = await _workspace(request)
    ctx = request.app[_CTX]
    return _render(request, "index.html", scopes=await pages.scopes(ctx, workspace),
                   decks=ctx.library.decks, rounds=await pages.recent_rounds(ctx, workspace))


async def board(request: web.Request) -> web.Response:
    workspace = await _workspace(request)
    ctx = request.app[_CTX]
    scope = request.query.get("scope", "server")
    period = request.query.get("period", "week")
    found = await pages.board(ctx, workspace, scope, period)
    if found is None:
        raise web.HTTPNotFound(text="No such leaderboard.")
    return _render(request, "board.html", board=found, periods=pages.PERIODS,
                   scopes=await pages.scopes(ctx, workspace))


async def deck(request: web.Request) -> web.Response:
    workspace = await _workspace(request)
    ctx = request.app[_CTX]
    found = ctx.library.deck(request.match_info["deck_id"])
    if found is None:
        raise web.HTTPNotFound(text="No such deck.")
    return _render(request, "deck.html", deck=found, cards=await pages.deck_cards(ctx, workspace, found))


async def round_page(request: web.Request) -> web.Response:
    workspace = await _workspace(request)
    found = await pages.round_result(request.app[_CTX], workspace, int(request.match_info["round_id"]))
    if found is None:
        raise web.HTTPNotFound(text="No such round.")
    return _render(request, "round.html", round=found)
