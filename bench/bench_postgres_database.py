"""The test PostgreSQL server (tests/postgres.py): what a test pays for its own database.

Per test, the ``postgres_url`` fixture runs ``CREATE DATABASE`` and, at teardown,
``DROP DATABASE ... WITH (FORCE)``, both over one admin connection kept per process. Measured here on the
server as the tests start it (its files on tmpfs, /dev/shm) and, as the baseline in the same
run, on a second server whose files are on disk (the temp directory), with the create/drop
cycles of the two interleaved so that a noisy neighbour slows both alike. Server start
(initdb + pg_ctl start) is timed for each.
Target: a database per test costs <= 50 ms at p50 (create + drop) on tmpfs.
"""

from __future__ import annotations

import os
import statistics
import time

from _common import emit, note, percentile

from tests import postgres

CYCLES = 30
TARGET_CYCLE_MS = 50.0


def timed_start(root: os.PathLike[str] | None) -> tuple[postgres.Server, float]:
    start = time.perf_counter()
    server = postgres.start(None if root is None else postgres.Path(root))
    return server, time.perf_counter() - start


def cycle(server: postgres.Server) -> tuple[float, float]:
    """(create, drop) milliseconds of one test database."""
    start = time.perf_counter()
    url = postgres.new_database_url(server)
    created = time.perf_counter()
    postgres.drop_database(url)
    return (created - start) * 1000, (time.perf_counter() - created) * 1000


def summary(times: list[tuple[float, float]]) -> dict[str, float]:
    creates, drops = [c for c, _ in times], [d for _, d in times]
    total = [c + d for c, d in times]
    return {"create_p50_ms": round(statistics.median(creates), 1), "create_p99_ms": round(percentile(creates, 99), 1),
            "drop_p50_ms": round(statistics.median(drops), 1), "cycle_p50_ms": round(statistics.median(total), 1)}


def main() -> None:
    memory, memory_start = timed_start(postgres.memory_root())
    disk, disk_start = timed_start(postgres.disk_root())
    try:
        on_memory: list[tuple[float, float]] = []
        on_disk: list[tuple[float, float]] = []
        for i in range(CYCLES):
            note(f"cycle {i + 1}/{CYCLES}")
            on_memory.append(cycle(memory))
            on_disk.append(cycle(disk))
    finally:
        postgres.stop(memory)
        postgres.stop(disk)
    figure, baseline = summary(on_memory), summary(on_disk)
    emit({
        "bench": "postgres_database",
        "cycles": CYCLES,
        "load_1min": round(os.getloadavg()[0], 2),
        "tmpfs": {**figure, "server_start_s": round(memory_start, 2)},
        "baseline_disk": {**baseline, "server_start_s": round(disk_start, 2)},
        "target_cycle_p50_ms": TARGET_CYCLE_MS,
        "met": figure["cycle_p50_ms"] <= TARGET_CYCLE_MS,
    })


if __name__ == "__main__":
    main()
