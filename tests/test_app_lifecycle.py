"""bot.app.run: every part started is torn down, in reverse order, whatever ends the run.

Real parts throughout (a SQLite file, the decks, the health endpoint on a real port, the
service's clock); the adapters are in-process stand-ins that record when they stop, and the
service's answer flush and the database's close are wrapped (the real ones still run) so the
order can be read.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from bot import app
from bot.config import ConfigError, Settings, load_settings
from bot.ops.metrics import PrometheusMetrics
from bot.quiz.messages import Message
from bot.quiz.ports import ChannelRef, MessageRef
from bot.quiz.service import QuizService
from bot.store.db import Database
from tests.helpers import ADMIN, member
from tests.process import free_port

ROOT = Path(__file__).resolve().parents[1]


class RecordingAdapter:
    """An adapter that posts nowhere and writes down when it starts and stops."""

    platform = "test"

    def __init__(self, name: str, events: list[str], *, fail_start: bool = False) -> None:
        self.name = name
        self.events = events
        self.fail_start = fail_start
        self.connected = False

    @property
    def chat(self) -> RecordingAdapter:
        return self

    async def start(self) -> None:
        if self.fail_start:
            raise ConfigError(f"{self.name} cannot start")
        self.connected = True
        self.events.append(f"{self.name} started")

    async def stop(self) -> None:
        self.connected = False
        self.events.append(f"{self.name} stopped")

    async def post(self, channel: ChannelRef, message: Message) -> MessageRef:
        return MessageRef(channel, "1")

    async def update(self, ref: MessageRef, message: Message) -> None:
        pass


def settings_for(tmp_path: Path, **env: str) -> Settings:
    return load_settings(env=env, config_file=tmp_path / "none.yaml", db_path=tmp_path / "q.db",
                         decks_dir=ROOT / "decks", reload_interval_s=0.05)


def record_teardown(monkeypatch: pytest.MonkeyPatch, events: list[str]) -> None:
    """Wrap the service's clock and answer flush and the database's close so each notes its end."""
    real_build, real_close = app.build_service, Database.close

    def build(settings: Settings, db: Database, metrics: object) -> QuizService:
        service = real_build(settings, db, metrics)  # type: ignore[arg-type]
        real_run, real_shutdown = service.run, service.shutdown

        async def run(stop: asyncio.Event) -> None:
            events.append("clock started")
            await real_run(stop)
            events.append("clock stopped")

        async def shutdown() -> None:
            await real_shutdown()
            events.append("answers flushed")

        monkeypatch.setattr(service, "run", run)
        monkeypatch.setattr(service, "shutdown", shutdown)
        return service

    async def close(self: Database) -> None:
        await real_close(self)
        events.append("database closed")

    monkeypatch.setattr(app, "build_service", build)
    monkeypatch.setattr(Database, "close", close)


def use_adapters(monkeypatch: pytest.MonkeyPatch, *adapters: RecordingAdapter) -> list[object]:
    """Make ``app.run`` build these adapters; returns [stop] once run has handed over its stop."""
    handed: list[object] = []

    def build(settings: Settings, service: QuizService, stop: object,
              slack_engine: object = None) -> list[RecordingAdapter]:
        handed.append(stop)
        return list(adapters)

    monkeypatch.setattr(app, "build_adapters", build)
    return handed


def other_tasks() -> set[str]:
    return {t.get_name() for t in asyncio.all_tasks() if t is not asyncio.current_task()}


async def eventually(check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def test_stop_ends_clock_then_adapters_then_answers_then_database(tmp_path, monkeypatch):
    events: list[str] = []
    record_teardown(monkeypatch, events)
    handed = use_adapters(monkeypatch, RecordingAdapter("first", events), RecordingAdapter("second", events))
    runner = asyncio.create_task(app.run(settings_for(tmp_path)))
    await eventually(lambda: "clock started" in events)

    handed[0]()  # what the console's end of input does
    assert await runner == 0

    assert events[:3] == ["first started", "second started", "clock started"]
    assert events[3] == "clock stopped"
    assert sorted(events[4:6]) == ["first stopped", "second stopped"]
    assert events[6:] == ["answers flushed", "database closed"]
    assert other_tasks() == set()


async def test_adapter_failing_to_start_tears_down_what_started_before_it_in_reverse(tmp_path, monkeypatch):
    events: list[str] = []
    record_teardown(monkeypatch, events)
    use_adapters(monkeypatch, RecordingAdapter("first", events),
                 RecordingAdapter("broken", events, fail_start=True), RecordingAdapter("third", events))
    port = free_port()

    with pytest.raises(ConfigError, match="broken cannot start"):
        await app.run(settings_for(tmp_path, QUIZBOT_HTTP_ADDR=f"127.0.0.1:{port}"))

    assert events == ["first started", "first stopped", "answers flushed", "database closed"]
    assert other_tasks() == set()  # storage watch and deck watch ended; the clock never ran
    with socket.socket() as again:  # the health endpoint let its port go
        again.bind(("127.0.0.1", port))


async def test_health_port_in_use_stops_the_start_and_still_closes_the_database(tmp_path, monkeypatch):
    events: list[str] = []
    record_teardown(monkeypatch, events)
    use_adapters(monkeypatch, RecordingAdapter("only", events))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(ConfigError, match=f"cannot serve /healthz on QUIZBOT_HTTP_ADDR=127.0.0.1:{port}"):
            await app.run(settings_for(tmp_path, QUIZBOT_HTTP_ADDR=f"127.0.0.1:{port}"))

    assert events == ["database closed"]  # no adapter started, so none stopped and no answer to flush
    assert other_tasks() == set()  # the storage watch started before the endpoint has ended
    assert not (tmp_path / "q.db-wal").exists()  # SQLite drops the WAL file when its last connection closes


async def test_service_counts_into_the_metrics_it_was_built_with(tmp_path):
    settings = settings_for(tmp_path)
    metrics = PrometheusMetrics()
    db = await Database.open(settings.db_path)
    service = app.build_service(settings, db, metrics)
    chat = RecordingAdapter("test", [])
    service.attach(chat)
    channel = ChannelRef("test", "test:W", "C")
    try:
        assert await service.ask(channel, ADMIN, kind="choice") is None
        round_id = await service.open_round_id(channel)
        assert round_id is not None
        await service.answer_choice(round_id, member("ann"), 0)
        service.define("NMS")
    finally:
        await service.shutdown()
        await db.close()

    text = metrics.exposition().decode()
    assert "quizbot_rounds_posted_total 1.0" in text
    assert 'quizbot_answers_recorded_total{outcome="recorded"} 1.0' in text
    assert 'quizbot_define_lookups_total{found="true"} 1.0' in text


async def test_health_endpoint_exports_the_metrics_the_service_counts_into(tmp_path, monkeypatch):
    events: list[str] = []
    built: list[QuizService] = []
    real_build = app.build_service

    def build(settings: Settings, db: Database, metrics: object) -> QuizService:
        built.append(real_build(settings, db, metrics))  # type: ignore[arg-type]
        return built[-1]

    monkeypatch.setattr(app, "build_service", build)
    handed = use_adapters(monkeypatch, RecordingAdapter("only", events))
    port = free_port()
    runner = asyncio.create_task(app.run(settings_for(tmp_path, QUIZBOT_HTTP_ADDR=f"127.0.0.1:{port}")))
    try:
        await eventually(lambda: "only started" in events)
        built[0].define("NMS")
        async with aiohttp.ClientSession() as session, \
                session.get(f"http://127.0.0.1:{port}/metrics") as response:
            body = await response.text()
        assert 'quizbot_define_lookups_total{found="true"} 1.0' in body
    finally:
        handed[0]()  # type: ignore[operator]
        assert await runner == 0
