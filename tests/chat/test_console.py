"""The console: a whole round scripted through piped stdin of the real `quizbot run`."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only  # reads the SQLite file itself (tests/engines.py)

ROOT = Path(__file__).resolve().parents[2]


def run_console(tmp_path: Path, script: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QUIZBOT_CONFIG": str(tmp_path / "none.yaml")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--console", "--db", str(tmp_path / "demo.db"),
         "--decks", str(ROOT / "decks"), "--seed", "1", *extra],
        input=script, capture_output=True, text=True, timeout=60, cwd=tmp_path, env=env,
    )


def test_piped_script_plays_a_full_round(tmp_path):
    result = run_console(tmp_path, "/quiz now\n:as alice\nA\n:as bob\nB\n/quiz close\n/leaderboard\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Question (round 1" in out
    assert out.count("Answer recorded") == 2
    assert "Round 1 closed" in out and "Answer:" in out and "Why:" in out
    assert "Leaderboard: this week in this channel" in out
    db = sqlite3.connect(tmp_path / "demo.db")
    assert db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM rounds WHERE closed_at IS NOT NULL").fetchone()[0] == 1


def test_same_seed_gives_the_same_question(tmp_path):
    first = run_console(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path, "/quiz now\n")
    second_dir = tmp_path / "b"
    second_dir.mkdir()
    second = run_console(second_dir, "/quiz now\n")
    assert first.stdout.splitlines()[:6] == second.stdout.splitlines()[:6]


def test_errors_print_one_line_and_the_console_keeps_running(tmp_path):
    result = run_console(tmp_path, "/bogus\n/quiz schedule add \"whenever\"\n/quiz now nodeck\n/define nms\n")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Error: Unknown command /bogus")
    assert lines[1].startswith("Error: cannot read schedule")
    assert lines[2].startswith("Error: Unknown deck 'nodeck'")
    assert "Non-maximum suppression" in result.stdout
    assert result.returncode == 0


def test_open_round_survives_a_restart_of_the_console(tmp_path):
    run_console(tmp_path, "/quiz now\n:as alice\nA\n")
    result = run_console(tmp_path, ":as bob\nA\n/quiz close\n")
    assert "Round 1 closed" in result.stdout
    assert "Right" in result.stdout and "of 2" in result.stdout


def test_define_in_console_finds_alias(tmp_path):
    result = run_console(tmp_path, "/define NMS\n/define zzzzqqq\n")
    assert "Non-maximum suppression" in result.stdout
    assert "No card for 'zzzzqqq'" in result.stdout


def test_bad_member_name_is_refused(tmp_path):
    result = run_console(tmp_path, ":as <!everyone>\n")
    assert result.stdout.startswith("Error: a name is")


def test_console_on_a_terminal_greets_and_keeps_info_logs_out_of_the_way(tmp_path):
    import os
    import pty

    main_fd, tty_fd = pty.openpty()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QUIZBOT_CONFIG": str(tmp_path / "none.yaml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--db", str(tmp_path / "t.db"), "--decks", str(ROOT / "decks")],
        stdin=tty_fd, stdout=tty_fd, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    os.close(tty_fd)
    os.write(main_fd, b"/define nms\n:quit\n")
    seen = b""
    while b"Non-maximum suppression" not in seen:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, stderr = process.communicate(timeout=30)
    os.close(main_fd)
    assert b"quizbot console." in seen and b"Non-maximum suppression" in seen
    assert b"event=decks_loaded" not in stderr  # info lines would interleave with the quiz
    assert process.returncode == 0
