"""Running the bot for real: metrics, the health endpoint, deck hot reload.

:func:`start` is called once by ``bot/app.py`` after the service is built and
before the adapters start. It returns the background tasks it started; the app
cancels them at shutdown (after the answers are flushed, before the database
is closed), and each one cleans up after itself when cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.chat.adapter import Adapter
from bot.config import ConfigError, Settings, parse_addr
from bot.ops.metrics import PrometheusMetrics
from bot.ops.reload import DeckWatcher
from bot.quiz.service import QuizService
from bot.store.db import Database

if TYPE_CHECKING:
    from bot.ops.health import HealthServer

log = logging.getLogger("bot.ops")

__all__ = ["DeckWatcher", "PrometheusMetrics", "start"]


async def start(settings: Settings, service: QuizService, db: Database, adapters: Sequence[Adapter],
                stop: asyncio.Event) -> list[asyncio.Task[None]]:
    """Install Prometheus metrics in the service; start the endpoint (when ``http_addr`` is
    set), the storage watch (always) and the deck watcher (when ``reload_interval_s`` > 0). Raises :class:`ConfigError`
    when the address cannot be bound: a misconfigured endpoint should stop the start, not hide."""
    metrics = PrometheusMetrics()
    metrics.library_loaded(service.library)
    metrics.watch_adapters(adapters)
    metrics.watch_storage(db.health)
    service.ctx.metrics = metrics
    from bot.ops.storage_watch import watch_storage

    tasks: list[asyncio.Task[None]] = [asyncio.create_task(watch_storage(db), name="storage-watch")]
    if settings.http_addr:
        from bot.ops.health import HealthServer, make_app  # aiohttp: only when the endpoint is on

        host, port = parse_addr(settings.http_addr)
        server = HealthServer(make_app(db, adapters, metrics), host, port)
        try:
            await server.start()
        except OSError as exc:
            raise ConfigError(f"cannot serve /healthz on QUIZBOT_HTTP_ADDR={settings.http_addr}: "
                              f"{exc.strerror or exc}") from None
        tasks.append(asyncio.create_task(_serve(server), name="http"))
    if settings.reload_interval_s > 0:
        watcher = DeckWatcher(service, settings.decks_dir, settings.reload_interval_s,
                              on_reload=metrics.library_reloaded)
        tasks.append(asyncio.create_task(watcher.run(stop), name="deck-watch"))
    return tasks


async def _serve(server: HealthServer) -> None:
    """Keep the endpoint up until cancelled, so /healthz still answers (503) during shutdown."""
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()
