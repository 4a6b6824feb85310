"""/healthz and /metrics over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import aiohttp
import pytest

from bot.ops.health import HealthServer, make_app
from bot.ops.metrics import PrometheusMetrics
from bot.ops.storage_watch import watch_storage
from bot.store.db import Database
from bot.store.faults import StorageError
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


@pytest.mark.sqlite_only
async def test_healthz_is_503_with_the_reason_while_writes_fail_and_the_watch_clears_it(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    watch = asyncio.create_task(watch_storage(db, interval_s=0.01, probe_every_s=3600))
    try:
        async with serving(db, [FakeAdapter()]) as url:
            await db.conn.execute("PRAGMA query_only = ON")  # SQLite refuses every write: read-only
            with pytest.raises(StorageError):
                await db.execute("INSERT INTO members(key, name, created_at) VALUES ('a', 'A', 0)")
            status, body, _ = await get(url("/healthz"))
            assert status == 503
            storage = json.loads(body)["storage"]
            assert (storage["ok"], storage["reason"], storage["restart_required"]) == (False, "read_only", False)
            await db.conn.execute("PRAGMA query_only = OFF")
            for _ in range(500):  # the watch's next probe write commits
                if db.health.ok:
                    break
                await asyncio.sleep(0.01)
            status, body, _ = await get(url("/healthz"))
            assert status == 200
    finally:
        watch.cancel()
        await asyncio.gather(watch, return_exceptions=True)
        await db.close()


@pytest.mark.sqlite_only
async def test_healthz_is_503_as_soon_as_the_database_path_is_deleted(tmp_path):
    db = await Database.open(tmp_path / "q.db")
    try:
        async with serving(db, [FakeAdapter()]) as url:
            (tmp_path / "q.db").unlink()
            status, body, _ = await get(url("/healthz"))
    finally:
        await db.close()
    assert status == 503
    assert json.loads(body)["storage"]["reason"] == "deleted"
    assert json.loads(body)["database"] is True  # it still answers queries: that alone is not health
