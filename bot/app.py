"""Wiring and lifecycle: settings -> store -> decks -> service -> clock -> adapters.

The one place where parts are put together; nothing is global. ``run`` starts
every adapter whose credentials are set (the console when none is), runs until
SIGTERM/SIGINT (or the console's end of input), then stops in order: adapters
stop taking events and finish the ones they accepted (all adapters at once, each within
``QUIZBOT_STOP_TIMEOUT``), acknowledged answers are flushed, the database is closed.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from collections.abc import Callable

from bot.chat.adapter import Adapter
from bot.config import NO_PLATFORM, ConfigError, Settings
from bot.deck.cache import DeckCache
from bot.deck.library import DeckLibrary
from bot.ops.reload import log_problems
from bot.quiz.context import Context, Stores
from bot.quiz.service import QuizService
from bot.store.db import Database

log = logging.getLogger("bot.app")


def load_library(settings: Settings) -> DeckLibrary:
    library = DeckLibrary.load(settings.decks_dir, cache=DeckCache.beside(settings.db_path),
                               settle=settings.reload_interval_s > 0)  # the watcher loads what is still changing
    log_problems(log, library.problems)  # warnings too (a refused symlink), as every reload logs them
    log.info("event=decks_loaded decks=%d cards=%d dir=%s", len(library.decks), library.card_count,
             settings.decks_dir)
    return library


def build_adapters(settings: Settings, service: QuizService, stop: Callable[[], None]) -> list[Adapter]:
    """Every adapter whose credentials are set; the console when asked for, or when there is none
    and standard input is a terminal. Raises :class:`ConfigError` (``NO_PLATFORM``) otherwise."""
    adapters: list[Adapter] = []
    if not settings.force_console:
        if settings.slack_enabled:
            from bot.chat.slack.adapter import SlackAdapter

            adapters.append(SlackAdapter.from_settings(settings, service))
        if settings.discord_enabled:
            from bot.chat.discord.adapter import DiscordAdapter

            adapters.append(DiscordAdapter.from_settings(settings, service))
    if not adapters:
        import sys

        from bot.chat.console import ConsoleChat

        if not settings.force_console and not (sys.stdin is not None and sys.stdin.isatty()):
            raise ConfigError(NO_PLATFORM)  # `quizbot run` checks first; this guards other callers
        adapters.append(ConsoleChat(service, on_eof=stop))
    return adapters


async def open_service(settings: Settings) -> tuple[Database, QuizService]:
    db = await Database.open(settings.db_path)
    ctx = Context(Stores(db), load_library(settings), settings.quiz,
                  rng=random.Random(settings.seed))
    return db, QuizService(ctx)


async def run(settings: Settings) -> int:
    """Run the bot until a signal or the end of console input. Returns an exit code."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - non-Unix
            pass
    db, service = await open_service(settings)
    adapters: list[Adapter] = []
    started: list[Adapter] = []
    clock_stop = asyncio.Event()
    clock: asyncio.Task[None] | None = None
    extras: list[asyncio.Task[None]] = []
    try:  # everything after the database is open is undone in order below, whatever fails
        adapters.extend(build_adapters(settings, service, stop.set))
        extras.extend(await _start_extras(settings, service, db, adapters, stop))
        for adapter in adapters:
            await adapter.start()
            started.append(adapter)
            log.info("event=adapter_started adapter=%s", adapter.name)
        # The clock reveals overdue rounds and posts missed slots at once: only when the
        # adapters can post, or those reveals and questions would go nowhere.
        waiting = asyncio.create_task(_wait_ready(started))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        stopping.cancel()
        if stop.is_set():  # SIGTERM while an adapter was still connecting
            return 0
        clock = asyncio.create_task(service.run(clock_stop), name="clock")
        await stop.wait()
    finally:
        log.info("event=shutdown_started")
        clock_stop.set()  # first the clock: nothing is posted into adapters that are going away
        if clock is not None:
            await clock
        # at once, not one after another: each refuses new work at the start of its stop and
        # drains within the stop timeout, so the process ends within that bound, not a multiple
        await asyncio.gather(*(_stop_adapter(adapter) for adapter in reversed(started)))
        stop.set()
        await service.shutdown()
        for task in extras:
            task.cancel()
        await asyncio.gather(*extras, return_exceptions=True)
        await db.close()
        log.info("event=shutdown_done")
    return 0


READY_TIMEOUT_S = 30.0


async def _stop_adapter(adapter: Adapter) -> None:
    try:
        await adapter.stop()
    except Exception:
        log.exception("event=adapter_stop_failed adapter=%s", adapter.name)


async def _wait_ready(adapters: list[Adapter]) -> None:
    """Wait for adapters that connect in the background (Discord) to be ready."""
    for adapter in adapters:
        wait_ready = getattr(adapter, "wait_ready", None)
        if wait_ready is None:
            continue
        try:
            await wait_ready(READY_TIMEOUT_S)
        except Exception as exc:  # the rest of the service runs; its rounds wait in SQLite
            log.warning("event=adapter_not_ready adapter=%s error=%r", adapter.name, str(exc) or type(exc).__name__)


async def _start_extras(settings: Settings, service: QuizService, db: Database, adapters: list[Adapter],
                        stop: asyncio.Event) -> list[asyncio.Task[None]]:
    """Optional parts: the health/metrics endpoint and deck hot reload."""
    tasks: list[asyncio.Task[None]] = []
    try:
        from bot import ops
    except ImportError:
        return tasks
    tasks.extend(await ops.start(settings, service, db, adapters, stop))
    return tasks
