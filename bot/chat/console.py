"""The console: a local terminal adapter that needs no account.

It reads lines (typed, or piped so a round can be scripted) and prints plain
text. ``/...`` lines are commands, ``:as NAME`` switches who is speaking, any
other line answers the open question. Every console member is an admin, so one
person can demo a whole team. Lines are handled one at a time, in order.

Input is read on a daemon thread that hands whole lines to the event loop, so a
blocked read never holds up shutdown: on SIGTERM the line being handled is
finished (its answer acknowledged and committed), the rest is not taken.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from bot.chat.plain import render
from bot.quiz import commands
from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, Member, MessageRef
from bot.quiz.service import QuizService

CHANNEL = ChannelRef("console", "console:local", "quiz")
MAX_NAME = 32
HELP = ":as NAME switches the member speaking; :quit leaves. Commands: /quiz help"
STOP_GRACE_S = 5.0
"""How long :meth:`ConsoleChat.stop` lets the line being handled finish before cancelling it."""


class ConsoleChat:
    """Adapter and :class:`Chat` port in one: the terminal is both."""

    platform = "console"
    name = "console"

    def __init__(self, service: QuizService, out: TextIO = sys.stdout, member: str = "you",
                 on_eof: Callable[[], None] = lambda: None, stdin: TextIO = sys.stdin) -> None:
        self.service = service
        self.out = out
        self.stdin = stdin
        self.member = Member(f"console:{member}", member, is_admin=True)
        self.on_eof = on_eof
        self._ids = 0
        self._task: asyncio.Task[None] | None = None
        self._busy = False
        self._stopping = False

    # -- Chat port ----------------------------------------------------------------

    async def post(self, channel: ChannelRef, message: m.Message) -> MessageRef:
        self._ids += 1
        self.say(render(message))
        return MessageRef(channel, str(self._ids))

    async def update(self, ref: MessageRef, message: m.Message) -> None:
        if isinstance(message, m.Reveal):  # counter refreshes would only be noise here
            self.say(render(message))

    # -- adapter ------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def chat(self) -> ConsoleChat:
        """The console is its own :class:`~bot.quiz.ports.Chat` port."""
        return self

    async def start(self) -> None:
        self._task = asyncio.create_task(self._read_loop(), name="console")

    async def stop(self) -> None:
        """Take no more lines; let the one being handled finish (up to ``STOP_GRACE_S``)."""
        task = self._task
        if task is None or task.done():
            return
        self._stopping = True
        if self._busy:
            await asyncio.wait({task}, timeout=STOP_GRACE_S)
        if not task.done():
            task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    async def _read_loop(self) -> None:
        if self.stdin.isatty():
            self.say(f"quizbot console. {HELP}")
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        _start_reader(self.stdin, asyncio.get_running_loop(), lines)
        while not self._stopping:
            line = await lines.get()
            if line is None or self._stopping:
                break
            self._busy = True
            try:
                if await self.handle(line.rstrip("\r\n")) is False:
                    break
            finally:
                self._busy = False
        if not self._stopping:
            self.on_eof()

    async def handle(self, line: str) -> bool:
        """Handle one input line; False means "leave"."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        try:
            if text in {":quit", ":q", ":exit"}:
                return False
            if text == ":help":
                self.say(HELP)
            elif text.startswith(":as"):
                self._switch(text[3:].strip())
            elif text.startswith("/"):
                command, _, rest = text[1:].partition(" ")
                for reply in await commands.handle(self.service, CHANNEL, self.member, command, rest):
                    self.say(render(reply))
            else:
                self.say(render(await self.service.answer_in_channel(CHANNEL, self.member, text)))
        except Exception as exc:
            self.say(f"Error: {exc}")
        return True

    def _switch(self, name: str) -> None:
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME or not all(ch.isalnum() or ch in "-_. " for ch in name):
            self.say(f"Error: a name is 1 to {MAX_NAME} letters, digits, spaces or -_.")
            return
        self.member = Member(f"console:{name.lower()}", name, is_admin=True)
        self.say(f"Now speaking as {name}.")


def _start_reader(stdin: TextIO, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    """Read ``stdin`` on a daemon thread, queueing each line and then None at the end.

    A real file descriptor is read with ``os.read`` rather than through ``stdin``'s
    buffer: a daemon thread blocked inside a buffered read holds that buffer's lock,
    and the interpreter may need the lock at exit. A daemon thread (unlike the
    default executor) is never waited for, so a pipe that stays open cannot keep
    the process alive after a signal.
    """

    def put(item: str | None) -> bool:
        try:
            loop.call_soon_threadsafe(lines.put_nowait, item)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            return False
        return True

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
