"""bot.ops.running: the optional parts app.py runs while the bot is up, and how they end."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace

import aiohttp
import pytest

from bot import ops
from bot.config import ConfigError, load_settings
from bot.deck.library import DeckLibrary
from bot.ops.metrics import PrometheusMetrics
from tests.helpers import SMALL_DECK, Clock, make_service
from tests.ops.fakes import FakeAdapter
from tests.process import free_port, write_deck


def background_tasks() -> set[str]:
    return {t.get_name() for t in asyncio.all_tasks() if t is not asyncio.current_task()}


async def test_running_serves_health_and_metrics_and_reloads_decks(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, SMALL_DECK)
    port = free_port()
    settings = load_settings(env={"QUIZBOT_HTTP_ADDR": f"127.0.0.1:{port}"}, config_file=tmp_path / "none.yaml",
                             decks_dir=decks)
    settings = replace(settings, reload_interval_s=0.02)
    metrics = PrometheusMetrics()
    service, db = await make_service(tmp_path / "q.db", Clock(), library=DeckLibrary.load(decks), metrics=metrics)
    stop = asyncio.Event()
    try:
        async with ops.running(settings, service, db, [FakeAdapter("console")], metrics, stop):
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
            async with aiohttp.ClientSession() as session, \
                    session.get(f"http://127.0.0.1:{port}/metrics") as response:
                body = await response.text()
            assert 'quizbot_deck_reloads_total{result="ok"} 1.0' in body
            stop.set()
        assert background_tasks() == set()  # the watchers ended with the block
    finally:
        await service.shutdown()
        await db.close()
    async with aiohttp.ClientSession() as session:  # the endpoint is gone once the block is left
        try:
            async with session.get(f"http://127.0.0.1:{port}/healthz"):
                raise AssertionError("still serving")
        except aiohttp.ClientConnectionError:
            pass


async def test_running_without_address_or_reload_runs_only_the_storage_watch(tmp_path):
    settings = load_settings(env={"QUIZBOT_RELOAD_INTERVAL": "0"}, config_file=tmp_path / "none.yaml")
    metrics = PrometheusMetrics()
    service, db = await make_service(tmp_path / "q.db", Clock(), metrics=metrics)
    try:
        async with ops.running(settings, service, db, [FakeAdapter()], metrics, asyncio.Event()):
            assert background_tasks() == {"storage-watch"}
        assert background_tasks() == set()
    finally:
        await service.shutdown()
        await db.close()


async def test_health_port_in_use_is_a_config_error_and_ends_the_storage_watch(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = load_settings(env={"QUIZBOT_HTTP_ADDR": f"127.0.0.1:{port}", "QUIZBOT_RELOAD_INTERVAL": "0"},
                                 config_file=tmp_path / "none.yaml")
        metrics = PrometheusMetrics()
        service, db = await make_service(tmp_path / "q.db", Clock(), metrics=metrics)
        try:
            with pytest.raises(ConfigError, match=f"cannot serve /healthz on QUIZBOT_HTTP_ADDR=127.0.0.1:{port}"):
                async with ops.running(settings, service, db, [FakeAdapter()], metrics, asyncio.Event()):
                    raise AssertionError("started on a port in use")
            assert background_tasks() == set()
        finally:
            await service.shutdown()
            await db.close()
