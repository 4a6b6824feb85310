"""Where the console's lines come from: a pipe (a scripted round) or a person at a terminal.

Both readers run on a daemon thread and hand whole lines to the event loop
through an :class:`asyncio.Queue`, then ``None`` at the end of input, so the loop
keeps running the clock while a read blocks, and a blocked read never holds up
shutdown (a daemon thread, unlike the default executor, is never waited for).

- :func:`start_pipe_reader` reads everything as it comes, with no prompt: piped
  output stays exactly the transcript.
- :class:`TerminalReader` reads one line per :meth:`~TerminalReader.ask`, with
  the prompt it is given (``alice> ``), through :func:`input` with the stdlib
  :mod:`readline` loaded: arrow keys edit the line and walk the history instead
  of printing escape codes.
"""

from __future__ import annotations

import asyncio
import io
import os
import queue
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO

Lines = asyncio.Queue[str | None]


def _sender(loop: asyncio.AbstractEventLoop, lines: Lines) -> Callable[[str | None], bool]:
    def put(item: str | None) -> bool:
        """Queue ``item`` for the loop; False once the loop is closed (nobody listens any more)."""
        try:
            loop.call_soon_threadsafe(lines.put_nowait, item)
        except RuntimeError:
            return False
        return True

    return put


def start_pipe_reader(stdin: TextIO, loop: asyncio.AbstractEventLoop, lines: Lines) -> None:
    """Read ``stdin`` on a daemon thread, queueing each line and then None at the end.

    A real file descriptor is read with ``os.read`` rather than through ``stdin``'s
    buffer: a daemon thread blocked inside a buffered read holds that buffer's lock,
    and the interpreter may need the lock at exit.
    """
    put = _sender(loop, lines)

    def read_fd(fd: int, encoding: str) -> None:
        pending = b""
        while chunk := os.read(fd, 65536):
            pending += chunk
            *whole, pending = pending.split(b"\n")
            for raw in whole:
                if not put(raw.decode(encoding, errors="replace")):
                    return
        if pending:
            put(pending.decode(encoding, errors="replace"))

    def read_text() -> None:
        for line in iter(stdin.readline, ""):
            if not put(line):
                return

    def main() -> None:
        try:
            fd = stdin.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):
            fd = -1
        try:
            if fd >= 0:
                read_fd(fd, getattr(stdin, "encoding", None) or "utf-8")
            else:
                read_text()
        except (OSError, ValueError):  # closed under us: treat as the end of input
            pass
        put(None)

    threading.Thread(target=main, name="console-stdin", daemon=True).start()


class TerminalReader:
    """Line editing, history and a prompt for a person typing at ``sys.stdin``.

    The loop calls :meth:`ask` with the prompt when it is ready for the next line,
    so the prompt always names the member speaking now and never appears in the
    middle of a reply. While a prompt waits, :meth:`interrupt` prints something
    else (a reveal from the clock) above it and redraws the prompt and what was
    typed so far. The terminal's settings are saved at :meth:`start` and put back
    at :meth:`close`, so stopping in the middle of an edit leaves a sane terminal.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, lines: Lines) -> None:
        self._put = _sender(loop, lines)
        self._prompts: queue.Queue[str | None] = queue.Queue()
        self._prompt: str | None = None
        """The prompt on screen while :func:`input` waits; None otherwise."""
        self._saved: list[Any] | None = None

    @staticmethod
    def usable(stdin: TextIO, out: TextIO) -> bool:
        """Only for the process's own terminal on both ends: :func:`input` edits lines
        with readline only then, and otherwise would block in ``sys.stdin``'s buffer,
        whose lock a daemon thread must not hold at exit."""
        try:
            return stdin is sys.stdin and out is sys.stdout and stdin.isatty() and out.isatty()
        except (OSError, ValueError):
            return False

    def start(self) -> None:
        self._saved = _terminal_settings()
        threading.Thread(target=self._main, name="console-terminal", daemon=True).start()

    def ask(self, prompt: str) -> None:
        """Show ``prompt`` and read the next line (it arrives on the queue)."""
        self._prompts.put(prompt)

    @property
    def waiting(self) -> bool:
        return self._prompt is not None

    def interrupt(self, out: TextIO, text: str) -> None:
        """Write ``text`` above a waiting prompt, then redraw the prompt and the typed line."""
        prompt = self._prompt
        if prompt is None:
            out.write(text + "\n")
            return
        try:
            import readline

            typed = readline.get_line_buffer()
        except ImportError:
            typed = ""
        out.write("\r\x1b[K" + text + "\n" + prompt + typed)

    def close(self) -> None:
        """Read no more lines; give the terminal back as it was."""
        self._prompts.put(None)
        if self._saved is not None:
            import termios

            try:
                termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved)
            except (termios.error, OSError, ValueError):
                pass

    def _main(self) -> None:
        try:
            import readline  # noqa: F401  # loading it is what gives input() editing and history
        except ImportError:  # a Python built without it: plain input() still works
            pass

        while (prompt := self._prompts.get()) is not None:
            self._prompt = prompt
            try:
                line: str | None = input(prompt)
            except EOFError:  # Ctrl-D
                line = None
            except (OSError, ValueError):  # the terminal went away
                line = None
            finally:
                self._prompt = None
            if not self._put(line) or line is None:
                return


def _terminal_settings() -> list[Any] | None:
    """The terminal's settings now (termios), or None where there are none to keep."""
    try:
        import termios
    except ImportError:  # not a Unix terminal
        return None
    try:
        return termios.tcgetattr(sys.stdin.fileno())
    except (termios.error, OSError, ValueError):
        return None
