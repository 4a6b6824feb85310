"""Running the bot for real: metrics, the health endpoint, storage watch, deck hot reload.

:func:`running` is entered once by ``bot/app.py`` after the service is built (with its
:class:`PrometheusMetrics`) and before the adapters start. Each part it starts declares its
teardown as it starts, so leaving it (at shutdown: after the answers are flushed, before the
database is closed) ends them in reverse order, and a part that fails to start ends the ones
started before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine, Sequence
from typing import Any

from bot.chat.adapter import Adapter
from bot.config import ConfigError, Settings, parse_addr
from bot.ops.metrics import PrometheusMetrics
from bot.ops.reload import DeckWatcher
from bot.quiz.service import QuizService
from bot.store.db import Database

log = logging.getLogger("bot.ops")

__all__ = ["DeckWatcher", "PrometheusMetrics", "running"]


@contextlib.asynccontextmanager
async def running(settings: Settings, service: QuizService, db: Database, adapters: Sequence[Adapter],
                  metrics: PrometheusMetrics, stop: asyncio.Event) -> AsyncIterator[None]:
    """Point ``metrics`` (the service's own, given at its construction) at the decks, adapters and
    storage; run the storage watch (always), the endpoint and the web pages (when ``http_addr`` is set) and the deck
    watcher (when ``reload_interval_s`` > 0) while inside. Raises :class:`ConfigError` when the
    address cannot be bound (a misconfigured endpoint should stop the start, not hide), after
    ending what it had started."""
    metrics.library_loaded(service.library)
    metrics.watch_adapters(adapters)
    metrics.watch_storage(db.health)
    from bot.ops.storage_watch import watch_storage

    async with contextlib.AsyncExitStack() as parts:
        parts.push_async_callback(_cancel, _spawn(watch_storage(db), "storage-watch"))
        if settings.http_addr:
            from bot.ops.health import HealthServer, make_app  # aiohttp: only when the endpoint is on
            from bot.web import add_routes

            host, port = parse_addr(settings.http_addr)
            app = make_app(db, adapters, metrics)
            add_routes(app, service.ctx)  # the web pages: 404 for every workspace until `/quiz web on`
            server = HealthServer(app, host, port)
            try:
                await server.start()
            except OSError as exc:
                raise ConfigError(f"cannot serve /healthz on QUIZBOT_HTTP_ADDR={settings.http_addr}: "
                                  f"{exc.strerror or exc}") from None
            parts.push_async_callback(server.stop)  # /healthz answers (503) until then
        if settings.reload_interval_s > 0:
            watcher = DeckWatcher(service, settings.decks_dir, settings.reload_interval_s,
                                  on_reload=metrics.library_reloaded)
            parts.push_async_callback(_cancel, _spawn(watcher.run(stop), "deck-watch"))
        yield


def _spawn(work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    return asyncio.create_task(work, name=name)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel ``task`` and wait for it to clean up; what it raised on the way out is logged."""
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():  # we are being cancelled too: pass it on
            raise
    except Exception:
        log.exception("event=task_failed task=%s", task.get_name())
