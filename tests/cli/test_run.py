"""``quizbot run`` as a real process: what it logs, what it never logs, how it stops."""

from __future__ import annotations

import signal
import socket
import sqlite3

import pytest

from tests.helpers import SMALL_DECK
from tests.process import LineReader, clean_env, quizbot, start_quizbot, write_deck

FAKE_SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-fake-1111-2222-bottoken",
    "SLACK_APP_TOKEN": "xapp-1-fake-3333-apptoken",
    "SLACK_SIGNING_SECRET": "fakesigningsecret4444",
    "DISCORD_TOKEN": "ZmFrZS1kaXNjb3Jk.fake.discord-token-5555",
}
SCRIPT = "/quiz now\n:as alice\nA\n:as bob\nB\n/define NMS\n/define nonexistent thing\n/quiz close\n/leaderboard\n"


def test_tokens_never_appear_in_the_output_even_at_debug_level(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-dotenv-6666-only-in-file\n")
    env = clean_env(**FAKE_SECRETS, QUIZBOT_LOG_LEVEL="DEBUG", QUIZBOT_ENV_FILE=str(tmp_path / ".env"))
    result = quizbot("run", "--console", "--db", "q.db", "--decks", "decks", cwd=tmp_path, env=env,
                     stdin=SCRIPT)
    assert result.returncode == 0, result.stderr
    assert "Answer recorded" in result.stdout and "level=debug" in result.stderr
    for secret in [*FAKE_SECRETS.values(), "xoxb-dotenv-6666-only-in-file"]:
        assert secret not in result.stdout
        assert secret not in result.stderr


def test_run_logs_adapters_loaded_decks_and_why_a_deck_was_skipped(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, SMALL_DECK)
    broken = write_deck(decks, "deck: broken\ntitle: Broken\ncards:\n  - id: Not A Slug\n    term: X\n"
                        "    definition: Something long enough to be a definition.\n", "broken.yaml")
    result = quizbot("run", "--console", "--db", "q.db", "--decks", "decks", cwd=tmp_path,
                     stdin="/quiz now\n")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any("event=adapter_started adapter=console" in line for line in lines)
    assert any("event=decks_loaded decks=1 cards=5" in line for line in lines)
    skipped = [line for line in lines if "event=deck_skipped" in line]
    assert len(skipped) == 1 and f"{broken.relative_to(tmp_path)}:4:" in skipped[0]
    assert all(line.startswith("time=") and " level=" in line for line in lines)  # one line per event


def test_json_log_lines_when_asked(tmp_path):
    import json

    write_deck(tmp_path / "decks", SMALL_DECK)
    result = quizbot("run", "--console", "--db", "q.db", "--decks", "decks", cwd=tmp_path,
                     env=clean_env(QUIZBOT_LOG_FORMAT="json"), stdin="")
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    assert any(e["message"].startswith("event=decks_loaded") for e in entries)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_answers_arrive_keeps_every_acknowledged_answer(tmp_path, sig):
    write_deck(tmp_path / "decks", SMALL_DECK)
    proc = start_quizbot("run", "--console", "--db", "q.db", "--decks", "decks", "--seed", "3",
                         cwd=tmp_path)
    out = LineReader(proc.stdout)
    try:
        assert proc.stdin is not None
        proc.stdin.write("/quiz now\n" + "".join(f":as user{i}\nA\n" for i in range(500)))
        proc.stdin.flush()  # stdin stays open: only the signal ends this run
        out.wait_for(lambda lines: sum(line.startswith("Answer recorded") for line in lines) >= 20)
        proc.send_signal(sig)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdin is not None:
            proc.stdin.close()
    acknowledged, speaker = set(), None
    for line in out.drain():
        if line.startswith("Now speaking as "):
            speaker = line.removeprefix("Now speaking as ").rstrip(".")
        elif line.startswith("Answer recorded"):
            acknowledged.add(speaker)
    conn = sqlite3.connect(tmp_path / "q.db")
    try:
        stored = {name for (name,) in conn.execute(
            "SELECT m.name FROM answers a JOIN members m ON m.id = a.member_id")}
    finally:
        conn.close()
    assert len(acknowledged) >= 20
    assert acknowledged <= stored
    log = (tmp_path / "stderr.log").read_text()
    assert "event=shutdown_done" in log and "Traceback" not in log


def test_a_signal_while_the_console_waits_for_input_stops_the_process(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    proc = start_quizbot("run", "--console", "--db", "q.db", "--decks", "decks", cwd=tmp_path)
    out = LineReader(proc.stdout)
    try:
        assert proc.stdin is not None
        proc.stdin.write("/quiz now\n")
        proc.stdin.flush()
        out.wait_for(lambda lines: any("closes at" in line for line in lines))
        proc.send_signal(signal.SIGTERM)  # the reader is blocked on a pipe that stays open
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdin is not None:
            proc.stdin.close()
    assert "event=shutdown_done" in (tmp_path / "stderr.log").read_text()


def test_an_http_address_in_use_stops_the_start_with_a_clear_message(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = quizbot("run", "--console", "--db", "q.db", "--decks", "decks", cwd=tmp_path,
                         env=clean_env(QUIZBOT_HTTP_ADDR=f"127.0.0.1:{port}"), stdin="/quiz now\n")
    assert result.returncode == 2
    assert f"cannot serve /healthz on QUIZBOT_HTTP_ADDR=127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr and "event=shutdown_done" in result.stderr
    assert result.stdout == ""  # no adapter started, no question asked


def test_end_of_console_input_stops_cleanly(tmp_path):
    write_deck(tmp_path / "decks", SMALL_DECK)
    result = quizbot("run", "--console", "--db", "q.db", "--decks", "decks", cwd=tmp_path,
                     stdin="/quiz now\n:quit\n:as never-seen\n")
    assert result.returncode == 0, result.stderr
    assert "never-seen" not in result.stdout
    assert "event=shutdown_done" in result.stderr
