"""Prometheus metrics behind the core's Metrics port, counted from real service calls."""

from __future__ import annotations

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.ops.metrics import PrometheusMetrics
from bot.store.faults import DISK_FULL, StorageHealth
from tests.helpers import ADMIN, CHANNEL, Clock, FakeChat, make_service, member, small_library
from tests.ops.fakes import FakeAdapter


def samples(metrics: PrometheusMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(metrics.exposition().decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_service_calls_are_counted(tmp_path):
    chat = FakeChat()
    metrics = PrometheusMetrics()
    service, db = await make_service(tmp_path / "q.db", Clock(), chat, metrics=metrics)
    try:
        assert await service.ask(CHANNEL, ADMIN) is None
        round_id = await service.open_round_id(CHANNEL)
        assert round_id is not None
        await service.answer_choice(round_id, member("ann"), 0)
        await service.answer_choice(round_id, member("ann"), 1)  # duplicate
        service.define("NMS")
        service.define("zzzz-no-such-term")
    finally:
        await service.shutdown()
        await db.close()
    got = samples(metrics)
    assert got[("quizbot_rounds_posted_total", ())] == 1
    assert got[("quizbot_answers_recorded_total", (("outcome", "recorded"),))] == 1
    assert got[("quizbot_answers_recorded_total", (("outcome", "duplicate"),))] == 1
    assert got[("quizbot_answer_latency_seconds_count", ())] == 2
    assert got[("quizbot_define_lookups_total", (("found", "true"),))] == 1
    assert got[("quizbot_define_lookups_total", (("found", "false"),))] == 1
    assert got[("quizbot_define_latency_seconds_count", ())] == 2


async def test_failed_posts_count_as_adapter_errors(tmp_path):
    chat = FakeChat(fail_posts=True)
    metrics = PrometheusMetrics()
    service, db = await make_service(tmp_path / "q.db", Clock(), chat, metrics=metrics)
    try:
        await service.ask(CHANNEL, ADMIN)
    finally:
        await service.shutdown()
        await db.close()
    assert samples(metrics)[("quizbot_adapter_errors_total", (("adapter", "test"), ("kind", "post")))] == 1


def test_adapter_connection_and_loaded_decks_are_exported():
    metrics = PrometheusMetrics()
    metrics.watch_adapters([FakeAdapter("slack", True), FakeAdapter("discord", False)])
    metrics.library_loaded(small_library())
    got = samples(metrics)
    assert got[("quizbot_adapter_connected", (("adapter", "slack"),))] == 1
    assert got[("quizbot_adapter_connected", (("adapter", "discord"),))] == 0
    assert got[("quizbot_decks_loaded", ())] == 1
    assert got[("quizbot_cards_loaded", ())] == 5


def test_two_instances_count_separately_and_stay_out_of_the_global_registry():
    first, second = PrometheusMetrics(), PrometheusMetrics()
    first.round_posted()
    assert samples(first)[("quizbot_rounds_posted_total", ())] == 1
    assert samples(second)[("quizbot_rounds_posted_total", ())] == 0
    assert REGISTRY.get_sample_value("quizbot_rounds_posted_total") is None


def test_storage_health_is_exported_with_the_fault_reason():
    metrics = PrometheusMetrics()
    health = StorageHealth()
    metrics.watch_storage(health)
    body = metrics.exposition().decode()
    assert "quizbot_storage_healthy 1.0" in body
    assert "quizbot_storage_fault{" not in body
    health.failed(DISK_FULL, "database or disk is full")
    body = metrics.exposition().decode()
    assert "quizbot_storage_healthy 0.0" in body
    assert 'quizbot_storage_fault{reason="disk_full",restart_required="false"} 1.0' in body
    health.succeeded()
    assert "quizbot_storage_healthy 1.0" in metrics.exposition().decode()
