"""The weekly digest of a busy channel: 200 members answering the daily scheduled round on
each of the week's 7 days (1,400 answers), then ``weekly_digest`` (the week's answers read
back, the board, the hardest card, streaks, and the chart drawn by matplotlib in a worker
thread), on a real SQLite file.

Figures: the whole digest, the chart alone, and the first chart of a process (matplotlib's
import and font set-up, measured in a fresh interpreter). Baseline, in the same run: the
channel's week board as ``/leaderboard`` reads it (the score rows' index), the cheapest thing
a digest shows. A digest runs once a week per channel, off the answer path (its chart in a
thread), so there is no target; the figures say what a slot of many channels costs.
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, emit, note, percentile

from bot.quiz import messages as m
from bot.quiz.digest import weekly_digest
from bot.quiz.scoring import week_key
from bot.quiz.settings import QuizSettings
from tests.helpers import ADMIN, CHANNEL, Clock, FakeChat, make_service, member

MEMBERS = 200
RUNS = 9
MONDAY_NOON = 1_795_435_200.0  # Mon 23 Nov 2026 12:00 UTC


async def fill(path: Path) -> tuple[object, object, Clock]:
    clock = Clock(MONDAY_NOON - 3600)
    service, db = await make_service(path, clock, FakeChat(), settings=QuizSettings(counter_interval_s=3600))
    await service.schedule_add(CHANNEL, ADMIN, "daily 12:00", "UTC", None, "10m")
    rng = random.Random(7)
    for day in range(7):
        clock.now = MONDAY_NOON + day * 86400
        await service.scheduler.tick()
        round_id = await service.open_round_id(CHANNEL)
        row = await service.ctx.stores.rounds.get(round_id)
        answers = []
        for i in range(MEMBERS):
            right = rng.random() < 0.6
            if row.question.kind == "choice":
                choice = row.question.correct if right else (row.question.correct + 1) % len(row.question.options)
                answers.append(service.answer_choice(round_id, member(f"m{i:03d}"), choice))
            else:
                answers.append(service.answer_text(round_id, member(f"m{i:03d}"),
                                                   row.question.answer if right else "zzzz"))
        await asyncio.gather(*answers)
        await service.close(CHANNEL, ADMIN)
    clock.now = MONDAY_NOON + 6 * 86400 + 4 * 3600  # Sunday 16:00
    return service, db, clock


def cold_chart_s() -> tuple[float, float]:
    """(first chart in a fresh interpreter, that interpreter doing nothing), best of 3 each."""
    chart = ("from bot.quiz.digest_chart import render_chart; "
             "render_chart('t', ['d'] * 7, [('a', (1,) * 7)])")

    def best(code: str) -> float:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
            times.append(time.perf_counter() - started)
        return min(times)

    return best(chart), best("pass")


async def measure() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        service, db, clock = await fill(Path(tmp) / "digest.db")
        ctx = service.ctx  # type: ignore[attr-defined]
        channel_id = await ctx.channel_id(CHANNEL)
        await weekly_digest(ctx, channel_id, ctx.settings.tz)  # warm: matplotlib loaded, fonts found
        whole, chart_only, board = [], [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            digest = await weekly_digest(ctx, channel_id, ctx.settings.tz)
            whole.append(time.perf_counter() - started)
            started = time.perf_counter()
            await weekly_digest(ctx, channel_id, ctx.settings.tz, chart=False)
            chart_only.append(whole[-1] - (time.perf_counter() - started))
            started = time.perf_counter()
            await ctx.stores.leaderboards.top(f"channel:{channel_id}", week_key(clock.now, ctx.settings.tz), 10)
            board.append(time.perf_counter() - started)
        assert isinstance(digest, m.WeeklyDigest) and len(digest.members) == 10
        answers = sum(r.answered for r in digest.board.rows)
        await service.shutdown()  # type: ignore[attr-defined]
        await db.close()  # type: ignore[attr-defined]
    cold, interpreter = cold_chart_s()
    return {
        "bench": "digest", "members": MEMBERS, "answers_in_top_10": answers, "runs": RUNS,
        "digest_p50_ms": round(percentile(whole, 50) * 1000, 1),
        "digest_max_ms": round(max(whole) * 1000, 1),
        "chart_p50_ms": round(percentile(chart_only, 50) * 1000, 1),
        "png_bytes": len(digest.chart_png),
        "first_chart_in_new_process_s": round(cold - interpreter, 2),
        "baseline_week_board_p50_ms": round(percentile(board, 50) * 1000, 2),
    }


def main() -> None:
    note(f"a week of {MEMBERS} members answering a daily round; digest x{RUNS}")
    emit(asyncio.run(measure()))


if __name__ == "__main__":
    main()
