"""Storage faults in a real ``quizbot run``: /healthz and /metrics say so, members are never told "recorded".

The faults are real: the database file is deleted under the running process, and a full disk
is made with RLIMIT_FSIZE set on the running process (``prlimit``), which stops writes for
root too (a chmod would not: the tests run as root in CI). Lifting the limit ends the fault.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import SMALL_DECK
from tests.process import LineReader, clean_env, free_port, start_quizbot, write_deck

pytestmark = pytest.mark.sqlite_only  # faults of the SQLite file (tests/engines.py)

WAIT_S = 30.0  # a ceiling for slow shared machines, never an asserted time
REPLIES = ("Answer recorded", "Answer changed", "Error: ", "You already", "This round")  # to an answer


@dataclass
class RunningBot:
    proc: subprocess.Popen[str]
    out: LineReader
    port: int
    folder: Path

    def say(self, *lines: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("".join(f"{line}\n" for line in lines))
        self.proc.stdin.flush()

    def answer_as(self, name: str, choice: str) -> str:
        """Answer as ``name``; returns the console's reply to that answer."""
        seen = len(self.out.lines)
        self.say(f":as {name}", choice)
        lines = self.out.wait_for(lambda ls: any(ln.startswith(REPLIES) for ln in ls[seen:]), WAIT_S)
        return next(ln for ln in lines[seen:] if ln.startswith(REPLIES))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def wait_health(self, status: int) -> dict:  # type: ignore[type-arg]
        """Poll /healthz until it answers ``status``; returns its body."""
        deadline = time.monotonic() + WAIT_S
        last: tuple[int, str] | str = "nothing yet"
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.folder / "stderr.log").read_text()
            try:
                last = self.get("/healthz")
            except (urllib.error.URLError, ConnectionError):
                last = "not listening"
            else:
                if last[0] == status:
                    return json.loads(last[1])  # type: ignore[no-any-return]
            time.sleep(0.1)
        raise AssertionError(f"/healthz never answered {status}; last: {last}")


@contextmanager
def running_bot(tmp_path: Path) -> Iterator[RunningBot]:
    write_deck(tmp_path / "decks", SMALL_DECK)
    port = free_port()
    env = clean_env(QUIZBOT_HTTP_ADDR=f"127.0.0.1:{port}", QUIZBOT_RELOAD_INTERVAL="0")
    proc = start_quizbot("run", "--console", "--db", "q.db", "--decks", "decks", "--seed", "1", cwd=tmp_path,
                         env=env)
    bot = RunningBot(proc, LineReader(proc.stdout), port, tmp_path)
    try:
        bot.wait_health(200)
        bot.say("/quiz now")
        bot.out.wait_for(lambda ls: any(ln.startswith("Question") for ln in ls), WAIT_S)
        yield bot
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        assert proc.stdin is not None
        proc.stdin.close()


def test_deleting_the_database_file_turns_health_503_and_answers_are_not_confirmed(tmp_path):
    with running_bot(tmp_path) as bot:
        assert bot.answer_as("alice", "A").startswith("Answer recorded")
        os.unlink(tmp_path / "q.db")
        body = bot.wait_health(503)
        assert body["storage"]["ok"] is False
        assert body["storage"]["reason"] == "deleted"
        assert body["storage"]["restart_required"] is True
        assert "restart" in body["storage"]["detail"]
        reply = bot.answer_as("bob", "B")
        assert "recorded" not in reply
        assert reply == "Error: Your answer could not be saved; please try again."
        _, metrics = bot.get("/metrics")
        assert "quizbot_storage_healthy 0.0" in metrics
        assert 'quizbot_storage_fault{reason="deleted",restart_required="true"} 1.0' in metrics


def test_a_full_disk_turns_health_503_and_lifting_it_recovers_by_itself(tmp_path):
    with running_bot(tmp_path) as bot:
        assert bot.answer_as("alice", "A").startswith("Answer recorded")
        _, metrics = bot.get("/metrics")
        assert "quizbot_storage_healthy 1.0" in metrics
        soft, hard = resource.prlimit(bot.proc.pid, resource.RLIMIT_FSIZE)
        resource.prlimit(bot.proc.pid, resource.RLIMIT_FSIZE, (1, hard))  # no file may grow past 1 byte
        try:
            reply = bot.answer_as("bob", "B")
            assert reply == "Error: Your answer could not be saved; please try again."
            body = bot.wait_health(503)
            assert body["storage"]["reason"] == "io_error"  # SQLite reports EFBIG as a write I/O error
            assert body["storage"]["restart_required"] is False
            _, metrics = bot.get("/metrics")
            assert 'quizbot_storage_fault{reason="io_error",restart_required="false"} 1.0' in metrics
        finally:
            resource.prlimit(bot.proc.pid, resource.RLIMIT_FSIZE, (soft, hard))
        body = bot.wait_health(200)  # the watch's probe write commits again
        assert body["storage"] == {"ok": True}
        assert bot.answer_as("bob", "B").startswith("Answer recorded")
