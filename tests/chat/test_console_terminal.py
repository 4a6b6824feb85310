"""The console for a person: the real ``quizbot run`` under a pseudo-terminal, and with its output closed."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.process import clean_env

pytestmark = pytest.mark.sqlite_only  # the real CLI on a SQLite file (tests/engines.py)

ROOT = Path(__file__).resolve().parents[2]
UP_ARROW = b"\x1b[A"


class Terminal:
    """``quizbot run`` on a pseudo-terminal: type into it, wait for what it shows."""

    def __init__(self, tmp_path: Path) -> None:
        self.main_fd, tty_fd = pty.openpty()
        env = clean_env(HOME=str(tmp_path), TERM="xterm", QUIZBOT_CONFIG=str(tmp_path / "none.yaml"))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--db", str(tmp_path / "t.db"), "--decks", str(ROOT / "decks")],
            stdin=tty_fd, stdout=tty_fd, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
        os.close(tty_fd)
        self.seen = b""

    def type(self, keys: bytes) -> None:
        os.write(self.main_fd, keys)

    def wait_for(self, text: bytes, count: int = 1, timeout: float = 30.0) -> bytes:
        """Read until ``text`` has appeared ``count`` times (a hang detector, not a timing check)."""
        deadline = time.monotonic() + timeout
        while self.seen.count(text) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {text!r} x{count}; the screen so far: {self.seen[-400:]!r}"
            ready, _, _ = select.select([self.main_fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.main_fd, 4096)
                except OSError:  # the process closed the terminal
                    chunk = b""
                assert chunk, f"output ended before {text!r} x{count}: {self.seen[-400:]!r}"
                self.seen += chunk
        return self.seen

    def close(self) -> tuple[int, bytes]:
        try:
            _, stderr = self.process.communicate(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            os.close(self.main_fd)
        return self.process.returncode, stderr


def test_prompt_names_the_member_speaking_and_follows_as(tmp_path):
    term = Terminal(tmp_path)
    try:
        term.wait_for(b"you> ")
        term.type(b":as alice\n")
        term.wait_for(b"alice> ")
        term.type(b":as bob\n")
        term.wait_for(b"bob> ")
        term.type(b":quit\n")
    finally:
        code, stderr = term.close()
    assert code == 0, stderr


def test_up_arrow_recalls_the_last_line_instead_of_printing_an_escape_code(tmp_path):
    term = Terminal(tmp_path)
    try:
        term.wait_for(b"you> ")
        term.type(b":as carol\n")
        term.wait_for(b"carol> ")
        term.type(b":as dave\n")
        term.wait_for(b"dave> ")
        term.type(UP_ARROW + UP_ARROW + b"\n")  # two back in the history: ":as carol" again
        term.wait_for(b"Now speaking as carol.", count=2)
        term.type(b":quit\n")
    finally:
        code, _ = term.close()
    assert b"^[[A" not in term.seen
    assert code == 0


def test_console_help_lists_the_console_commands(tmp_path):
    term = Terminal(tmp_path)
    try:
        term.wait_for(b"you> ")
        term.type(b"/quiz help\n")
        term.wait_for(b":quit")
        term.type(b":help\n")
        term.wait_for(b":as NAME", count=3)  # the greeting names it once, each help once
        term.type(b":quit\n")
    finally:
        code, _ = term.close()
    assert b"/define TERM" in term.seen and b":help" in term.seen
    assert code == 0


def test_end_of_input_on_the_terminal_leaves_cleanly(tmp_path):
    term = Terminal(tmp_path)
    try:
        term.wait_for(b"you> ")
        term.type(b"\x04")  # Ctrl-D
    finally:
        code, stderr = term.close()
    assert code == 0 and b"Traceback" not in stderr


def test_closed_output_ends_the_run_quietly(tmp_path):
    """``quizbot run | head -3`` with the input still open: the run ends on its own, exit 0, no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--console", "--db", str(tmp_path / "p.db"), "--decks",
         str(ROOT / "decks"), "--seed", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
        env=clean_env(HOME=str(tmp_path), QUIZBOT_CONFIG=str(tmp_path / "none.yaml")))
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(b"/quiz now\n")
        process.stdin.flush()
        for _ in range(3):
            assert process.stdout.readline()
        process.stdout.close()  # what `head -3` does after its third line
        process.stdin.write(b"/define nms\n/define relu\n/leaderboard\n")  # replies now go nowhere
        process.stdin.flush()
        code = process.wait(timeout=30)  # hangs without the fix; the stdin pipe stays open
        stderr = process.stderr.read() if process.stderr else b""
    finally:
        if process.poll() is None:
            process.kill()
        process.stdin.close()
    assert code == 0
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr, stderr
