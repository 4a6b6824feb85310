"""Deck-folder faults under the real ``quizbot run`` (the console: decks are read the same
way whichever platform serves them).

- A deck file being written while the bot reads the folder (at start and on hot reloads) is
  never served: every listing shows it whole or not at all.
- A symbolic link leading out of the decks folder is refused, at start and when added later,
  and its target's content never reaches the log or a member.

In-process detail (each watcher tick): ``tests/ops/test_reload.py``.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from pathlib import Path

from tests.helpers import SMALL_DECK
from tests.process import LineReader, clean_env, start_quizbot, write_deck

CARDS = 20
WAIT_S = 30.0  # a ceiling for slow shared machines, never an asserted time
LISTING = re.compile(r"^\s+growing: Growing \((\d+) cards\)$")


def growing_deck() -> bytes:
    cards = "".join(f"  - id: card-{i}\n    term: Growing term {i}\n"
                    f"    definition: The definition of growing term number {i}, long enough to be asked.\n"
                    for i in range(CARDS))
    return ("deck: growing\ntitle: Growing\ncards:\n" + cards).encode()


def write_slowly(path: Path, data: bytes, chunk: int, pause_s: float, started: threading.Event) -> None:
    """Append ``data`` a chunk at a time, as a slow copy or an editor's save would."""
    with path.open("wb") as handle:
        for at in range(0, len(data), chunk):
            handle.write(data[at:at + chunk])
            handle.flush()
            started.set()
            time.sleep(pause_s)


def start_console(folder: Path, **extra: str) -> tuple[subprocess.Popen[str], LineReader]:
    env = clean_env(QUIZBOT_RELOAD_INTERVAL="0.2", **extra)
    proc = start_quizbot("run", "--console", "--db", "q.db", "--decks", "decks", "--seed", "1", cwd=folder, env=env)
    return proc, LineReader(proc.stdout)


def say(proc: subprocess.Popen[str], line: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(line + "\n")
    proc.stdin.flush()


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        assert proc.stdin is not None
        proc.stdin.close()  # end of input: the console stops
        try:
            proc.wait(WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_deck_file_being_written_while_the_bot_reads_the_folder_is_never_served_partly(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, SMALL_DECK)
    started = threading.Event()
    data = growing_deck()
    writer = threading.Thread(target=write_slowly, args=(decks / "growing.yaml", data, 97, 0.08, started))
    writer.start()  # the file is still being written while the bot starts and loads the folder
    started.wait(5)
    proc, out = start_console(tmp_path)
    seen: list[int] = []
    try:
        listings = 0
        while writer.is_alive() or not seen or seen[-1] != CARDS:
            say(proc, "/quiz decks")
            listings += 1
            lines = out.wait_for(lambda ls, n=listings: sum("deck(s) loaded" in ln for ln in ls) >= n, WAIT_S)
            seen = [int(m[1]) for ln in lines if (m := LISTING.match(ln))]
            assert listings < 2000, "the whole deck never appeared"
            time.sleep(0.05)
    finally:
        writer.join()
        stop(proc)

    assert seen and set(seen) == {CARDS}, seen  # only ever whole
    assert listings > 1


def test_a_symlink_out_of_the_decks_folder_is_refused_and_its_content_never_logged(tmp_path):
    decks = tmp_path / "decks"
    write_deck(decks, SMALL_DECK)
    outside = tmp_path / "private"
    outside.mkdir()
    secret = ("deck: leaked\ntitle: Leaked\ncards:\n  - id: secret\n    term: Secretmarker\n"
              "    definition: The private file's content secret-marker-42 that must never be shown.\n")
    (outside / "one.yaml").write_text(secret, encoding="utf-8")
    (outside / "two.yaml").write_text(secret.replace("secret-marker-42", "secret-marker-43"), encoding="utf-8")
    (decks / "at-start.yaml").symlink_to(outside / "one.yaml")
    proc, out = start_console(tmp_path, QUIZBOT_LOG_LEVEL="DEBUG")
    try:
        say(proc, "/quiz decks")
        out.wait_for(lambda ls: any("deck(s) loaded" in ln for ln in ls), WAIT_S)
        log = tmp_path / "stderr.log"
        at_start = log.read_text()
        (decks / "later.yaml").symlink_to(outside / "two.yaml")
        deadline = time.monotonic() + WAIT_S
        while "later.yaml:1:1 is a symbolic link" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        say(proc, "/define Secretmarker")
        say(proc, "/quiz decks")
        out.wait_for(lambda ls: sum("deck(s) loaded" in ln for ln in ls) >= 2, WAIT_S)
    finally:
        stop(proc)
    logged = (tmp_path / "stderr.log").read_text()
    shown = "\n".join(out.drain())

    refused = "{}:1:1 is a symbolic link that leads outside the decks folder"
    assert refused.format("decks/at-start.yaml") in at_start  # said at start, not only on a later reload
    assert refused.format("decks/later.yaml") in logged
    assert "secret-marker" not in logged and "Secretmarker" not in logged.replace("/define Secretmarker", "")
    assert "secret-marker" not in shown and "leaked" not in shown
