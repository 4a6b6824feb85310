"""bot.ops.start: what app.py gets when it asks for the optional parts."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import aiohttp

from bot import ops
from bot.config import load_settings
from bot.deck.library import DeckLibrary
from bot.ops.metrics import PrometheusMetrics
from tests.helpers import SMALL_DECK, Clock, make_service
from tests.ops.fakes import FakeAdapter
from tests.process import free_port, write_deck


async def test_start_serves_health_and_metrics_and_reloads_decks(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, SMALL_DECK)
    port = free_port()
    settings = load_settings(env={"QUIZBOT_HTTP_ADDR": f"127.0.0.1:{port}"}, config_file=tmp_path / "none.yaml",
                             decks_dir=decks)
    settings = replace(settings, reload_interval_s=0.02)
    service, db = await make_service(tmp_path / "q.db", Clock(), library=DeckLibrary.load(decks))
    stop = asyncio.Event()
    tasks = await ops.start(settings, service, db, [FakeAdapter("console")], stop)
    try:
        assert isinstance(service.ctx.metrics, PrometheusMetrics)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
            service.define("NMS")
            async with session.get(f"http://127.0.0.1:{port}/metrics") as response:
                body = await response.text()
        assert 'quizbot_define_lookups_total{found="true"} 1.0' in body
        assert "quizbot_cards_loaded 5.0" in body
        write_deck(decks, SMALL_DECK.replace("- id: adam", "- id: adam-w").replace("Adam\n", "AdamW\n"))
        for _ in range(250):
            if service.library.card("demo", "adam-w") is not None:
                break
            await asyncio.sleep(0.02)
        assert service.library.card("demo", "adam-w") is not None
        async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/metrics") as response:
            body = await response.text()
        assert 'quizbot_deck_reloads_total{result="ok"} 1.0' in body
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.shutdown()
        await db.close()
    async with aiohttp.ClientSession() as session:  # the endpoint is gone once its task is cancelled
        try:
            async with session.get(f"http://127.0.0.1:{port}/healthz"):
                raise AssertionError("still serving")
        except aiohttp.ClientConnectionError:
            pass


async def test_start_without_address_or_reload_starts_only_metrics_and_the_storage_watch(tmp_path):
    settings = load_settings(env={"QUIZBOT_RELOAD_INTERVAL": "0"}, config_file=tmp_path / "none.yaml")
    service, db = await make_service(tmp_path / "q.db", Clock())
    tasks: list[asyncio.Task[None]] = []
    try:
        tasks = await ops.start(settings, service, db, [FakeAdapter()], asyncio.Event())
        assert [t.get_name() for t in tasks] == ["storage-watch"]
        assert isinstance(service.ctx.metrics, PrometheusMetrics)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await service.shutdown()
        await db.close()
