"""Running the real ``quizbot`` command in a subprocess (``python -m bot``), as users and Docker do."""

from __future__ import annotations

import asyncio
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

# Variables a developer's shell may set that would change what the bot does.
_SCRUBBED_PREFIXES = ("QUIZBOT_", "SLACK_", "DISCORD_")


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without quizbot/Slack/Discord settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_PREFIXES)}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


_PROXY_VARIABLES = frozenset({"http_proxy", "https_proxy"})


def platform_env(**extra: str) -> dict[str, str]:
    """:func:`clean_env` without proxy settings too: slack-sdk and aiohttp honour a proxy
    variable (not NO_PROXY in every path), which would send a local fake's traffic elsewhere."""
    return {k: v for k, v in clean_env(**extra).items() if k.lower() not in _PROXY_VARIABLES}


def quizbot(*args: str | Path, cwd: Path, env: Mapping[str, str] | None = None, stdin: str = "",
            timeout: float = 20.0) -> subprocess.CompletedProcess[str]:
    """Run ``quizbot ARGS`` to completion with ``stdin`` piped in."""
    return subprocess.run([sys.executable, "-m", "bot", *map(str, args)], cwd=cwd, input=stdin, check=False,
                          capture_output=True, text=True, timeout=timeout,
                          env=dict(env) if env is not None else clean_env())


def start_quizbot(*args: str | Path, cwd: Path, env: Mapping[str, str] | None = None,
                  stderr_path: Path | None = None) -> subprocess.Popen[str]:
    """Start ``quizbot ARGS`` with stdin and stdout as pipes (stderr to a file, so it never fills)."""
    err = (stderr_path or cwd / "stderr.log").open("w")
    try:
        return subprocess.Popen([sys.executable, "-m", "bot", *map(str, args)], cwd=cwd, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                env=dict(env) if env is not None else clean_env())
    finally:
        err.close()


class LineReader:
    """Collects a pipe's lines on a thread so the test can wait for one with a timeout."""

    def __init__(self, pipe: object) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self._thread.start()

    def _read(self, pipe: object) -> None:
        for line in iter(pipe.readline, ""):  # type: ignore[attr-defined]
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, predicate: Callable[[list[str]], bool], timeout: float = 15.0) -> list[str]:
        """Read until ``predicate(lines so far)`` holds; AssertionError at the timeout or the end."""
        deadline = time.monotonic() + timeout
        while not predicate(self.lines):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out; last lines: {self.lines[-5:]}")
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"output ended; last lines: {self.lines[-5:]}")
            self.lines.append(line)
        return self.lines

    def drain(self, timeout: float = 15.0) -> list[str]:
        """Read to the end of the output."""
        self._thread.join(timeout)
        while True:
            try:
                line = self._queue.get_nowait()
            except queue.Empty:
                return self.lines
            if line is not None:
                self.lines.append(line)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_for_port(port: int, process: asyncio.subprocess.Process, timeout: float = 30.0) -> None:
    """Until ``process`` accepts connections on ``port`` of 127.0.0.1; AssertionError if it exits
    first or the ceiling passes (a ceiling for slow machines, never an asserted time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if process.returncode is not None:
            raise AssertionError(f"quizbot exited early with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError(f"quizbot did not listen on {port} within {timeout}s")


def write_deck(decks: Path, text: str, name: str = "demo.yaml") -> Path:
    decks.mkdir(parents=True, exist_ok=True)
    path = decks / name
    path.write_text(text, encoding="utf-8")
    return path
