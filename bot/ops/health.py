"""``/healthz`` and ``/metrics`` over HTTP (aiohttp).

``/healthz`` answers 200 only when the database answers a query, has no
storage fault (see :mod:`bot.store.faults`: the file deleted or replaced, or
writes failing) and every adapter reports itself connected; otherwise 503, with
the same JSON body so a person can see which part is down and why. It is what
the Docker healthcheck calls.

:func:`bot.ops.storage_watch.watch_storage` keeps the storage verdict fresh
while nothing is written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiohttp import web

from bot.chat.adapter import Adapter
from bot.ops.metrics import PrometheusMetrics
from bot.store.db import Database

log = logging.getLogger("bot.ops")

DB_TIMEOUT_S = 2.0
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

_DB: web.AppKey[Database] = web.AppKey("db")
_ADAPTERS: web.AppKey[Sequence[Adapter]] = web.AppKey("adapters")
_METRICS: web.AppKey[PrometheusMetrics] = web.AppKey("metrics")


def make_app(db: Database, adapters: Sequence[Adapter], metrics: PrometheusMetrics) -> web.Application:
    app = web.Application()
    app[_DB] = db
    app[_ADAPTERS] = adapters  # read live at each request: adapters connect after start
    app[_METRICS] = metrics
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    return app


async def database_ok(db: Database) -> bool:
    try:
        row = await asyncio.wait_for(db.fetchone("SELECT 1"), DB_TIMEOUT_S)
    except Exception as exc:
        log.warning("event=health_db_failed error=%r", str(exc) or type(exc).__name__)
        return False
    return row is not None and row[0] == 1


async def healthz(request: web.Request) -> web.Response:
    db = request.app[_DB]
    db_ok = await database_ok(db)
    db.check_file()
    fault = db.health.fault
    adapters = {a.name: bool(a.connected) for a in request.app[_ADAPTERS]}
    healthy = db_ok and fault is None and bool(adapters) and all(adapters.values())
    body = {"status": "ok" if healthy else "down", "database": db_ok,
            "storage": {"ok": True} if fault is None else {"ok": False, **fault.as_dict()},
            "adapters": adapters}
    return web.json_response(body, status=200 if healthy else 503)


async def metrics_view(request: web.Request) -> web.Response:
    body = request.app[_METRICS].exposition()
    return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE})


class HealthServer:
    """The endpoint's lifecycle: :meth:`start` binds, :meth:`stop` unbinds (safe twice)."""

    def __init__(self, app: web.Application, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        if self.port == 0 and runner.addresses:  # an ephemeral port (tests): report the real one
            self.port = int(runner.addresses[0][1])
        log.info("event=http_started addr=%s:%d paths=/healthz,/metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
