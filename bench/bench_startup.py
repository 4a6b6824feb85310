"""Start-up: ``quizbot define nms`` and the console's first reply, as real subprocesses.

Beside ``python -c pass`` (the interpreter alone) measured in the same run, interleaved
with the others so that a noisy neighbour slows all three alike. ``define`` is timed to
its exit; the console from the start of ``quizbot run --console`` to the first line of
its reply to a piped ``/quiz help`` (the console prints no prompt on piped input), then
its input is closed and it exits. Median of RUNS each, plus the best. The CPU time
(user + system) of ``define`` and ``python -c pass`` is reported too: on a shared,
loaded machine it varies far less than the wall time.
Targets: define <= 0.35 s or <= 8x ``python -c pass``; console ready <= 1 s.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, emit, note

RUNS = 9
TARGET_DEFINE_S = 0.35
TARGET_DEFINE_RATIO = 8.0
TARGET_CONSOLE_S = 1.0


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QUIZBOT_", "SLACK_", "DISCORD_"))}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_exit(args: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``args`` to its exit."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(args, cwd=cwd, env=_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def time_console_ready(cwd: Path, db: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run", "--console", "--db", str(db),
                             "--decks", str(ROOT / "decks")], cwd=cwd, env=_env(), text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("/quiz help\n")
    proc.stdin.flush()
    first = proc.stdout.readline()
    ready = time.perf_counter() - start
    proc.stdin.close()
    proc.stdout.read()
    if proc.wait(timeout=30) != 0 or not first:
        raise RuntimeError("the console did not answer /quiz help")
    return ready


def main() -> None:
    bare: list[tuple[float, float]] = []
    define: list[tuple[float, float]] = []
    console: list[float] = []
    define_args = [sys.executable, "-m", "bot", "define", "nms", "--decks", str(ROOT / "decks")]
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        for i in range(RUNS):
            bare.append(time_exit([sys.executable, "-c", "pass"], cwd))
            define.append(time_exit(define_args, cwd))
            console.append(time_console_ready(cwd, cwd / f"q{i}.db"))
    bare_s, define_s = statistics.median(w for w, _ in bare), statistics.median(w for w, _ in define)
    bare_cpu, define_cpu = statistics.median(c for _, c in bare), statistics.median(c for _, c in define)
    console_s = statistics.median(console)
    ratio = define_s / bare_s
    note(f"python -c pass {bare_s * 1000:.0f} ms, define {define_s * 1000:.0f} ms ({ratio:.1f}x), "
         f"console ready {console_s * 1000:.0f} ms ({console_s / bare_s:.1f}x); CPU: python -c pass "
         f"{bare_cpu * 1000:.0f} ms, define {define_cpu * 1000:.0f} ms (medians of {RUNS})")
    emit({
        "bench": "startup",
        "runs": RUNS,
        "define_s": round(define_s, 3),
        "define_best_s": round(min(w for w, _ in define), 3),
        "define_cpu_s": round(define_cpu, 3),
        "console_ready_s": round(console_s, 3),
        "console_ready_best_s": round(min(console), 3),
        "baseline": "python -c pass",
        "baseline_s": round(bare_s, 3),
        "baseline_cpu_s": round(bare_cpu, 3),
        "define_ratio": round(ratio, 1),
        "define_cpu_ratio": round(define_cpu / bare_cpu, 1),
        "console_ratio": round(console_s / bare_s, 1),
        "target_define_s": TARGET_DEFINE_S,
        "target_define_ratio": TARGET_DEFINE_RATIO,
        "target_console_s": TARGET_CONSOLE_S,
        "define_met": define_s <= TARGET_DEFINE_S or ratio <= TARGET_DEFINE_RATIO,
        "console_met": console_s <= TARGET_CONSOLE_S,
    })


if __name__ == "__main__":
    main()
