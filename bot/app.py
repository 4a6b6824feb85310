"""Wiring and lifecycle: settings -> store -> decks -> service -> ops -> adapters -> clock.

The composition root, the one place where parts are put together; nothing is global.
``run`` starts every adapter whose credentials are set (the console when none is), runs until
SIGTERM/SIGINT (or the console's end of input), then stops.

Each part declares its teardown on one :class:`contextlib.AsyncExitStack` the moment it has
started, so teardown is the start order reversed, and a part that fails to start (the health
port in use, a Slack port taken) still unwinds everything started before it:

1. the clock stops (nothing more is posted into adapters that are going away);
2. every started adapter stops taking events and finishes the ones it accepted (all at once,
   each within ``QUIZBOT_STOP_TIMEOUT``, so the process ends within that bound, not a multiple);
3. acknowledged answers are flushed;
4. the deck watcher, the health endpoint and the storage watch end;
5. the engine of the Slack installations (installed in many workspaces) is disposed;
6. the database is closed, last.
"""

from __future__ import annotations

import asyncio
import logging
import random
import signal
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING

from bot import ops
from bot.chat.adapter import Adapter
from bot.config import NO_PLATFORM, ConfigError, Settings
from bot.deck.cache import DeckCache
from bot.deck.library import DeckLibrary
from bot.ops.metrics import PrometheusMetrics
from bot.ops.reload import log_problems
from bot.quiz.context import Context, Stores
from bot.quiz.metrics import Metrics
from bot.quiz.ports import Ownership, WorkspaceShards
from bot.quiz.service import QuizService
from bot.store.db import Database

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("bot.app")

READY_TIMEOUT_S = 30.0


def load_library(settings: Settings) -> DeckLibrary:
    library = DeckLibrary.load(settings.decks_dir, cache=DeckCache.beside(settings.db_path),
                               settle=settings.reload_interval_s > 0)  # the watcher loads what is still changing
    log_problems(log, library.problems)  # warnings too (a refused symlink), as every reload logs them
    log.info("event=decks_loaded decks=%d cards=%d dir=%s", len(library.decks), library.card_count,
             settings.decks_dir)
    return library


def build_service(settings: Settings, db: Database, metrics: Metrics) -> QuizService:
    """The core over an open database, counting into ``metrics`` from its first call."""
    ctx = Context(Stores(db), load_library(settings), settings.quiz, rng=random.Random(settings.seed),
                  metrics=metrics)
    return QuizService(ctx)


def build_adapters(settings: Settings, service: QuizService, stop: Callable[[], None],
                   slack_engine: AsyncEngine | None = None) -> list[Adapter]:
    """Every adapter whose credentials are set; the console when asked for, or when there is none
    and standard input is a terminal. Raises :class:`ConfigError` (``NO_PLATFORM``) otherwise.
    ``slack_engine``: where Slack installations live (needed when ``settings.slack_oauth``)."""
    adapters: list[Adapter] = []
    if not settings.force_console:
        if settings.slack_enabled:
            from bot.chat.slack.adapter import SlackAdapter

            adapters.append(SlackAdapter.from_settings(settings, service, slack_engine))
        if settings.discord_enabled:
            from bot.chat.discord.adapter import DiscordAdapter

            adapters.append(DiscordAdapter.from_settings(settings, service))
    if not adapters:
        import sys

        from bot.chat.console import ConsoleChat

        if not settings.force_console and not (sys.stdin is not None and sys.stdin.isatty()):
            raise ConfigError(NO_PLATFORM)  # `quizbot run` checks first; this guards other callers
        adapters.append(ConsoleChat(service, on_eof=stop, digests_dir=settings.db_path.parent / "digests"))
    return adapters


def clock_ownership(adapters: list[Adapter]) -> Ownership:
    """The channels whose clock this process runs: every channel, except on a platform whose
    adapter runs only part of it (Discord shards, ``clock_shards``), where only that part."""
    shards: list[WorkspaceShards] = []
    for adapter in adapters:
        share = getattr(adapter, "clock_shards", None)
        if isinstance(share, WorkspaceShards):
            shards.append(share)
    return Ownership(tuple(shards))


async def start_adapter(service: QuizService, adapter: Adapter) -> None:
    """Make ``adapter`` the way out for its platform's channels, then let it take events.

    The root attaches adapters (an adapter never registers itself), so what the core can post
    through is decided here, in one place."""
    service.attach(adapter.chat)
    await adapter.start()


async def run(settings: Settings) -> int:
    """Run the bot until a signal or the end of console input. Returns an exit code.

    Raises what a part raised while starting (:class:`ConfigError` for a port in use), after
    tearing down every part started before it."""
    stop = asyncio.Event()
    _stop_on_signals(stop)
    # A database file that cannot be trusted stops the start before anything runs: its one
    # line (StorageError) is all the operator sees, no shutdown of parts never started.
    db = await Database.open(settings.database)
    async with AsyncExitStack() as parts:
        parts.callback(log.info, "event=shutdown_done")
        parts.push_async_callback(db.close)
        try:
            await _start_and_wait(parts, settings, db, stop)
        finally:
            log.info("event=shutdown_started")
    return 0


async def _start_and_wait(parts: AsyncExitStack, settings: Settings, db: Database, stop: asyncio.Event) -> None:
    """Start each part over the open ``db``, pushing its teardown on ``parts`` as it starts;
    return once ``stop`` is set."""
    metrics = PrometheusMetrics()
    service = build_service(settings, db, metrics)
    slack_engine = None
    if settings.slack_enabled and settings.slack_oauth and not settings.force_console:
        slack_engine = db.engine  # installations live in the bot's own database, on either engine
    adapters = build_adapters(settings, service, stop.set, slack_engine)
    service.ctx.owned = clock_ownership(adapters)
    if not service.ctx.owned.everything:
        log.info("event=clock_scope %s", " ".join(
            f"{s.platform}_shards={','.join(map(str, sorted(s.mine)))}/{s.count}" for s in service.ctx.owned.shards))
    await parts.enter_async_context(ops.running(settings, service, db, adapters, metrics, stop))

    parts.push_async_callback(service.shutdown)  # after the adapters stop: what they acknowledged is committed
    parts.callback(stop.set)  # whatever ended the run, everything waiting on ``stop`` ends too
    started: list[Adapter] = []
    parts.push_async_callback(_stop_adapters, started)  # one callback: they stop at once, not in turn
    for adapter in adapters:
        await start_adapter(service, adapter)  # one whose start() raised is not stopped
        started.append(adapter)
        log.info("event=adapter_started adapter=%s", adapter.name)

    # The clock reveals overdue rounds and posts missed slots at once: only when the adapters
    # can post, or those reveals and questions would go nowhere.
    if not await _ready_unless_stopped(started, stop):
        return  # SIGTERM while an adapter was still connecting
    clock_stop = asyncio.Event()
    clock = asyncio.create_task(service.run(clock_stop), name="clock")
    parts.push_async_callback(_stop_clock, clock_stop, clock)
    await stop.wait()


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - non-Unix
            pass


async def _stop_clock(clock_stop: asyncio.Event, clock: asyncio.Task[None]) -> None:
    clock_stop.set()
    await clock


async def _stop_adapters(started: list[Adapter]) -> None:
    """Stop every started adapter at once: each refuses new work at the start of its stop and
    drains within the stop timeout, so all of them are done within that one bound."""
    await asyncio.gather(*(_stop_adapter(adapter) for adapter in reversed(started)))


async def _stop_adapter(adapter: Adapter) -> None:
    try:
        await adapter.stop()
    except Exception:
        log.exception("event=adapter_stop_failed adapter=%s", adapter.name)


async def _ready_unless_stopped(adapters: list[Adapter], stop: asyncio.Event) -> bool:
    """Wait until every adapter can post, or ``stop`` is set first (then False)."""
    waiting = asyncio.create_task(_wait_ready(adapters))
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({waiting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiting.cancel()
        stopping.cancel()
        await asyncio.gather(waiting, stopping, return_exceptions=True)
    return not stop.is_set()


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
