"""/healthz and /metrics over real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import aiohttp

from bot.ops.health import HealthServer, make_app
from bot.ops.metrics import PrometheusMetrics
from bot.store.db import Database
from tests.ops.fakes import FakeAdapter


@asynccontextmanager
async def serving(db: Database, adapters: list[FakeAdapter],
                  metrics: PrometheusMetrics | None = None) -> AsyncIterator[Callable[[str], str]]:
    server = HealthServer(make_app(db, adapters, metrics or PrometheusMetrics()), "127.0.0.1", 0)
    await server.start()
    try:
        yield lambda path: f"http://127.0.0.1:{server.port}{path}"
    finally:
        await server.stop()


async def get(url: str) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        body = await response.text()
        return response.status, body, dict(response.headers)


async def test_healthz_is_ok_when_database_and_adapters_are_up(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        async with (serving(db, [FakeAdapter("console")]) as url, aiohttp.ClientSession() as session,
                    session.get(url("/healthz")) as response):
            assert response.status == 200
            assert await response.json() == {"status": "ok", "database": True, "storage": {"ok": True},
                                             "adapters": {"console": True}}
    finally:
        await db.close()


async def test_healthz_is_503_when_an_adapter_is_not_connected(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    adapters = [FakeAdapter("slack", True), FakeAdapter("discord", False)]
    try:
        async with serving(db, adapters) as url:
            async with aiohttp.ClientSession() as session, session.get(url("/healthz")) as response:
                assert response.status == 503
                body = await response.json()
            assert body["adapters"] == {"slack": True, "discord": False}
            assert body["database"] is True
            adapters[1].connected = True  # read live: the same server turns healthy
            status, _, _ = await get(url("/healthz"))
            assert status == 200
    finally:
        await db.close()


async def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    async with serving(db, [FakeAdapter()]) as url:
        await db.close()
        async with aiohttp.ClientSession() as session, session.get(url("/healthz")) as response:
            assert response.status == 503
            assert (await response.json())["database"] is False


async def test_healthz_is_503_with_no_adapter_at_all(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        async with serving(db, []) as url:
            status, _, _ = await get(url("/healthz"))
            assert status == 503
    finally:
        await db.close()


async def test_metrics_serves_prometheus_text(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    metrics = PrometheusMetrics()
    metrics.round_posted()
    try:
        async with serving(db, [FakeAdapter()], metrics) as url:
            status, body, headers = await get(url("/metrics"))
    finally:
        await db.close()
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "quizbot_rounds_posted_total 1.0" in body
    assert 'quizbot_adapter_connected{adapter="console"}' not in body  # only when watched


async def test_stopping_the_server_frees_the_port(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        server = HealthServer(make_app(db, [FakeAdapter()], PrometheusMetrics()), "127.0.0.1", 0)
        await server.start()
        port = server.port
        await server.stop()
        await server.stop()  # twice is fine
        again = HealthServer(make_app(db, [FakeAdapter()], PrometheusMetrics()), "127.0.0.1", port)
        await again.start()  # binding the same port again raises if the first server still held it
        assert again.port == port
        await again.stop()
    finally:
        await db.close()
