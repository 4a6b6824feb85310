"""The core's :class:`~bot.quiz.metrics.Metrics` port backed by prometheus-client.

Every metric lives in a registry of its own (never the process-global one), so
two services in one process (tests) count separately, and ``/metrics`` shows
only quizbot's series.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.chat.adapter import Adapter
from bot.deck.library import DeckLibrary
from bot.store.faults import StorageHealth

# Answers wait for a group commit; lookups are in-memory. Buckets cover both ends.
_LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class PrometheusMetrics:
    """Counts what the core reports; :meth:`exposition` renders the Prometheus text format."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.rounds_posted = Counter("quizbot_rounds_posted", "Questions posted (rounds opened).",
                                     registry=r)
        self.answers_recorded = Counter("quizbot_answers_recorded",
                                        "Answers handled, by outcome (recorded, changed, duplicate, "
                                        "closed, failed).", ["outcome"], registry=r)
        self.answer_latency = Histogram("quizbot_answer_latency_seconds",
                                        "Time from queueing an answer to its commit.",
                                        buckets=_LATENCY_BUCKETS, registry=r)
        self.define_lookups = Counter("quizbot_define_lookups", "/define lookups, by whether a card "
                                      "matched.", ["found"], registry=r)
        self.define_latency = Histogram("quizbot_define_latency_seconds", "Time of one /define lookup.",
                                        buckets=_LATENCY_BUCKETS, registry=r)
        self.adapter_errors = Counter("quizbot_adapter_errors", "Platform calls that failed, by adapter "
                                      "and kind (post, update, ...).", ["adapter", "kind"], registry=r)
        self.decks_loaded = Gauge("quizbot_decks_loaded", "Decks currently loaded.", registry=r)
        self.cards_loaded = Gauge("quizbot_cards_loaded", "Cards currently loaded.", registry=r)
        self.deck_reloads = Counter("quizbot_deck_reloads", "Deck reloads after a change on disk, by "
                                    "result (ok, problems).", ["result"], registry=r)

    # -- the Metrics port --------------------------------------------------------

    def round_posted(self) -> None:
        self.rounds_posted.inc()

    def answer_recorded(self, seconds: float, outcome: str) -> None:
        self.answers_recorded.labels(outcome=outcome).inc()
        self.answer_latency.observe(seconds)

    def define_lookup(self, seconds: float, found: bool) -> None:
        self.define_lookups.labels(found="true" if found else "false").inc()
        self.define_latency.observe(seconds)

    def adapter_error(self, adapter: str, kind: str) -> None:
        self.adapter_errors.labels(adapter=adapter, kind=kind).inc()

    # -- ops ------------------------------------------------------------------------

    def library_loaded(self, library: DeckLibrary) -> None:
        self.decks_loaded.set(len(library.decks))
        self.cards_loaded.set(library.card_count)

    def library_reloaded(self, library: DeckLibrary) -> None:
        errors = any(p.severity == "error" for p in library.problems)
        self.deck_reloads.labels(result="problems" if errors else "ok").inc()
        self.library_loaded(library)

    def watch_adapters(self, adapters: Sequence[Adapter]) -> None:
        """Export ``quizbot_adapter_connected{adapter}`` (1 or 0), read at scrape time."""
        self.registry.register(_AdapterCollector(lambda: list(adapters)))

    def watch_storage(self, health: StorageHealth) -> None:
        """Export ``quizbot_storage_healthy`` (1 or 0) and, during a fault,
        ``quizbot_storage_fault{reason, restart_required}`` = 1; read at scrape time."""
        self.registry.register(_StorageCollector(health))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _AdapterCollector(Collector):
    def __init__(self, adapters: Callable[[], Iterable[Adapter]]) -> None:
        self._adapters = adapters

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily("quizbot_adapter_connected", "1 while the adapter's platform "
                                   "connection is up.", labels=["adapter"])
        for adapter in self._adapters():
            family.add_metric([adapter.name], 1.0 if adapter.connected else 0.0)
        yield family


class _StorageCollector(Collector):
    def __init__(self, health: StorageHealth) -> None:
        self._health = health

    def collect(self) -> Iterable[GaugeMetricFamily]:
        fault = self._health.fault
        yield GaugeMetricFamily("quizbot_storage_healthy", "1 while the database file takes writes and is "
                                "still the file at its path.", value=1.0 if fault is None else 0.0)
        family = GaugeMetricFamily("quizbot_storage_fault", "1 for the current storage fault, by reason "
                                   "(deleted, replaced, disk_full, read_only, io_error, corrupt); "
                                   "restart_required=true when only a restart clears it.",
                                   labels=["reason", "restart_required"])
        if fault is not None:
            family.add_metric([fault.reason, "true" if fault.restart_required else "false"], 1.0)
        yield family
