"""The console: a local terminal adapter that needs no account.

It reads lines (typed, or piped so a round can be scripted) and prints plain
text. ``/...`` lines are commands, ``:as NAME`` switches who is speaking, any
other line answers the open question. Every console member is an admin, so one
person can demo a whole team. Lines are handled one at a time, in order.

On a terminal the prompt names the member speaking (``alice> ``) and lines are
edited with readline (see :mod:`bot.chat.console_input`); piped output is only
the transcript. Input is read on a daemon thread, so the clock keeps running
while nobody types, and on SIGTERM the line being handled is finished (its
answer acknowledged and committed), the rest is not taken.

The console is done (``on_eof`` is called, once) at the end of input, on
``:quit``, or when its output is closed (``quizbot run | head -3``): a closed
output is not an error, the run just ends, with no traceback.
"""

from __future__ import annotations

import asyncio
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.chat.console_input import TerminalReader, start_pipe_reader
from bot.chat.plain import render
from bot.quiz import commands
from bot.quiz import messages as m
from bot.quiz.ports import ChannelRef, Member, MessageRef
from bot.quiz.service import QuizService

CHANNEL = ChannelRef("console", "console:local", "quiz")
MAX_NAME = 32
CONSOLE_HELP = m.Notice("Console:", lines=(
    ":as NAME: speak as another member (every console member is an admin)",
    ":help: this help",
    ":quit (or Ctrl-D): leave",
    "any other line answers the open question (a letter picks an option)",
))
GREETING = "quizbot console. :as NAME switches the member speaking, :help lists commands, :quit leaves."
STOP_GRACE_S = 5.0
"""How long :meth:`ConsoleChat.stop` lets the line being handled finish before cancelling it."""


class ConsoleChat:
    """Adapter and :class:`Chat` port in one: the terminal is both."""

    platform = "console"
    name = "console"

    def __init__(self, service: QuizService, out: TextIO = sys.stdout, member: str = "you",
                 on_eof: Callable[[], None] = lambda: None, stdin: TextIO = sys.stdin,
                 digests_dir: Path = Path("digests")) -> None:
        self.service = service
        self.digests_dir = digests_dir
        """Where a weekly digest's chart is written (``digests/`` beside the database file)."""
        self.out = out
        self.stdin = stdin
        self.member = Member(f"console:{member}", member, is_admin=True)
        self.on_eof = on_eof
        self._ids = 0
        self._task: asyncio.Task[None] | None = None
        self._busy = False
        self._stopping = False
        self._done = False
        self._output_closed = False
        self._terminal: TerminalReader | None = None

    # -- Chat port ----------------------------------------------------------------

    async def post(self, channel: ChannelRef, message: m.Message) -> MessageRef:
        self._ids += 1
        self.say(render(message))
        if isinstance(message, m.WeeklyDigest) and message.chart_png:
            self.say(f"Chart: {await asyncio.to_thread(self._write_chart, message)}")
        return MessageRef(channel, str(self._ids))

    def _write_chart(self, digest: m.WeeklyDigest) -> Path:
        """Write the chart's PNG under :attr:`digests_dir` (made if missing); an earlier
        digest of the same week is replaced. Returns the absolute path."""
        self.digests_dir.mkdir(parents=True, exist_ok=True)
        path = (self.digests_dir / digest.chart_name).resolve()
        path.write_bytes(digest.chart_png)
        return path

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
        finally:
            self._close_terminal()

    @property
    def prompt(self) -> str:
        """What a person at a terminal sees before typing: who is speaking."""
        return f"{self.member.name}> "

    def say(self, text: str) -> None:
        """Print ``text``; if the output is closed, end the run quietly instead of raising."""
        if self._output_closed:
            return
        try:
            if self._terminal is not None and self._terminal.waiting:
                self._terminal.interrupt(self.out, text)
            else:
                self.out.write(text + "\n")
            self.out.flush()
        except (BrokenPipeError, ValueError) as exc:  # ValueError: the file object itself was closed
            self._lose_output(exc)
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            self._lose_output(exc)

    def _lose_output(self, exc: Exception) -> None:
        """Nobody reads any more (``| head`` exited): stop writing and end the run.

        Python's own advice for SIGPIPE: point the descriptor at ``os.devnull``, so
        the flush at interpreter exit does not fail again and print a warning.
        """
        self._output_closed = True
        try:
            fd = self.out.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass
        self._stopping = True
        self._finish()

    def _finish(self) -> None:
        """The console is done: tell the owner once (the run then shuts down)."""
        if not self._done:
            self._done = True
            self.on_eof()

    async def _read_loop(self) -> None:
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        if self.stdin.isatty():
            self.say(GREETING)
        if TerminalReader.usable(self.stdin, self.out):
            self._terminal = TerminalReader(loop, lines)
            self._terminal.start()
        if self._terminal is None:
            start_pipe_reader(self.stdin, loop, lines)
        while not self._stopping:
            if self._terminal is not None:
                self._terminal.ask(self.prompt)
            line = await lines.get()
            if line is None and self._terminal is not None:
                self.say("")  # Ctrl-D leaves the cursor after the prompt
            if line is None or self._stopping:
                break
            self._busy = True
            try:
                if await self.handle(line.rstrip("\r\n")) is False:
                    break
            finally:
                self._busy = False
        self._close_terminal()
        if not self._stopping:
            self._finish()

    def _close_terminal(self) -> None:
        if self._terminal is not None:
            self._terminal.close()
            self._terminal = None

    async def handle(self, line: str) -> bool:
        """Handle one input line; False means "leave"."""
        text = line.strip()
        if not text or text.startswith("#"):
            return True
        try:
            if text in {":quit", ":q", ":exit"}:
                return False
            if text == ":help":
                self.say(render(commands.HELP))
                self.say(render(CONSOLE_HELP))
            elif text == ":as" or text.startswith(":as "):
                self._switch(text[3:].strip())
            elif text.startswith(":"):
                self.say(f"Error: unknown console command {text.split()[0][:20]!r}. Try :help.")
            elif text.startswith("/"):
                command, _, rest = text[1:].partition(" ")
                replies = await commands.handle(self.service, CHANNEL, self.member, command, rest)
                if command.lower() == "quiz" and replies == [commands.HELP]:
                    replies = [*replies, CONSOLE_HELP]  # /quiz help lists the console's own commands too
                for reply in replies:
                    self.say(render(self._saved(reply)) if isinstance(reply, m.FileReply) else render(reply))
            elif (review_id := await self.service.reviews.open_id(self.member)) is not None:
                for reply in await self.service.review_text(review_id, self.member, text):  # a review goes first
                    self.say(render(reply))
            else:
                self.say(render(await self.service.answer_in_channel(CHANNEL, self.member, text)))
        except Exception as exc:
            self.say(f"Error: {exc}")
        return True

    def _saved(self, reply: m.FileReply) -> m.Notice:
        """Write a file reply beside the database (the working directory on PostgreSQL), replacing
        an earlier export of the same name, and say where."""
        path = self.files_dir() / reply.filename
        try:
            path.write_text(reply.content, encoding="utf-8")
        except OSError as exc:
            return m.error(f"Could not write {path}: {exc.strerror or exc}")
        return m.ok(f"{reply.caption} Written to {path}")

    def files_dir(self) -> Path:
        """Where file replies go: the SQLite file's folder, else the working directory."""
        db_file = self.service.ctx.stores.db.url.path
        return Path(db_file).resolve().parent if db_file not in (None, ":memory:") else Path.cwd()

    def _switch(self, name: str) -> None:
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME or not all(ch.isalnum() or ch in "-_. " for ch in name):
            self.say(f"Error: a name is 1 to {MAX_NAME} letters, digits, spaces or -_.")
            return
        self.member = Member(f"console:{name.lower()}", name, is_admin=True)
        self.say(f"Now speaking as {name}.")
