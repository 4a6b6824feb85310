"""Ack latency: 2,000 members answer one round within 10 s through the real Slack HTTP path.

The real SlackAdapter in HTTP mode (bolt's AsyncApp behind our aiohttp endpoint) with a real
QuizService on a SQLite file (synchronous=FULL). Slack's side runs in two more processes
(in production both are Slack's servers, not the bot's CPU): the fake Slack Web API from
tests/fakes on 127.0.0.1 (which takes the question and the confirmations), and a client that
sends 2,000 signed block_actions clicks (one per
member, spread evenly over 10 s; shaped as Slack sends them: the clicked message with its blocks,
a ``response_url`` each) and times each HTTP round trip. Since an ack now follows the answer's
commit, that is the time until Slack hears "stored".

CPU per request: the bot process's CPU time (every thread: the event loop and aiosqlite's) from
the first click until every confirmation was sent, divided by the clicks. On this shared machine
it is far steadier than wall time, and it bounds the rate one event loop can serve:
``1 / cpu_per_request`` requests a second on an otherwise idle core. The 1-minute load average
is printed before and after. ``BENCH_PROFILE=FILE`` writes a cProfile of the bot process during
the group-commit run (for ``python -m pstats FILE``).

Baseline, same run, same path: the answer writer without group commit (one commit per
answer, so each ack waits for its own fsync and for every commit queued before it).

Prints one JSON line: p50/p99/max ack latency, CPU per request, answers stored and confirmed,
and the same for the baseline.
"""

from __future__ import annotations

import asyncio
import cProfile
import multiprocessing
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, emit, note, percentile

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "2000"))
SPREAD_S = float(os.environ.get("BENCH_SPREAD", "10"))
PROFILE = os.environ.get("BENCH_PROFILE", "")
BASELINE = os.environ.get("BENCH_BASELINE", "1") != "0"
"""``BENCH_BASELINE=0`` skips the (slow) baseline run, e.g. while profiling."""
SECRET = "bench-signing-secret"
TARGET_P99_MS = 1000.0


# -- Slack's side: a separate process, so neither the fake Web API nor the client shares the
# -- bot's event loop (in production both are on Slack's servers) ---------------------------------

def _fake_slack(inbox: Any, outbox: Any) -> None:
    """Serve the fake Slack Web API and response_urls; hand over its URL, then the question the
    bot posted, then (once the bot drained) how many members were told "recorded"."""
    from tests.fakes.slack import RESPONSE_URL_METHOD, FakeSlack

    async def run() -> None:
        fake = FakeSlack()
        await fake.start()
        outbox.put(fake.api_url)
        await asyncio.to_thread(inbox.get)  # the question is posted
        outbox.put((fake.base_url, fake.calls("chat.postMessage")[-1]))
        await asyncio.to_thread(inbox.get)  # the bot has drained: every confirmation was sent
        replies = fake.calls("chat.postEphemeral") + fake.calls(RESPONSE_URL_METHOD)
        outbox.put(sum(1 for a in replies if "recorded" in str(a.get("text"))))
        await fake.stop()

    asyncio.run(run())


def _clicker(inbox: Any, outbox: Any) -> None:
    """Send the signed clicks to the bot's URL evenly over SPREAD_S seconds; hand back
    (status, seconds) per click and this process's CPU seconds."""
    import aiohttp

    from tests.fakes.slack_requests import signature

    async def run(url: str, bodies: list[str]) -> None:
        results: list[tuple[int, float]] = []
        cpu_before = os.times()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:

            async def one(body: str) -> None:
                ts = int(time.time())
                headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": str(ts),
                           "X-Slack-Signature": signature(SECRET, ts, body)}
                start = time.perf_counter()
                async with session.post(url, data=body.encode(), headers=headers) as resp:
                    await resp.read()
                    results.append((resp.status, time.perf_counter() - start))

            tasks = []
            begin = time.perf_counter()
            for i, body in enumerate(bodies):
                delay = begin + i * SPREAD_S / len(bodies) - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(one(body)))
            await asyncio.gather(*tasks)
        cpu_after = os.times()
        outbox.put((results, cpu_after.user - cpu_before.user + cpu_after.system - cpu_before.system))

    asyncio.run(run(*inbox.get()))


def _clicks(base_url: str, posted: dict[str, Any], action_id: str) -> list[str]:
    """One click a member on the question the bot posted, as Slack sends it: the message with
    its blocks, and a ``response_url`` of its own."""
    from tests.fakes.slack import CHANNEL_ID
    from tests.fakes.slack_requests import block_actions

    message = {"type": "message", "text": posted.get("text", ""), "blocks": posted.get("blocks", []),
               "ts": "1700000000.000100"}
    return [block_actions(action_id, action_id, user_id=f"U{i:05d}", user_name=f"u{i}", channel_id=CHANNEL_ID,
                          message=message, response_url=f"{base_url}/response/{i}").body for i in range(MEMBERS)]


# -- the bot under load ---------------------------------------------------------------------------

async def measure(folder: Path, *, group_commit: bool) -> dict[str, Any]:
    from bot.app import start_adapter
    from bot.chat.slack.adapter import SlackAdapter
    from bot.chat.slack.identity import channel_ref
    from bot.deck.library import DeckLibrary
    from bot.quiz.context import Context, QuizSettings, Stores
    from bot.quiz.ports import Member
    from bot.quiz.service import QuizService
    from bot.store.db import Database
    from tests.fakes.slack import CHANNEL_ID, TEAM_ID

    spawn = multiprocessing.get_context("spawn")
    inbox, outbox, to_clicker, from_clicker = spawn.Queue(), spawn.Queue(), spawn.Queue(), spawn.Queue()
    slack = spawn.Process(target=_fake_slack, args=(inbox, outbox))
    clicker = spawn.Process(target=_clicker, args=(to_clicker, from_clicker))
    slack.start()
    clicker.start()
    api_url = await asyncio.to_thread(outbox.get)
    db = await Database.open(folder / f"ack-{group_commit}.db")
    ctx = Context(Stores(db), DeckLibrary.load(ROOT / "decks"), QuizSettings(counter_interval_s=3600),
                  rng=random.Random(1))
    service = QuizService(ctx)
    book = ctx.stores.answers
    if not group_commit:  # the baseline: each answer its own transaction and commit
        record, one_at_a_time = book.record, asyncio.Lock()

        async def record_alone(answer: Any) -> Any:
            async with one_at_a_time:
                return await record(answer)

        book.record = record_alone  # type: ignore[method-assign]
    adapter = SlackAdapter(service, "xoxb-bench", signing_secret=SECRET, http_port=0, http_host="127.0.0.1",
                           api_url=api_url)
    await start_adapter(service, adapter)  # as `quizbot run` does: the root attaches, then starts
    try:
        channel = channel_ref(TEAM_ID, CHANNEL_ID)
        opened = await service.ask(channel, Member("slack:bench:admin", "admin", True), kind="choice")
        assert opened is None, opened
        round_id = await service.open_round_id(channel)
        assert round_id is not None and adapter.url is not None
        inbox.put("posted")
        bodies = _clicks(*await asyncio.to_thread(outbox.get), f"quiz:answer:{round_id}:0")
        profile = cProfile.Profile() if PROFILE and group_commit else None
        load_before = os.getloadavg()[0]
        cpu_before = os.times()
        if profile is not None:
            profile.enable()
        to_clicker.put((adapter.url, bodies))
        results, clicker_cpu = await asyncio.to_thread(from_clicker.get)
        await adapter.listeners.drain(120.0)
        if profile is not None:
            profile.disable()
            profile.dump_stats(PROFILE)
        cpu_after = os.times()
        user, system = cpu_after.user - cpu_before.user, cpu_after.system - cpu_before.system
        cpu = user + system
        load_after = os.getloadavg()[0]
        inbox.put("drained")
        confirmed = await asyncio.to_thread(outbox.get)
        stored = (await db.fetchone("SELECT COUNT(*) FROM answers WHERE round_id = ?", (round_id,)))[0]
    finally:
        await adapter.stop()
        await service.shutdown()
        await db.close()
        await asyncio.to_thread(slack.join, 30)
        await asyncio.to_thread(clicker.join, 30)
    ok = [seconds for status, seconds in results if status == 200]
    return {"acked": len(ok), "stored": stored, "confirmed": confirmed,
            "cpu_ms_per_request": round(cpu / MEMBERS * 1000, 3), "cpu_system_share": round(system / cpu, 2),
            "clicker_cpu_ms_per_request": round(clicker_cpu / MEMBERS * 1000, 3),
            "loadavg_1m": [round(load_before, 2), round(load_after, 2)],
            "p50_ms": round(percentile(ok, 50) * 1000, 1), "p99_ms": round(percentile(ok, 99) * 1000, 1),
            "max_ms": round(max(ok) * 1000, 1)}


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ours = await measure(Path(tmp), group_commit=True)
        note(f"group commit: {ours}")
        baseline = await measure(Path(tmp), group_commit=False) if BASELINE else {}
        note(f"one commit per answer: {baseline}")
    rate = MEMBERS / SPREAD_S
    emit({
        "bench": "ack", "members": MEMBERS, "spread_s": SPREAD_S, "path": "signed HTTP -> bolt -> commit -> ack",
        **ours,
        "cpu_capacity_per_s": round(1000 / ours["cpu_ms_per_request"]) if ours["cpu_ms_per_request"] else None,
        "cpu_share_at_rate": round(rate * ours["cpu_ms_per_request"] / 1000, 2),
        "baseline": "ack after commit, one commit per answer (no group commit)",
        **{f"baseline_{k}": v for k, v in baseline.items()},
        "target_p99_ms": TARGET_P99_MS,
        "ok": ours["p99_ms"] <= TARGET_P99_MS and ours["stored"] == ours["acked"] == MEMBERS,
    })


if __name__ == "__main__":
    asyncio.run(main())
